"""What a person reads from the kernel's filters and widgets: Persian digits, a true minus
sign before the number, Persian units, amounts grouped and in words."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template

from daftar.kernel.forms import AmountInput, PersianForm
from daftar.kernel.normalize import number_in_words, persian_digits_in_text


def render(text: str, **context: object) -> str:
    return Template(text).render(Context(context))


def test_fa_number_puts_a_true_minus_before_the_number() -> None:
    assert render("{{ n|fa_number }}", n=-200) == "\u200e−۲۰۰"
    assert render("{{ n|fa_number }}", n=-12.5) == "\u200e−۱۲٫۵"
    assert render("{{ n|fa_number }}", n=-0.0) == "۰"
    assert render("{{ n|fa_grouped }}", n=-1234500) == "\u200e−۱٬۲۳۴٬۵۰۰"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(431, "۴۳۱ بایت"), (1433, "۱٫۴ کیلوبایت"), (5 * 1024 * 1024, "۵ مگابایت"), ("x", "")],
)
def test_file_sizes_read_in_persian_units(size: object, shown: str) -> None:
    assert render("{{ s|fa_filesize }}", s=size) == shown


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "صفر"),
        (1000, "هزار"),
        (212, "دویست و دوازده"),
        (1_250_000, "یک میلیون و دویست و پنجاه هزار"),
        (3_000_015_000, "سه میلیارد و پانزده هزار"),
    ],
)
def test_amounts_in_words(amount: int, words: str) -> None:
    assert number_in_words(amount) == words
    assert render("{{ a|amount_words }}", a=amount) == f"{words} ریال"


def test_text_keeps_codes_and_links_as_typed() -> None:
    text = "نوبت 3، کد AB2C-9H، نشانی https://x.ir/a1"
    assert persian_digits_in_text(text) == "نوبت ۳، کد AB2C-9H، نشانی https://x.ir/a1"


class _Form(PersianForm):
    area = forms.FloatField(label="مساحت", widget=forms.NumberInput(attrs={"placeholder": "60"}))
    code = forms.CharField(label="کد", max_length=20)
    lat = forms.CharField(label="عرض جغرافیایی")
    amount = forms.IntegerField(label="مبلغ", widget=AmountInput(), min_value=1)


def test_a_form_echoes_numbers_in_persian_digits() -> None:
    form = _Form(data={"area": "۴۰ متر", "code": "AB2C 12", "lat": "35.7", "amount": "۱٬۲۵۰٬۰۰۰"})
    assert not form.is_valid() and "area" in form.errors
    page = str(form["area"]) + str(form["code"]) + str(form["lat"])
    assert 'value="۴۰ متر"' in page and 'placeholder="۶۰"' in page and 'type="text"' in page
    assert 'value="AB2C ۱۲"' in page  # the code's own word kept; a lone number Persian
    assert 'value="۳۵.۷"' in page  # coordinates too: the map picker reads Persian digits
    assert form.cleaned_data["amount"] == 1_250_000  # grouped input is accepted


def test_the_amount_box_shows_grouped_digits_and_words() -> None:
    form = _Form(data={"area": "1", "code": "x", "lat": "1", "amount": "1250000"})
    html = str(form["amount"])
    assert 'value="۱٬۲۵۰٬۰۰۰"' in html and 'data-amount="rial"' in html
    assert 'aria-live="polite"' in html and "یک میلیون و دویست و پنجاه هزار ریال" in html
    assert 'aria-describedby="id_amount_words"' in html


def test_a_persian_decimal_point_in_an_amount_is_refused_not_read_as_thousands() -> None:
    form = _Form(data={"area": "1", "code": "x", "lat": "1", "amount": "۱٫۵"})
    assert not form.is_valid() and "amount" in form.errors  # never 15 rials


def test_the_minus_sign_our_pages_write_is_read_back_as_a_minus() -> None:
    from daftar.kernel.normalize import MINUS, normalize_text  # the sign the output filters write

    assert normalize_text(f"{MINUS}51.5") == "-51.5"
    assert float(normalize_text("\u2212۲۰۰")) == -200
