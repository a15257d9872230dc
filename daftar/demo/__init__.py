"""Demo data for the embedded mode and the outside checks (API.md «Demo data»)."""
