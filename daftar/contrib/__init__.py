"""Integrations with outside systems (SMS gateways, registries, storage)."""
