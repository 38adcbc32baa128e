"""Amounts handed to the services, read by the portal's one Danish number parser."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from klyngeportal.formats import NumberMode, NumberProblem, format_kr, parse_danish_number

POSITIVE = Decimal("0.01")  # «… skal være større end 0.»
NOT_NEGATIVE = Decimal("0")  # «… må ikke være negativt.»


def money(value, *, field: str | None, label: str = "Beløbet", minimum: Decimal = POSITIVE) -> Decimal:
    """The amount in kroner with two decimals, or a ValidationError on ``field`` (None: the whole form)."""
    try:
        return parse_danish_number("" if value is None else value, mode=NumberMode.MONEY, label=label,
                                   minimum=minimum)
    except NumberProblem as exc:
        raise ValidationError({field: exc.message} if field else exc.message, code=exc.code) from exc


def kr(value: Decimal) -> str:
    """«1.234,50 kr.» for the services' messages."""
    return format_kr(value, 2)
