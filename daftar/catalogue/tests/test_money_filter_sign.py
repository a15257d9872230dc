"""Negative rials read «−۲۰۰» in right-to-left text: a true minus sign, held left of its digits."""

from daftar.catalogue.templatetags.money import rials


def test_a_negative_amount_has_a_true_minus_sign_held_left_of_its_digits():
    assert rials(-200_000) == "\u200e\u2212۲۰۰٬۰۰۰"
    assert rials(1_500_000) == "۱٬۵۰۰٬۰۰۰"
    assert rials(None) == "—"
