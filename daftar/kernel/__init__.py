"""The kernel: what every other package builds on and that builds on nothing of daftar's.

Persian normalisation and messages, Jalali dates, Iranian identifier validators, the API's error
shape, parsers, serializer and form fields, template filters. It imports only the standard
library, Django, DRF and third-party packages, never another ``daftar`` package (``.importlinter``
holds it to that).
"""
