"""Danish number formatting for money and counts: 1.234.567,89."""
from decimal import ROUND_HALF_UP, Decimal


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(value)
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):.{decimals}f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + ".".join(groups)
    return f"{text},{fraction}" if decimals else text


def format_kr(value, decimals: int = 0) -> str:
    text = format_number(value, decimals)
    return f"{text} kr." if text else ""


def format_percent(value, decimals: int = 1) -> str:
    if value is None:
        return ""
    return f"{format_number(Decimal(value) * 100, decimals)} %"
