"""Cell values of the template as the accounts take them: what a user types, read once per distinct value."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from klyngeportal.formats import NumberMode, NumberProblem, parse_danish_number

DATE_FORMATS = ("%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")


def amount_value(value) -> Decimal:
    """An amount cell as a Decimal: a number, or Danish text («1.234,50», «kr. 1.000»). Raises NumberProblem.

    Only the reading; what an amount may be (positive, at most two decimals, ...) is the accounts' rule.
    """
    if isinstance(value, datetime | date):
        raise NumberProblem("Beløbet er en dato; skriv et tal.")
    return parse_danish_number(value, mode=NumberMode.MONEY)


def date_value(value, year: int) -> date | None:
    """A date cell, or date text «31.12.2022» (also «31-12-2022», «31/12/2022», «2022-12-31»), as a date.

    None when empty. Raises ValueError (Danish).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
        raise ValueError(f"«{value}» er ikke en dato. Skriv fx 31.12.{year}.")
    if isinstance(value, int | float | Decimal):
        raise ValueError(f"Datoen er et tal, ikke en dato. Formatér cellen som dato, fx 31.12.{year}.")
    raise ValueError("Datoen er ugyldig.")


def text_value(value) -> str:
    """A text cell as stored text: numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()


def label_key(text: str) -> str:
    """A label as it is looked up: spaces collapsed, case folded."""
    return " ".join(str(text).split()).casefold()


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def once(cache: dict, value, function):
    """``function(value)``, worked out once per distinct text in ``cache`` (labels repeat row after row).

    Only text is remembered: 1, 1.0 and True are equal as keys but not as cells.
    """
    if type(value) is not str:
        return function(value)
    try:
        return cache[value]
    except KeyError:
        answer = cache[value] = function(value)
        return answer
