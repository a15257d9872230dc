"""The structure's rules (issue 16, docs/architecture.md), held by tests that read the code.

The import layers themselves are import-linter's (``make lint``, ``.importlinter``); these hold
what it cannot see: generated diagrams that match the code, permission checks that live only in
the policies, and tests that mirror the code.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCT = [p for p in (ROOT / "daftar").rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
TEMPLATES = list((ROOT / "daftar").rglob("*.html"))
TESTS = [p for p in (ROOT / "daftar").rglob("*.py") if "tests" in p.parts] + list((ROOT / "tests").rglob("*.py"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_generated_diagrams_match_the_code() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "diagrams.py"), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stdout + run.stderr


# Who may do what is answered by each domain's policy.py, built on the accounts primitives; only
# these files read roles or the superuser flag themselves.
ROLE_READERS = {
    "daftar/accounts/policy.py",  # the primitives
    "daftar/accounts/scoping.py",  # the role cache and scoped querysets the primitives use
    "daftar/accounts/models.py",  # creates superusers
}
ROLE_READING = re.compile(r"is_superuser|\bhas_role\(|municipality_ids_for\(|\broles_of\(|\.roles\.(all|filter|values)")


def test_roles_and_superusers_are_read_only_by_the_policies() -> None:
    found = [
        f"{_rel(p)}:{n}: {line.strip()}"
        for p in PRODUCT + TEMPLATES
        if _rel(p) not in ROLE_READERS
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if ROLE_READING.search(line)
    ]
    assert found == []


ROUND_WORDS = {"review", "reviews", "regression", "regressions", "fix", "fixes", "round", "rounds"}


def test_test_files_are_named_by_behaviour_not_by_review_rounds() -> None:
    assert [_rel(p) for p in TESTS if ROUND_WORDS & set(p.stem.split("_"))] == []


def test_no_app_imports_another_apps_conftest() -> None:
    found = []
    for path in TESTS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("conftest"):
                same_app = node.level == 1 and path.parent.name == "tests"
                if not same_app and node.module != "conftest":  # the root conftest's helpers are for all
                    found.append(f"{_rel(path)}:{node.lineno}: from {'.' * node.level}{node.module}")
    assert found == []


def _comment_lines(source: str) -> set[int]:
    return {t.start[0] for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT}


def test_imports_inside_functions_say_why() -> None:
    """An import belongs at the module's top; one inside a function stays only with a comment
    saying why (a heavy or optional library on a rare path, the app registry not ready yet, a
    cycle between two modules of an app): on its line, its last line or the line above it."""
    found = set()
    for path in PRODUCT:
        source = path.read_text(encoding="utf-8")
        comments = _comment_lines(source)
        for function in ast.walk(ast.parse(source)):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if not isinstance(node, ast.Import | ast.ImportFrom):
                        continue
                    if not {node.lineno - 1, node.lineno, node.end_lineno} & comments:
                        found.add(f"{_rel(path)}:{node.lineno}: in {function.name}(): {ast.unparse(node)}")
    assert sorted(found) == []
