"""The one input rule for text and numbers (`alwaysevents.input_checks`): pure, no database."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alwaysevents.input_checks import NumberLimit, number_problem, printable, text_problem

POINT = NumberLimit(14, 4)  # DataPoint.value, numerator and denominator
MONEY = NumberLimit(8, 2)
ANY_CHARACTER = st.characters(exclude_categories=())  # lone surrogates too, as JSON can send
WHOLE = NumberLimit(3, 0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Two nurses off sick",
        "line one\r\nline two\tand a tab\n",
        "non\u00a0breaking space, é, ŵ, 漢字, emoji 🙂 and a zero-width joiner 👩\u200d⚕️",
        "\u00a0\u00a1\u00ff",  # just after the C1 controls
        "\ufffd",  # the replacement character is a real character
    ],
)
def test_ordinary_text_is_allowed(text):
    assert text_problem(text) is None
    assert printable(text) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bell\x07", "Remove the invisible control character (U+0007) from this text."),
        ("nul\x00", "Remove the invisible control character (U+0000) from this text."),
        ("\x1b[31m red", "Remove the invisible control character (U+001B) from this text."),
        ("vertical\x0btab", "Remove the invisible control character (U+000B) from this text."),
        ("form\x0cfeed", "Remove the invisible control character (U+000C) from this text."),
        ("delete\x7f", "Remove the invisible control character (U+007F) from this text."),
        ("next line\x85", "Remove the invisible control character (U+0085) from this text."),
        ("\x9f", "Remove the invisible control character (U+009F) from this text."),
        ("half an emoji \ud83d", "Remove the broken character (U+D83D) from this text."),
        ("\udfff", "Remove the broken character (U+DFFF) from this text."),
        ("not in XML \ufffe", "Remove the broken character (U+FFFE) from this text."),
        ("\uffff", "Remove the broken character (U+FFFF) from this text."),
    ],
)
def test_control_and_broken_characters_are_refused_by_code_point(text, message):
    assert text_problem(text) == message
    assert text_problem(printable(text)) is None


def test_the_first_refused_character_is_named():
    assert "U+0001" in (text_problem("a\x01b\x02") or "")


def test_printable_removes_only_the_refused_characters():
    assert printable("a\x07b\x00c\r\nd\te\x7f\x85f\ud800g\ufffe") == "abc\r\nd\tefg"


@given(st.text(alphabet=ANY_CHARACTER))
def test_text_is_refused_exactly_when_the_cleaner_would_change_it(text):
    problem = text_problem(text)
    cleaned = printable(text)
    assert (problem is None) == (cleaned == text)
    assert text_problem(cleaned) is None
    assert printable(cleaned) == cleaned
    kept = iter(text)
    assert all(char in kept for char in cleaned), "the cleaner only removes characters"


@given(st.text(alphabet=ANY_CHARACTER, min_size=1))
def test_every_refused_character_is_a_control_or_cannot_be_stored(text):
    for char in text:
        code = ord(char)
        refused = text_problem(char) is not None
        expected = (
            (code < 0x20 and char not in "\t\n\r")
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or code in (0xFFFE, 0xFFFF)
        )
        assert refused == expected, hex(code)


# --- numbers ------------------------------------------------------------------------------------


def test_largest_value_comes_from_the_column():
    assert POINT.largest == Decimal("9999999999.9999")
    assert MONEY.largest == Decimal("999999.99")
    assert WHOLE.largest == Decimal(999)
    column = SimpleNamespace(max_digits=5, decimal_places=1)  # a model field's two attributes
    assert NumberLimit.of(column) == NumberLimit(5, 1)


def test_number_limits_come_from_the_model_field():
    from measurement.models import DataPoint

    assert NumberLimit.of(DataPoint._meta.get_field("value")) == POINT


@pytest.mark.parametrize(
    "number",
    ["0", "-0", "9999999999.9999", "-9999999999.9999", "1.5", "1.50000000", "1E+9", "0E-20", "12"],
)
def test_numbers_the_column_holds_are_allowed(number):
    assert number_problem(Decimal(number), POINT) is None


@pytest.mark.parametrize(
    ("number", "limit", "message"),
    [
        (
            "81234567890",
            POINT,
            "81234567890 is too large: the largest value allowed is 9,999,999,999.9999.",
        ),
        (
            "10000000000",
            POINT,
            "10000000000 is too large: the largest value allowed is 9,999,999,999.9999.",
        ),
        (
            "-81234567890",
            POINT,
            "-81234567890 is too small: the smallest value allowed is -9,999,999,999.9999.",
        ),
        (
            "9999999999.99995",
            POINT,
            "9999999999.99995 is too large: the largest value allowed is 9,999,999,999.9999.",
        ),
        (
            "1.23456",
            POINT,
            "1.23456 has too many decimal places: at most 4 decimal places are allowed.",
        ),
        ("1000000", MONEY, "1000000 is too large: the largest value allowed is 999,999.99."),
        (
            "0.001",
            MONEY,
            "0.001 has too many decimal places: at most 2 decimal places are allowed.",
        ),
        ("1.5", WHOLE, "1.5 is not a whole number: use a whole number."),
        (
            "0.25",
            NumberLimit(4, 1),
            "0.25 has too many decimal places: at most 1 decimal place is allowed.",
        ),
        ("1E+400", POINT, "1E+400 is too large: the largest value allowed is 9,999,999,999.9999."),
        ("NaN", POINT, "Enter an ordinary number."),
        ("-Infinity", POINT, "Enter an ordinary number."),
    ],
)
def test_numbers_the_column_cannot_hold_are_refused_in_words(number, limit, message):
    assert number_problem(Decimal(number), limit) == message


def test_a_very_long_number_is_shortened_in_the_message():
    message = number_problem(Decimal("9" * 200), POINT) or ""
    assert message.startswith("1.000000E+200 is too large") and len(message) < 120


def _fits(number: Decimal, limit: NumberLimit) -> bool:
    """An independent oracle: the column holds it when rounding to its places changes nothing
    and it has no more whole digits than the column."""
    if not number.is_finite():
        return False
    quantum = Decimal(1).scaleb(-limit.decimal_places)
    whole_digits = limit.max_digits - limit.decimal_places
    if abs(number) >= Decimal(10) ** whole_digits:
        return False
    return number.quantize(quantum) == number


@given(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(min_value=1, max_value=20).flatmap(
        lambda digits: st.tuples(st.just(digits), st.integers(min_value=0, max_value=digits))
    ),
)
def test_number_problem_agrees_with_an_oracle_and_never_raises(number, shape):
    limit = NumberLimit(*shape)
    problem = number_problem(number, limit)
    assert (problem is None) == _fits(number, limit)
    if problem is not None:
        assert problem.endswith(".") and len(problem) < 160
