"""Accounts: users (mobile is the login), person type, identifiers, OTP login (S15.1-S15.4)
and roles per municipality."""
