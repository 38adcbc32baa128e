"""klyngeportal.formats.format_number: the Danish number of every money cell (1.234.567,89), rounded half up."""
import random
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pytest

from klyngeportal.formats import format_kr, format_number, format_percent


def grouped_by_hand(value, decimals: int = 0) -> str:
    """The formatter as first written (groups of three cut off one by one): the reference for the lean one."""
    if value is None or value == "":
        return ""
    number = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):.{decimals}f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + ".".join(groups)
    return f"{text},{fraction}" if decimals else text


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (Decimal("1234567.891"), 2, "1.234.567,89"),
    (Decimal("1234567"), 0, "1.234.567"),
    (Decimal("999.995"), 2, "1.000,00"),
    (Decimal("-999.995"), 2, "-1.000,00"),
    (Decimal("0.005"), 2, "0,01"),
    (Decimal("-0.004"), 2, "0,00"),
    (Decimal("-0.00"), 2, "0,00"),
    (Decimal("-1234.5"), 2, "-1.234,50"),
    (Decimal("123"), 2, "123,00"),
    (12.5, 0, "13"),
    ("1000", 2, "1.000,00"),
    (None, 2, ""),
    ("", 2, ""),
])
def test_danish_numbers(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_the_same_as_the_hand_grouping_for_many_numbers():
    rng = random.Random(2022)
    values = [0, -0.0, Decimal("-0"), True, 10**20, -(10**20), Decimal("1E+5"), Decimal("0.1") / 3]
    values += [Decimal(rng.randint(-10**14, 10**14)) / 100 for _ in range(3000)]
    values += [Decimal(rng.randint(-10**9, 10**9)) / Decimal(10) ** rng.randint(0, 8) for _ in range(3000)]
    values += [rng.uniform(-1e9, 1e9) for _ in range(1000)] + [rng.randint(-10**12, 10**12) for _ in range(1000)]
    for value in values:
        for decimals in (0, 1, 2, 3, 6, 8):
            assert outcome(format_number, value, decimals) == outcome(grouped_by_hand, value, decimals), (value, decimals)


def outcome(formatter, value, decimals):
    try:
        return formatter(value, decimals)
    except InvalidOperation:  # more digits than the decimal context holds (10**20 with 8 decimals): refused alike
        return InvalidOperation


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("nan"), "abc"])
def test_what_is_no_number_is_refused(value):
    with pytest.raises(InvalidOperation):
        format_number(value, 2)


def test_kroner_and_percent():
    assert format_kr(Decimal("1234.5"), 2) == "1.234,50 kr."
    assert format_kr(None, 2) == ""
    assert format_percent(Decimal("0.1234")) == "12,3 %"
