from .factories import districts, make_licence  # noqa: F401
