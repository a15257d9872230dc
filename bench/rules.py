"""Benchmark: the data-driven evaluator against a hand-written function (issue: rules).

Evaluates Tehran's full rule set (from the reviewed fixture, zones included) against 10,000
generated fact sets, with both implementations, in one process, interleaved, 5 rounds; the
figure is the ratio of the medians (target: evaluator within 3x of hand-written code). Both
must give the same verdicts on every fact set, or the run fails. Writes
bench/results/rules.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard library's ``queue`` (Django's thread pools import it)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from shapely.geometry import Point, shape
from shapely.prepared import prep

from daftar.rules.constants import DEGREE_FIELDS, DEGREE_LEVELS, DEGREE_RANK, EQUIPMENT, PREMISES_USES
from daftar.rules.evaluator import compile_rule_set, evaluate

FIXTURE = ROOT / "daftar" / "rules" / "fixtures" / "e_city_office.json"
ZONES = ROOT / "daftar" / "rules" / "data" / "tehran_county.geojson"
N, ROUNDS = 10_000, 5


def load_rules() -> Any:
    spec = json.loads(FIXTURE.read_text(encoding="utf-8"))["rule_sets"]["tehran"]
    zones = json.loads(ZONES.read_text(encoding="utf-8"))
    rows = []
    for row in spec["conditions"]:
        params = dict(row["parameters"])
        if "zones_file" in params:
            params["zones"] = zones
        rows.append({**row, "parameters": params})
    return compile_rule_set(conditions=rows, place="تهران", version=1)


def generate(rng: random.Random) -> dict[str, Any]:
    facts: dict[str, Any] = {}

    def maybe(name: str, value: Any) -> None:
        if rng.random() < 0.9:
            facts[name] = value

    maybe("nationality", rng.choice(["IR", "IR", "IR", "AF", "IQ"]))
    for name in ("has_criminal_record", "government_employee", "represents_other_office"):
        maybe(name, rng.random() < 0.1)
    for name in (
        "has_addiction_certificate",
        "health_certified",
        "training_completed",
        "exam_passed",
        "interview_passed",
    ):
        maybe(name, rng.random() < 0.9)
    maybe("degree_level", rng.choice(list(DEGREE_LEVELS)))
    maybe("degree_field", rng.choice(list(DEGREE_FIELDS)))
    maybe("experience_years", round(rng.uniform(0, 15), 1))
    maybe("premises_use", rng.choice(list(PREMISES_USES)))
    maybe("premises_area_m2", round(rng.uniform(20, 200), 1))
    maybe("equipment", rng.sample(list(EQUIPMENT), rng.randint(0, len(EQUIPMENT))))
    maybe("location", {"lat": rng.uniform(35.4, 36.1), "lng": rng.uniform(51.0, 51.8)})
    return facts


# --- The hand-written equivalent: the same 13 checks written out as plain Python ------------
_ZONE = prep(shape(json.loads(ZONES.read_text(encoding="utf-8"))["features"][0]["geometry"]))
_FIELDS = {"civil_engineering", "architecture", "urban_planning", "law", "information_technology", "management"}
_EQUIP = ("computers", "high_speed_internet", "signboard", "client_facilities")


def hand_written(f: dict[str, Any]) -> tuple[bool | None, list[tuple[str, str, str]]]:
    out: list[tuple[str, str, str]] = []

    def add(cid: str, needed: tuple[str, ...], test: Any, ok: str, bad: str) -> None:
        if any(f.get(n) is None for n in needed):
            out.append((cid, "unknown", f"{needed[0]} اعلام نشده است"))
        elif test():
            out.append((cid, "pass", ok))
        else:
            out.append((cid, "fail", bad))

    add("S9.1", ("nationality",), lambda: f["nationality"] == "IR", "تابعیت ایران", f"تابعیت {f.get('nationality')}")
    add("S9.2", ("has_criminal_record",), lambda: not f["has_criminal_record"], "ندارد", "دارد")
    add("S9.3", ("has_addiction_certificate",), lambda: f["has_addiction_certificate"], "دارد", "ندارد")
    add("S9.4", ("health_certified",), lambda: f["health_certified"], "دارد", "ندارد")
    add(
        "S9.5",
        ("government_employee", "represents_other_office"),
        lambda: not f["government_employee"] and not f["represents_other_office"],
        "نیست",
        "است",
    )
    add(
        "S10.1",
        ("degree_level", "degree_field"),
        lambda: DEGREE_RANK[f["degree_level"]] >= DEGREE_RANK["bachelor"] and f["degree_field"] in _FIELDS,
        f"مدرک {f.get('degree_level')}",
        f"مدرک {f.get('degree_level')} {f.get('degree_field')}",
    )
    add(
        "S10.2",
        ("experience_years",),
        lambda: f["experience_years"] >= 3,
        f"سابقه {f.get('experience_years')}",
        f"سابقه {f.get('experience_years')} کمتر از ۳",
    )
    add("S10.3", ("training_completed",), lambda: f["training_completed"], "دارد", "ندارد")
    add("S10.4", ("exam_passed", "interview_passed"), lambda: f["exam_passed"] and f["interview_passed"], "بله", "خیر")
    add(
        "S11.1",
        ("premises_use",),
        lambda: f["premises_use"] in ("commercial", "office"),
        f"کاربری {f.get('premises_use')}",
        f"کاربری {f.get('premises_use')}",
    )
    add(
        "S11.2",
        ("premises_area_m2",),
        lambda: f["premises_area_m2"] >= 60,
        f"مساحت {f.get('premises_area_m2')}",
        f"مساحت {f.get('premises_area_m2')} کمتر از ۶۰ متر مربع تهران",
    )
    add("S11.3", ("equipment",), lambda: all(i in f["equipment"] for i in _EQUIP), "کامل", "کم است")
    add(
        "S11.4",
        ("location",),
        lambda: _ZONE.covers(Point(f["location"]["lng"], f["location"]["lat"])),
        "درون محدوده",
        "بیرون از محدوده",
    )
    results = [r for _, r, _ in out]
    eligible = False if "fail" in results else (None if "unknown" in results else True)
    return eligible, out


def main() -> int:
    rules = load_rules()
    rng = random.Random(1404)
    fact_sets = [generate(rng) for _ in range(N)]
    for facts in fact_sets:  # both must agree before either is timed
        a = evaluate(rules, facts)
        b_eligible, b = hand_written(facts)
        if a.eligible != b_eligible or [(c.id, c.result) for c in a.conditions] != [(i, r) for i, r, _ in b]:
            print("MISMATCH", facts, file=sys.stderr)
            return 1
    evaluator_s, hand_s = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for facts in fact_sets:
            evaluate(rules, facts)
        evaluator_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        for facts in fact_sets:
            hand_written(facts)
        hand_s.append(time.perf_counter() - start)
    ev, hw = statistics.median(evaluator_s), statistics.median(hand_s)
    verdicts = [evaluate(rules, f).eligible for f in fact_sets]
    result = {
        "benchmark": "rules evaluator vs hand-written checks",
        "fact_sets": N,
        "rounds": ROUNDS,
        "conditions": len(rules.conditions),
        "evaluator_median_s": round(ev, 4),
        "hand_written_median_s": round(hw, 4),
        "evaluator_per_fact_set_us": round(ev / N * 1e6, 2),
        "ratio_evaluator_vs_hand_written": round(ev / hw, 3),
        "target_ratio_max": 3.0,
        "meets_target": ev / hw <= 3.0,
        "verdicts": {
            "eligible": verdicts.count(True),
            "not_eligible": verdicts.count(False),
            "unknown": verdicts.count(None),
        },
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = ROOT / "bench" / "results" / "rules.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["meets_target"] else 2


if __name__ == "__main__":
    sys.exit(main())
