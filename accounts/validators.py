"""Shape checks for account codes in the municipal and the regional chart of accounts.

The code is kept exactly as entered (parties write it in their own way);
only its shape is checked, so that an amount or a name typed in the account
field is caught.
"""
import re

from django.core.exceptions import ValidationError

# Municipal chart of accounts (Budget- og regnskabssystem for kommuner):
# hovedkonto.hovedfunktion.funktion (e.g. 4.62.82), optionally followed by
# grupperinger/art (e.g. 4.62.82.1.01 or 4.62.82-001). Dots, spaces or none.
MUNICIPAL_ACCOUNT = re.compile(r"^\d[.\s]?\d{2}[.\s]?\d{2}(?:[.\s-]?\d{1,3}){0,3}$")
# Regional chart of accounts: hovedkonto.område[.funktion[.underfunktion]] (e.g. 1.10.11),
# optionally followed by an art (e.g. 1.10.11.4.5 or 1.10.11-45).
REGIONAL_ACCOUNT = re.compile(r"^\d[.\s]?\d{2}(?:[.\s]?\d{2}){0,2}(?:[.\s-]?\d{1,3}){0,2}$")

MUNICIPAL_EXAMPLE = "4.62.82 eller 4.62.82.1.01"
REGIONAL_EXAMPLE = "1.10.11 eller 1.10.11.4.5"


def account_code_problem(code: str, party_kind: str) -> str | None:
    """None if the code has the shape of the party's chart of accounts, else a Danish message."""
    code = (code or "").strip()
    if not code:
        return "Kontonummer mangler."
    if party_kind == "municipality":
        if not MUNICIPAL_ACCOUNT.match(code):
            return f"«{code}» ligner ikke en konto i den kommunale kontoplan (fx {MUNICIPAL_EXAMPLE})."
    elif party_kind == "region":
        if not REGIONAL_ACCOUNT.match(code):
            return f"«{code}» ligner ikke en konto i den regionale kontoplan (fx {REGIONAL_EXAMPLE})."
    else:
        return "Kontoen skal høre til en kommune eller en region."
    return None


def validate_account_code(code: str, party_kind: str) -> None:
    problem = account_code_problem(code, party_kind)
    if problem:
        raise ValidationError(problem, code="account_shape")
