"""The licensing authority's pages (issue 18 §1)."""
