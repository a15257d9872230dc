"""The supervisor's pages (issue 18 §2)."""
