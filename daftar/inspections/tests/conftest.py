from daftar.licences.tests.conftest import districts, make_licence  # noqa: F401
