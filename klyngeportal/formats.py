"""Danish number formatting for money and counts: 1.234.567,89."""
import re
from decimal import ROUND_HALF_UP, Decimal

_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}


def format_number(value, decimals: int = 0) -> str:
    """1234567.891 -> «1.234.567,89» (decimals=2): rounded half up, dots between thousands, a decimal comma.

    Called for every money cell of the pages, so kept lean: Python's own grouping («,») on the rounded
    Decimal, the separators swapped; a zero rounded from a negative amount has no sign (-0,004 -> 0,00).
    """
    if value is None or (isinstance(value, str) and not value):
        return ""
    number = Decimal(value).quantize(_QUANTA.get(decimals) or Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if not number < 0:  # (a NaN raises here, as it always did)
        number = number.copy_abs()  # -0.00 is written 0,00
    return f"{number:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_kr(value, decimals: int = 0) -> str:
    text = format_number(value, decimals)
    return f"{text} kr." if text else ""


def format_inhabitants(value) -> str:
    """Inhabitants: a whole number as 358.954 (never 358.954,00); a share of one, as København's
    287.817,33 in Klynge Syd, keeps its two decimals."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    return format_number(number, 0 if number == number.to_integral_value() else 2)


def local_time(value, with_time: bool = True) -> str:
    """A moment as the reader's clock shows it (Europe/Copenhagen): 02.12.2026 14:05."""
    from django.utils import timezone

    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%d.%m.%Y %H:%M}" if with_time else f"{value:%d.%m.%Y}"


def format_percent(value, decimals: int = 1) -> str:
    if value is None:
        return ""
    return f"{format_number(Decimal(value) * 100, decimals)} %"


# --- reading Danish numbers ---------------------------------------------------
# The one parser of the portal: forms, services, the Excel import and the
# allocation keys all read numbers here, with one set of limits and messages.

class NumberMode:
    MONEY = "money"        # kroner and øre: at most two decimals, below MONEY_LIMIT
    FRACTION = "fraction"  # keys, weights and shares: any number of decimals (0,2139413750)


# Amount fields hold 14 digits, 2 of them decimals (accounts.models.MONEY).
MONEY_LIMIT = Decimal(10) ** 12
CENT = Decimal("0.01")
EXAMPLE = {NumberMode.MONEY: "1.234,50", NumberMode.FRACTION: "1.234.567,89 eller 0,25"}

_GROUPED_WHOLE = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_PLAIN_WHOLE = re.compile(r"^\d+$")
_KRONER = re.compile(r"^(?:kr\.?\s*)?(.*?)(?:\s*kr\.?)?$", re.IGNORECASE)


class NumberProblem(ValueError):
    """A number that cannot be read or is out of bounds; ``str()`` is the Danish message."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _from_text(text: str, mode: str) -> Decimal:
    raw = text.strip().replace("\u00a0", " ")
    if mode == NumberMode.MONEY:
        raw = _KRONER.match(raw).group(1).strip()
    sign = ""
    if raw[:1] in "-−":
        sign, raw = "-", raw[1:].strip()
    # Spaces group thousands the same way dots do ("1 234,50").
    raw = re.sub(r"(?<=\d) (?=\d{3}(?:\D|$))", ".", raw)
    whole, comma, fraction = raw.partition(",")
    if comma and not fraction.isdigit():
        raise NumberProblem(f"«{text}» er ikke et tal. Skriv fx {EXAMPLE[mode]}.")
    if not whole and comma:
        whole = "0"
    if _GROUPED_WHOLE.match(whole):
        whole = whole.replace(".", "")
    elif not _PLAIN_WHOLE.match(whole):
        if re.match(r"^\d+\.\d+$", whole) and not comma:
            raise NumberProblem(
                f"«{text}» er tvetydigt: brug komma som decimaltegn og punktum kun som "
                f"tusindtalsskilletegn, fx {EXAMPLE[mode]}."
            )
        noun = "et beløb" if mode == NumberMode.MONEY else "et tal"
        raise NumberProblem(f"«{text}» er ikke {noun}. Skriv fx {EXAMPLE[mode]}.")
    return Decimal(f"{sign}{whole}.{fraction}" if comma else f"{sign}{whole}")


def parse_danish_number(
    value, *, mode: str = NumberMode.MONEY, label: str = "Beløbet",
    minimum: Decimal | None = None, maximum: Decimal | None = None, max_places: int | None = None,
) -> Decimal:
    """Read «1.234,50», «1 234,50 kr.», «0,25», or a number the spreadsheet typed; raise NumberProblem.

    ``minimum=Decimal("0.01")`` means «greater than 0», ``minimum=0`` «not negative». Money is
    returned with exactly two decimals; a fraction with the decimals it was given.
    """
    if isinstance(value, bool) or value is None:
        raise NumberProblem(f"{label} skal være et tal.", "required" if value is None else "invalid")
    if isinstance(value, str):
        if not value.strip():
            raise NumberProblem(f"{label} mangler.", "required")
        number = _from_text(value, mode)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # the shortest text that round-trips, as the cell showed it
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        raise NumberProblem(f"{label} skal være et tal.")
    if not number.is_finite():
        raise NumberProblem(f"{label} skal være et endeligt tal.")
    if mode == NumberMode.MONEY:
        if abs(number) >= MONEY_LIMIT:  # before quantize: a huge exponent would overflow it
            raise NumberProblem(
                f"{label} er for stort: højst {format_number(MONEY_LIMIT - CENT, 2)} kr.", "max"
            )
        if number != number.quantize(CENT, rounding=ROUND_HALF_UP):
            raise NumberProblem(f"{label} må højst have to decimaler (øre).", "decimals")
        number = number.quantize(CENT)
    elif max_places is not None and -number.as_tuple().exponent > max_places:
        raise NumberProblem(f"{label} må højst have {max_places} decimaler.", "places")
    if minimum is not None and number < minimum:
        if minimum == CENT and mode == NumberMode.MONEY:
            raise NumberProblem(f"{label} skal være større end 0.", "min")
        if minimum == 0:
            raise NumberProblem(f"{label} må ikke være negativt.", "min")
        raise NumberProblem(f"{label} skal være mindst {_plain(minimum)}.", "min")
    if maximum is not None and number > maximum:
        raise NumberProblem(f"{label} må ikke være større end {_plain(maximum)}.", "max")
    return number


def _plain(value: Decimal) -> str:
    """A bound in Danish form with the decimals it has (0,25; 1.000)."""
    number = Decimal(value).normalize()
    return format_number(number, max(0, -number.as_tuple().exponent))
