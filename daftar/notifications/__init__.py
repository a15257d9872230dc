"""Notifications: SMS (and later e-mail) through pluggable backends, via a transactional outbox."""
