#!/usr/bin/env python3
"""The dependency audit (issue 8, docs/security.md «Dependencies»): every pinned package checked
against the public vulnerability databases.

- Python: ``pip-audit`` over ``constraints.txt`` (the whole pinned set, runtime and tools, as
  ``pip freeze`` wrote it), ``--no-deps`` (the file is already complete).
- Front end: ``npm audit`` over ``package-lock.json`` (the self-hosted assets).

The gate: a known vulnerability of severity high or critical fails (exit 1). pip-audit does not
report a severity, so every Python finding counts as high unless ``.ci/audit-ignore.txt`` names
it with the reason it does not apply (one ``ID  reason`` per line; reviewed like code).

A package the database could not be asked about is *not audited*, never counted as clean: the
summary says how many were audited. When the service cannot be reached at all (a machine
without access to PyPI's per-release JSON or to OSV, like the development machines of this
project) the run says so loudly and exits 0, or 2 with ``--strict`` (set ``DAFTAR_AUDIT_STRICT=1``
on a CI runner that has the network, so an unreachable service cannot pass unnoticed there).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ROOT / ".ci" / "audit-ignore.txt"
BLOCKING = {"high", "critical"}


@dataclass
class Audit:
    name: str
    audited: int = 0
    not_audited: int = 0
    findings: list[str] = field(default_factory=list)  # blocking
    ignored: list[str] = field(default_factory=list)
    minor: list[str] = field(default_factory=list)  # below high (npm only)
    error: str = ""

    @property
    def reachable(self) -> bool:
        return not self.error and self.audited > 0


def read_ignores(path: Path = IGNORE_FILE) -> dict[str, str]:
    """``ID  reason`` lines; a line without a reason is refused (an ignore must say why)."""
    ignores: dict[str, str] = {}
    if not path.exists():
        return ignores
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path}:{number}: {vuln_id} is ignored without a reason")
        ignores[vuln_id] = reason.strip()
    return ignores


def judge_pip_audit(report: dict, ignores: dict[str, str]) -> Audit:
    """pip-audit's JSON (``-f json``) → the verdict."""
    audit = Audit("python (pip-audit, constraints.txt)")
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            audit.not_audited += 1
            continue
        audit.audited += 1
        for vuln in dep.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            fixed = ", ".join(vuln.get("fix_versions") or ["-"])
            line = f"{dep['name']} {dep.get('version', '?')}: {', '.join(ids)} (fixed in {fixed})"
            known = next((i for i in ids if i in ignores), None)
            (audit.ignored if known else audit.findings).append(
                line + (f" — ignored: {ignores[known]}" if known else "")
            )
    return audit


def judge_npm_audit(report: dict, ignores: dict[str, str]) -> Audit:
    """``npm audit --json`` (npm 7+) → the verdict; ``error`` when the registry refused."""
    audit = Audit("front end (npm audit, package-lock.json)")
    if "error" in report:
        audit.error = str(report["error"].get("summary") or report["error"])[:200]
        return audit
    meta = report.get("metadata", {})
    audit.audited = int(meta.get("dependencies", {}).get("total", 0) or 0)
    for name, vuln in report.get("vulnerabilities", {}).items():
        # Each advisory on its own (``via`` objects, with their own severity): ignoring one
        # advisory of a package must not hide another. A ``via`` string only names the
        # dependency that carries the advisory; that package has its own entry.
        for advisory in vuln.get("via", []):
            if not isinstance(advisory, dict):
                continue
            url = str(advisory.get("url") or advisory.get("source") or "")
            severity = str(advisory.get("severity") or vuln.get("severity") or "high")
            ghsa = url.rstrip("/").rsplit("/", 1)[-1]
            line = f"{name} ({severity}): {url or advisory.get('title', '?')}"
            if url in ignores or ghsa in ignores:
                audit.ignored.append(line)
            elif severity in BLOCKING:
                audit.findings.append(line)
            else:
                audit.minor.append(line)
    return audit


def run_pip_audit(ignores: dict[str, str]) -> Audit:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "-r",
        str(ROOT / "constraints.txt"),
        "--no-deps",
        "--disable-pip",
        "-f",
        "json",
        "--progress-spinner",
        "off",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if not report:
        audit = Audit("python (pip-audit, constraints.txt)")
        audit.error = (result.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return audit
    return judge_pip_audit(report, ignores)


def run_npm_audit(ignores: dict[str, str]) -> Audit:
    result = subprocess.run(
        ["npm", "audit", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        report = {"error": {}}
    if "error" in report and not (report["error"].get("summary") or "").strip():
        said = [line for line in result.stderr.splitlines() if "audit" in line and "npm warn Unknown" not in line]
        report["error"]["summary"] = (said or ["the registry refused"])[0].strip()
    return judge_npm_audit(report, ignores)


def verdict(audits: list[Audit], strict: bool) -> int:
    code = 0
    for audit in audits:
        print(f"== {audit.name}")
        if audit.error:
            print(f"   NOT AUDITED: the vulnerability service could not be reached ({audit.error})")
        else:
            print(f"   audited {audit.audited}, not audited {audit.not_audited}")
            if audit.audited == 0:
                print("   NOT AUDITED: the service answered for none of the packages")
        for line in audit.findings:
            print(f"   VULNERABLE (high or above): {line}")
        for line in audit.minor:
            print(f"   below high, not blocking: {line}")
        for line in audit.ignored:
            print(f"   ignored: {line}")
        if audit.findings:
            code = 1
        elif (not audit.reachable or audit.not_audited) and strict and code == 0:
            code = 2  # strict: every package audited, or the run fails
    if code == 0 and not all(a.reachable for a in audits):
        print(
            "The audit could not run in full here: run `make audit` where PyPI and the npm "
            "registry's audit endpoint answer."
        )
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", default=os.environ.get("DAFTAR_AUDIT_STRICT") == "1")
    args = parser.parse_args(argv)
    ignores = read_ignores()
    return verdict([run_pip_audit(ignores), run_npm_audit(ignores)], strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
