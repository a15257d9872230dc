"""The dependency audit's gate (scripts/audit_deps.py; issue 8 «Dependencies»): a finding of
high severity fails, an ignored one needs a reason, and a package nobody could check is never
reported as clean."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
assert spec and spec.loader
audit_deps = importlib.util.module_from_spec(spec)
sys.modules["audit_deps"] = audit_deps  # dataclasses look their module up
spec.loader.exec_module(audit_deps)

DJANGO_VULN = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2025-1", "aliases": ["CVE-2025-0001"], "fix_versions": ["5.2.2"]}],
}


def test_a_python_vulnerability_fails_the_audit(capsys):
    report = {"dependencies": [DJANGO_VULN, {"name": "jdatetime", "version": "6.1.1", "vulns": []}]}
    audit = audit_deps.judge_pip_audit(report, {})
    assert audit.audited == 2 and len(audit.findings) == 1
    assert audit_deps.verdict([audit], strict=False) == 1
    assert (
        "VULNERABLE (high or above): django 5.2.1: PYSEC-2025-1, CVE-2025-0001 (fixed in 5.2.2)"
        in capsys.readouterr().out
    )


def test_an_ignored_vulnerability_passes_only_with_its_reason(tmp_path):
    ignores = tmp_path / "ignore.txt"
    ignores.write_text(
        "# comment\nCVE-2025-0001  only the admin's password reset, which daftar does not use (moderate)\n"
    )
    audit = audit_deps.judge_pip_audit({"dependencies": [DJANGO_VULN]}, audit_deps.read_ignores(ignores))
    assert not audit.findings and "does not use" in audit.ignored[0]
    assert audit_deps.verdict([audit], strict=True) == 0
    ignores.write_text("CVE-2025-0001\n")
    with pytest.raises(SystemExit, match="without a reason"):
        audit_deps.read_ignores(ignores)


def test_packages_nobody_could_check_are_not_clean(capsys):
    report = {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI"}]}
    audit = audit_deps.judge_pip_audit(report, {})
    assert audit.audited == 0 and not audit.reachable
    assert audit_deps.verdict([audit], strict=True) == 2
    assert audit_deps.verdict([audit], strict=False) == 0
    assert "NOT AUDITED" in capsys.readouterr().out


def test_npm_findings_block_from_high_severity():
    report = {
        "metadata": {"dependencies": {"total": 4}},
        "vulnerabilities": {
            "htmx.org": {"severity": "high", "via": [{"url": "https://github.com/advisories/GHSA-x"}]},
            "bootstrap": {"severity": "moderate", "via": [{"url": "https://github.com/advisories/GHSA-y"}]},
        },
    }
    audit = audit_deps.judge_npm_audit(report, {})
    assert audit.findings == ["htmx.org (high): https://github.com/advisories/GHSA-x"]
    assert audit.minor and audit_deps.verdict([audit], strict=False) == 1
    refused = audit_deps.judge_npm_audit({"error": {"summary": "405 Method Not Allowed"}}, {})
    assert refused.error and audit_deps.verdict([refused], strict=False) == 0


def test_ignoring_one_npm_advisory_does_not_hide_another_of_the_same_package():
    report = {
        "metadata": {"dependencies": {"total": 4}},
        "vulnerabilities": {
            "bootstrap": {
                "severity": "critical",
                "via": [
                    {"url": "https://github.com/advisories/GHSA-low1", "severity": "low"},
                    {"url": "https://github.com/advisories/GHSA-crit", "severity": "critical"},
                ],
            },
        },
    }
    audit = audit_deps.judge_npm_audit(report, {"GHSA-low1": "a tooltip we do not use (low)"})
    assert audit.findings == ["bootstrap (critical): https://github.com/advisories/GHSA-crit"]
    assert len(audit.ignored) == 1


def test_strict_fails_when_even_one_package_was_not_audited():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "jdatetime", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    audit = audit_deps.judge_pip_audit(report, {})
    assert audit.reachable and audit.not_audited == 1
    assert audit_deps.verdict([audit], strict=True) == 2
    assert audit_deps.verdict([audit], strict=False) == 0
    refused = audit_deps.judge_npm_audit({"error": {"summary": "405 Method Not Allowed"}}, {})
    assert refused.error and audit_deps.verdict([refused], strict=True) == 2


def test_the_repository_ignore_list_is_valid():
    for vuln_id, reason in audit_deps.read_ignores().items():
        assert vuln_id and len(reason) > 10
