"""The figures of every benchmark in one file: bench/results/summary.json and REPORT.md (issue 7).

    python bench/summary.py            # after the benchmarks; `make bench` runs it last

Reads bench/results/{rules,queue,offices,http,captcha,captcha_audio,pdf}.json (a missing file leaves its keys null
and says so) and writes ``summary.json`` with exactly the keys issue 7 lists, each with its target
and verdict under ``targets``/``pass``, plus ``captcha_ocr_solve_rate``, ``captcha_audio_solve_rate``
and ``pdf_check_max_ms`` (issue 17; nothing else:
machine, dates and sources are in
REPORT.md); ``p50_ms``/``p95_ms``/``p99_ms`` are
``{"read": ms, "write": ms}`` and ``queries_per_list_page`` is ``{endpoint: {"10": n, "10000": n}}``.
``REPORT.md`` puts the figures next to their targets, with the machine and the dates, and keeps
the hand-written «What changed» section of an earlier report (between its markers).
Exits 0; ``--strict`` exits 2 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
RESULTS = ROOT / "bench" / "results"

KEYS = [
    "hello_rps",
    "read_rps",
    "read_ratio_vs_hello",
    "public_read_ratio_vs_hello",
    "write_rps",
    "write_ratio_vs_hello",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "spike_5xx_rate",
    "queue_growth_1m_vs_100k",
    "double_bookings",
    "queries_per_list_page",
    "page_weight_kb",
    "worker_rss_growth_mb",
    "captcha_ocr_solve_rate",
    "captcha_audio_solve_rate",
    "pdf_check_max_ms",
    # issue 23: the HTML pages and the spike as the person waiting sees it
    "public_pages_ratio_min",
    "signed_in_pages_ratio_min",
    "pages_p95_max_ms",
    "queries_per_page",
    "spike_time_to_done_p95_s",
]
# key: (operator, target, what it means)
TARGETS: dict[str, tuple[str, Any, str]] = {
    "read_ratio_vs_hello": (">=", 0.3, "an applicant's own case (token, permission, documents, timeline) vs hello"),
    "public_read_ratio_vs_hello": (">=", 0.6, "mean of the tariff table and a licence verification vs hello"),
    "write_ratio_vs_hello": (">=", 0.15, "a new draft (audit row, outbox SMS) vs hello"),
    "spike_5xx_rate": (
        "<",
        0.01,
        "1,000 applicants arriving over a minute: login code + submit; excess 429, nothing lost",
    ),
    "queue_growth_1m_vs_100k": ("<=", 1.5, "reviewer queue first page + count, 1M vs 100k applications"),
    "double_bookings": ("==", 0, "bookings beyond an office's counters in contention trials"),
    "queries_per_list_page": ("same", None, "the same number of queries at 10 and 10,000 rows, each list endpoint"),
    "page_weight_kb": ("<=", 300, "home and login with every asset, first visit (the heavier page)"),
    "worker_rss_growth_mb": ("<=", 10, "one worker's RSS after 10,000 requests minus after 1,000"),
    "captcha_ocr_solve_rate": ("<=", 0.05, "login captchas read by an off-the-shelf OCR (ddddocr), of 200 (issue 17)"),
    "captcha_audio_solve_rate": (
        "<=",
        0.05,
        "spoken login captchas read by matching the committed clips (stretched), of 200 (issue 17)",
    ),
    "pdf_check_max_ms": ("<", 100, "CPU to check one uploaded PDF, crafted (shared page tree…) or real (issue 17)"),
    "public_pages_ratio_min": (">=", 0.3, "the slowest public page's requests a second vs hello, same run (issue 23)"),
    "signed_in_pages_ratio_min": (">=", 0.15, "the slowest signed-in page's requests a second vs hello (issue 23)"),
    "pages_p95_max_ms": ("<=", 150, "the highest p95 of any page at 2× hello's saturation (issue 23)"),
    "queries_per_page": ("same", None, "the same number of queries at 10 and 10,000 rows, each page (issue 23)"),
    "spike_time_to_done_p95_s": (
        "<=",
        30,
        "1,000 applicants over a minute, each from arrival to the final 2xx of their submit, p95 (issue 23)",
    ),
}
START, END = "<!-- what-changed:start -->", "<!-- what-changed:end -->"
WHAT_CHANGED_TEMPLATE = """\
| change | figure | before | after |
|---|---|---|---|
| _(to fill: what was changed, which figure moved, before → after, same machine)_ | | | |
"""


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def verdict(key: str, value: Any) -> bool | None:
    if key not in TARGETS or value is None:
        return None
    op, target, _ = TARGETS[key]
    if op == "same":
        return all(len(set(v.values())) == 1 for v in value.values()) if value else None
    return {">=": value >= target, "<=": value <= target, "<": value < target, "==": value == target}[op]


def build() -> tuple[dict[str, Any], dict[str, Any]]:
    http, queue, rules, offices = load("http"), load("queue"), load("rules"), load("offices")
    captcha = load("captcha")
    audio = load("captcha_audio")
    pdf = load("pdf")
    summary: dict[str, Any] = dict.fromkeys(KEYS)
    if http:
        for key in KEYS:
            if key in http:
                summary[key] = http[key]
        details = http.get("details", {}).get("queries_per_list_page", {})
        if details:
            summary["queries_per_list_page"] = {k: v["queries"] for k, v in details.items()}
    if queue:
        summary["queue_growth_1m_vs_100k"] = queue.get("queue_growth_1m_vs_100k")
    if captcha:
        summary["captcha_ocr_solve_rate"] = captcha.get("solve_rate")
    if audio:
        summary["captcha_audio_solve_rate"] = audio.get("solve_rate")
    if pdf:
        summary["pdf_check_max_ms"] = pdf.get("pdf_check_max_ms")
    summary["targets"] = {k: {"op": op, "value": t, "meaning": m} for k, (op, t, m) in TARGETS.items()}
    summary["pass"] = {k: verdict(k, summary.get(k)) for k in TARGETS}
    sources = {
        "http": http and {"date": http.get("date"), "smoke": http.get("smoke"), "git_commit": http.get("git_commit")},
        "queue": queue and {"date": queue.get("date")},
        "rules": rules
        and {
            "date": rules.get("date"),
            "ratio": rules.get("ratio_evaluator_vs_hand_written"),
            "pass": rules.get("meets_target"),
        },
        "offices": offices
        and {"date": offices.get("date"), "ratio": offices.get("ratio"), "pass": offices.get("meets_target")},
        "captcha": captcha
        and {
            "date": captcha.get("date"),
            "count": captcha.get("count"),
            "adapted_solve_rate": captcha.get("adapted_solve_rate"),
            "before": (captcha.get("baseline_before_0028") or {}).get("solve_rate"),
        },
        "captcha_audio": audio
        and {
            "date": audio.get("date"),
            "count": audio.get("count"),
            "digit_accuracy": audio.get("digit_accuracy"),
            "learned_solve_rate": audio.get("learned_solve_rate"),
            "before": (audio.get("baseline_before_amendment") or {}).get("solve_rate"),
        },
        "pdf": pdf
        and {
            "date": pdf.get("date"),
            "real documents accepted": pdf.get("real_documents_accepted"),
            "crafted refused": pdf.get("crafted_refused"),
        },
    }
    machine = (http or {}).get("machine") or (queue or {}).get("machine")
    return summary, {
        "http": http,
        "queue": queue,
        "rules": rules,
        "offices": offices,
        "captcha": captcha,
        "sources": sources,
        "machine": machine,
    }


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def report(summary: dict[str, Any], raw: dict[str, Any], previous: str) -> str:
    m = raw.get("machine") or {}
    http = raw["http"] or {}
    smoke = " (SMOKE: tiny sizes, figures not meaningful)" if http.get("smoke") else ""
    rss = {k: v for k, v in (http.get("details") or {}).get("rss", {}).items() if k.startswith("rss_mb")}
    lines = [
        "# Benchmark report",
        "",
        "Written by `bench/summary.py` from `bench/results/*.json` (`make bench`). Targets are ratios",
        "on one machine in one run; absolute figures vary between machines.",
        "",
        f"- Machine: {m.get('cores')} cores, {m.get('memory_gib')} GiB, {m.get('cpu_model')}",
        f"- HTTP run: {http.get('date', '—')}{smoke},"
        f" commit {http.get('git_commit') or '—'}; stack {fmt(http.get('stack'))}",
        *(f"- {name}: {fmt(src)}" for name, src in raw["sources"].items() if name != "http"),
        "",
        "| figure | value | target | pass |",
        "|---|---|---|---|",
    ]
    for key in KEYS:
        value = summary.get(key)
        target = TARGETS.get(key)
        shown = fmt(value)
        if key == "queries_per_list_page" and isinstance(value, dict):
            shown = "see below"
        tgt = (
            "—"
            if target is None
            else ("same at 10 and 10,000 rows" if target[0] == "same" else f"{target[0]} {target[1]}")
        )
        ok = summary["pass"].get(key)
        lines.append(f"| `{key}` | {shown} | {tgt} | {'—' if ok is None else ('yes' if ok else '**no**')} |")
    q = summary.get("queries_per_list_page") or {}
    if q:
        lines += [
            "",
            "Queries per list page (first page), by rows in scope:",
            "",
            "| endpoint | queries |",
            "|---|---|",
        ]
        lines += [f"| `{k}` | {fmt(v)} |" for k, v in q.items()]
    d = http.get("details") or {}
    if d:
        sat = d.get("saturation", {})
        spike = d.get("spike", {})
        tp = d.get("throughput", {})
        cold = {k: v.get("rps") for k, v in (tp.get("cold") or {}).items()}
        lines += [
            "",
            "## How the HTTP figures were taken",
            "",
            f"- Hello saturates at {sat.get('saturation_conns')} connections (steps: "
            + ", ".join(f"{s['conns']}→{s['rps']:.0f}" for s in sat.get("steps", []))
            + f" rps). Throughput at {tp.get('conns')} connections (every server thread busy), median of"
            f" {http.get('sizes', {}).get('runs')} interleaved runs of {http.get('sizes', {}).get('seconds')} s (wrk),"
            f" after one unmeasured {tp.get('warmup_seconds')} s warm-up of each kind (cold figures: {fmt(cold)} rps)."
            f" Latencies (p50/p95/p99) at {tp.get('latency_conns')} connections, 2 × where hello saturates.",
            f"- Public reads: tariffs {fmt(http.get('public_read_rps', {}).get('tariffs'))} rps, licence verification"
            f" {fmt(http.get('public_read_rps', {}).get('verify'))} rps.",
            f"- Spike: {spike.get('applicants')} applicants, {spike.get('requests')} requests in"
            f" {spike.get('seconds')} s; statuses {fmt(spike.get('statuses'))}; 429s {spike.get('answered_429')}"
            f" (with Retry-After {spike.get('answered_429_with_retry_after')}); 2xx without their row:"
            f" {spike.get('lost')}; latency of every answer {fmt(spike.get('latency_ms'))} ms; answers slower than"
            f" 10/30/60 s: {fmt(spike.get('requests_slower_than'))}. Admission budgets"
            f" {fmt(spike.get('admission_env'))}; clients retried a 429 after its Retry-After"
            f" ({spike.get('retry_policy')}): final statuses {fmt(spike.get('final_statuses'))}, tries"
            f" {fmt(spike.get('attempts'))}, time to the final answer {fmt(spike.get('time_to_final_answer_ms'))} ms.",
            f"- Page weight (KB, compressed): {fmt(http.get('page_weight_kb_by_page'))}.",
            f"- Worker RSS (MB, one worker): {fmt(rss)}.",
        ]
        prof = d.get("read_profile") or {}
        if prof:
            lines += [
                f"- Read endpoint in process (cProfile, {prof.get('requests')} requests):"
                f" {prof.get('queries')} queries,"
                f" {prof.get('ms_per_request_in_process_profiled')} ms/request under the profiler.",
                "  Project functions (cumulative ms/request):",
                "",
            ]
            skip = ("middleware.py",)
            ours = [t for t in prof.get("daftar_cumulative", []) if not any(k in t["function"] for k in skip)]
            lines += [f"  - `{t['function']}`: {t['cumulative_ms_per_request']}" for t in ours[:10]]
            lines += ["", "  Most own time (ms/request):", ""]
            lines += [f"  - `{t['function']}`: {t['own_ms_per_request']}" for t in prof.get("top_own_time", [])[:10]]
    block = previous or WHAT_CHANGED_TEMPLATE
    lines += ["", "## What changed", "", START, block.strip("\n"), END, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="bench/results/summary.json and REPORT.md")
    p.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    a = p.parse_args(argv)
    summary, raw = build()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    old = RESULTS / "REPORT.md"
    previous = ""
    if old.exists():
        text = old.read_text(encoding="utf-8")
        if START in text and END in text:
            previous = text.split(START, 1)[1].split(END, 1)[0]
    (RESULTS / "REPORT.md").write_text(report(summary, raw, previous), encoding="utf-8")
    print(json.dumps({k: summary[k] for k in KEYS}, indent=2, ensure_ascii=False))
    print(f"pass: {summary['pass']}")
    print("written: bench/results/summary.json, bench/results/REPORT.md")
    return 2 if a.strict and not all(v is True for v in summary["pass"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
