"""Municipalities, their provinces and districts (S2, S17: rules and hours are set per
municipality and province)."""
