"""daftar: licensing, supervision and running of City E-Services Offices (DOMAIN.md)."""
