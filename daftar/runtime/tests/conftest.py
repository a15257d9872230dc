"""Fixtures of the runtime's tests: the JSON log lines a test causes, parsed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from daftar.runtime.logging_setup import line_handler


@pytest.fixture
def json_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Everything logged during the test (INFO and up), as production writes it: one JSON
    object a line; calling the fixture parses what was written so far (a line that is not JSON
    fails the test)."""
    stream = io.StringIO()
    handler = line_handler(stream, "json")
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        root.removeHandler(handler)
