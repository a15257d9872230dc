"""The evaluator: every condition S9.1-S11.4 passing, failing and at its exact boundary, and
the properties of a pure, total function."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daftar.rules.constants import DEGREE_FIELDS, DEGREE_LEVELS, EQUIPMENT, PREMISES_USES
from daftar.rules.evaluator import CompiledRuleSet, about_applicant, compile_rule_set, evaluate
from daftar.rules.selectors import compiled

from .helpers import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(tehran_rules) -> CompiledRuleSet:
    return compiled(tehran_rules)


def verdict(rules: CompiledRuleSet, **changes: Any) -> dict[str, tuple[str, str]]:
    facts = {**GOOD, **changes}
    facts = {k: v for k, v in facts.items() if v is not None}
    return {c.id: (c.result, c.reason) for c in evaluate(rules, facts).conditions}


def test_all_conditions_pass_for_a_qualified_applicant(rules):
    result = evaluate(rules, GOOD)
    assert result.eligible is True
    assert [c.id for c in result.conditions] == [
        "S9.1",
        "S9.2",
        "S9.3",
        "S9.4",
        "S9.5",
        "S10.1",
        "S10.2",
        "S10.3",
        "S10.4",
        "S11.1",
        "S11.2",
        "S11.3",
        "S11.4",
    ]


@pytest.mark.parametrize(
    ("cid", "changes", "reason_part"),
    [
        ("S9.1", {"nationality": "AF"}, "تابعیت شما افغانستان است؛ تابعیت ایران لازم است"),
        ("S9.2", {"has_criminal_record": True}, "سوء پیشینهٔ کیفری مؤثر دارید"),
        ("S9.3", {"has_addiction_certificate": False}, "گواهی عدم اعتیاد ندارید"),
        ("S9.4", {"health_certified": False}, "تأیید سلامت جسمی و روانی ندارید"),
        ("S9.5", {"government_employee": True}, "کارمند دولت هستید"),
        ("S9.5", {"represents_other_office": True}, "نمایندهٔ دفتر دیگری هستید"),
        ("S10.1", {"degree_level": "associate"}, "مدرک شما کاردانی است؛ دست‌کم مدرک کارشناسی لازم است"),
        ("S10.1", {"degree_field": "other"}, "رشتهٔ شما «سایر رشته‌ها» است که از رشته‌های مرتبط پذیرفته‌شده نیست"),
        ("S10.2", {"experience_years": 2.9}, "سابقهٔ کار شما ۲٫۹ سال است؛ دست‌کم ۳ سال لازم است"),
        ("S10.3", {"training_completed": False}, "دوره‌های آموزشی مصوب را هنوز نگذرانده‌اید"),
        ("S10.4", {"exam_passed": False}, "در آزمون تخصصی پذیرفته نشده‌اید"),
        ("S10.4", {"interview_passed": False}, "در مصاحبهٔ علمی و فنی پذیرفته نشده‌اید"),
        ("S11.1", {"premises_use": "residential"}, "کاربری محل شما مسکونی است؛ باید تجاری یا اداری باشد"),
        ("S11.2", {"premises_area_m2": 59.9}, "محل شما ۵۹٫۹ متر مربع است؛ دست‌کم ۶۰ متر مربع در تهران لازم است"),
        ("S11.3", {"equipment": ["computers", "signboard"]}, "اینترنت پرسرعت، امکانات رفاهی ارباب رجوع"),
        ("S11.4", {"location": {"lat": 35.3, "lng": 51.2}}, "بیرون از محدوده‌های مجاز تهران"),
    ],
)
def test_each_condition_fails_with_a_reason_naming_fact_and_threshold(rules, cid, changes, reason_part):
    results = verdict(rules, **changes)
    assert results[cid][0] == "fail"
    assert reason_part in results[cid][1]
    others = {k: v[0] for k, v in results.items() if k != cid}
    assert set(others.values()) == {"pass"}
    assert evaluate(rules, {**GOOD, **changes}).eligible is False


SECOND_PERSON = ("شما", "هستید", "نیستید", "دارید", "ندارید", "‌اید")  # «…‌اید»: گذرانده‌اید, شده‌اید


@pytest.mark.parametrize(
    ("changes", "dropped"),
    [
        ({}, ("premises_area_m2", "experience_years")),  # a fact not yet given has its reason too
        ({"has_criminal_record": True, "has_addiction_certificate": False, "health_certified": False}, ()),
        ({"government_employee": True, "represents_other_office": True, "training_completed": False}, ()),
        ({"exam_passed": False, "interview_passed": False, "degree_level": "associate"}, ()),
        ({"degree_field": "other", "premises_use": "residential", "premises_area_m2": 40, "equipment": []}, ()),
        ({"location": {"lat": 35.3, "lng": 51.2}, "experience_years": 1}, ()),
    ],
)
def test_staff_read_every_reason_about_the_applicant_not_to_them(rules, changes, dropped):
    facts = {k: v for k, v in {**GOOD, **changes}.items() if k not in dropped}
    for result in evaluate(rules, facts).conditions:
        staff = about_applicant(result.reason)
        assert not [w for w in SECOND_PERSON if w in staff], (result.id, staff)


@pytest.mark.parametrize(
    ("cid", "passing", "failing"),
    [
        ("S11.2", {"premises_area_m2": 60}, {"premises_area_m2": 59.9}),
        ("S10.2", {"experience_years": 3}, {"experience_years": 2.9}),
        ("S10.1", {"degree_level": "bachelor"}, {"degree_level": "associate"}),
        ("S10.1", {"degree_field": "law"}, {"degree_field": "other"}),
        ("S11.1", {"premises_use": "office"}, {"premises_use": "industrial"}),
        ("S9.1", {"nationality": "IR"}, {"nationality": "IQ"}),
    ],
)
def test_exact_boundaries(rules, cid, passing, failing):
    assert verdict(rules, **passing)[cid][0] == "pass"
    assert verdict(rules, **failing)[cid][0] == "fail"


def test_higher_degrees_pass(rules):
    for level in ("master", "doctorate"):
        assert verdict(rules, degree_level=level)["S10.1"][0] == "pass"


def test_point_of_the_demo_data_is_inside_and_far_points_are_outside(rules):
    assert verdict(rules, location={"lat": 35.745, "lng": 51.553})["S11.4"][0] == "pass"
    assert verdict(rules, location={"lat": 32.65, "lng": 51.67})["S11.4"][0] == "fail"  # Isfahan


def test_missing_facts_are_unknown_and_nothing_failed_means_null(rules):
    facts = {k: v for k, v in GOOD.items() if k not in {"exam_passed", "interview_passed"}}
    result = evaluate(rules, facts)
    s104 = next(c for c in result.conditions if c.id == "S10.4")
    assert s104.result == "unknown" and "قبولی در آزمون تخصصی را هنوز ننوشته‌اید" in s104.reason
    assert result.eligible is None


def test_empty_facts_are_all_unknown(rules):
    result = evaluate(rules, {})
    assert result.eligible is None and {c.result for c in result.conditions} == {"unknown"}


def test_number_range_condition_for_an_optional_age_rule():
    rules = compile_rule_set(
        place="تهران",
        conditions=[
            {
                "cid": "P4.age",
                "group": "general",
                "check": "number_range",
                "facts": ["age"],
                "parameters": {"min": 27, "max": 55},
            }
        ],
    )
    assert evaluate(rules, {"age": 27}).eligible is True
    assert evaluate(rules, {"age": 55}).eligible is True
    failed = evaluate(rules, {"age": 26.5})
    assert failed.eligible is False and "باید از ۲۷ تا ۵۵" in failed.conditions[0].reason


facts_strategy = st.fixed_dictionaries(
    {},
    optional={
        "nationality": st.sampled_from(["IR", "AF", "IQ", "DE"]),
        "person_type": st.sampled_from(["natural", "legal"]),
        "has_criminal_record": st.booleans(),
        "has_addiction_certificate": st.booleans(),
        "health_certified": st.booleans(),
        "government_employee": st.booleans(),
        "represents_other_office": st.booleans(),
        "degree_level": st.sampled_from(list(DEGREE_LEVELS)),
        "degree_field": st.sampled_from(list(DEGREE_FIELDS)),
        "experience_years": st.floats(min_value=0, max_value=80, allow_nan=False),
        "training_completed": st.booleans(),
        "exam_passed": st.booleans(),
        "interview_passed": st.booleans(),
        "premises_use": st.sampled_from(list(PREMISES_USES)),
        "premises_area_m2": st.floats(min_value=0.01, max_value=100000, allow_nan=False),
        "equipment": st.lists(st.sampled_from(list(EQUIPMENT)), unique=True),
        "location": st.fixed_dictionaries(
            {"lat": st.floats(min_value=-90, max_value=90), "lng": st.floats(min_value=-180, max_value=180)}
        ),
    },
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(facts=facts_strategy)
def test_evaluator_is_total_deterministic_and_monotonic(rules, facts):
    first = evaluate(rules, facts)
    again = evaluate(rules, copy.deepcopy(facts))
    assert first == again  # no hidden state
    assert first.eligible in (True, False, None)
    for name in facts:
        fewer = {k: v for k, v in facts.items() if k != name}
        before = {c.id: c.result for c in first.conditions}
        after = {c.id: c.result for c in evaluate(rules, fewer).conditions}
        for cid, result in before.items():
            if result == "fail":
                assert after[cid] != "pass", (name, cid)  # removing a fact never turns a fail into a pass


@pytest.mark.parametrize(
    ("changes", "cid", "expected"),
    [
        ({"premises_area_m2": 59.999}, "S11.2", "مساحت مفید محل شما ۵۹٫۹۹۹ متر مربع است؛ دست‌کم ۶۰ متر مربع"),
        ({"experience_years": 2.996}, "S10.2", "سابقهٔ کار شما ۲٫۹۹۶ سال است؛ دست‌کم ۳ سال"),
        ({"premises_area_m2": 60.001}, "S11.2", "مساحت مفید محل شما ۶۰٫۰۰۱ متر مربع است و دست‌کم ۶۰"),
    ],
)
def test_reasons_never_round_into_a_contradiction(rules, changes, cid, expected):
    assert expected in verdict(rules, **changes)[cid][1]


def test_a_bad_row_that_slipped_through_is_unknown_not_a_crash():
    rules = compile_rule_set(
        place="تهران",
        conditions=[
            {"cid": "X", "group": "location", "check": "min_number", "facts": ["premises_area_m2"], "parameters": {}},
        ],
    )
    result = evaluate(rules, GOOD)
    assert result.eligible is None and result.conditions[0].result == "unknown"
