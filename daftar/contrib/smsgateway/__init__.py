"""A generic HTTP SMS gateway (JSON over HTTPS, bearer key)."""
