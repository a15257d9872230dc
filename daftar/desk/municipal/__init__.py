"""The municipality administrator's pages, replacing the Django admin for them (issue 18 §3)."""
