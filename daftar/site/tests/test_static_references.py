"""Every file a stylesheet names exists beside it (``make run-prod``'s ``collectstatic`` hashes
them and stops at the first missing one, as Leaflet's ``layers.png`` once did, issue 19)."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"
URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def test_every_file_a_stylesheet_names_exists() -> None:
    sheets = sorted(STATIC.rglob("*.css"))
    assert any("leaflet" in str(s) for s in sheets), "run make vendor: the vendored files are missing"
    missing = []
    for sheet in sheets:
        for target in URL.findall(sheet.read_text(encoding="utf-8")):
            if target.startswith(("data:", "#", "http:", "https:", "/", "${")):
                continue
            if not (sheet.parent / target.split("?")[0].split("#")[0]).exists():
                missing.append(f"{sheet.relative_to(STATIC)} → {target}")
    assert not missing, missing
