from daftar.licences.tests.factories import districts, make_licence  # noqa: F401
