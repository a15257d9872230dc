"""Bad input to the inspections' API: an id past the database's range is the 404 of a missing
photo, never a 500 (found by the schema fuzzing, ``tests/test_schema_fuzz.py``, issue 8)."""

from __future__ import annotations

import pytest

from daftar.applications.tests.helpers import client_for
from daftar.inspections import messages as msg

from .helpers import inspector

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/inspections/9223372036854775809/photos/1",
        "/api/v1/inspections/1/photos/9223372036854775809",
        "/api/v1/inspections/99999999999999999999999/photos/99999999999999999999999",
    ],
)
def test_a_photo_id_past_the_database_range_is_not_found(tehran_rules, path):
    """An inspection id past 64 bits overflowed the database driver: a 500 instead of a 404."""
    response = client_for(inspector()).get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": msg.NOT_FOUND, "fields": {}}
