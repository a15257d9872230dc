"""Public figures per municipality (issue 21 §5): the open-data ``statistics`` endpoint, its CSV
and the public page ``/figures/<slug>/`` (docs/figures.md, decision 0045)."""
