"""Write docs/lifecycles/<name>.md from every declared lifecycle (``make diagrams``).

A test (daftar/kernel/tests/test_lifecycles.py) fails when a file here is stale, so a change to
a lifecycle's table lands together with its diagram.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from daftar.kernel.lifecycles import diagrams

    out = ROOT / "docs" / "lifecycles"
    out.mkdir(exist_ok=True)
    wanted = diagrams()
    for path in out.glob("*.md"):
        if path.name not in wanted and path.name != "README.md":
            path.unlink()
    for name, text in wanted.items():
        (out / name).write_text(text, encoding="utf-8")
        print(f"docs/lifecycles/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
