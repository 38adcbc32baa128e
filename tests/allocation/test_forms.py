"""Allocation forms read numbers with the portal's one Danish parser (klyngeportal.formats)."""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms

from allocation.forms import DanishDecimalField, MunicipalityWeightsForm
from klyngeportal.formats import NumberMode, NumberProblem, parse_danish_number

D = Decimal


@pytest.mark.parametrize("text", ["0.25", "x", "-1", "1,5", "0,1234567890123"])
def test_key_field_gives_the_parsers_message(text):
    field = DanishDecimalField(min_value=D(0), max_value=D(1), max_places=12)
    with pytest.raises(forms.ValidationError) as field_error:
        field.clean(text)
    with pytest.raises(NumberProblem) as parser_error:
        parse_danish_number(text, mode=NumberMode.FRACTION, label="Tallet", minimum=D(0), maximum=D(1),
                            max_places=12)
    assert field_error.value.messages == [parser_error.value.message]


def test_key_field_reads_danish_fractions_and_grouped_whole_kroner():
    assert DanishDecimalField(max_places=12).clean("0,213941375") == D("0.213941375")
    pot = DanishDecimalField(whole=True, min_value=D(0))
    assert pot.clean("90.000.000") == D(90_000_000) and pot.clean("45.000.000,00") == D(45_000_000)
    with pytest.raises(forms.ValidationError, match="Angiv et helt antal kroner."):
        pot.clean("1,5")


def test_weights_lines_report_the_parsers_messages_per_line():
    form = MunicipalityWeightsForm(
        {"lines": "101;1,05\n751;-1\n461;0.5\n147;1,1234567"},
        municipalities=[SimpleNamespace(pk=code, code=code) for code in (101, 751, 461, 147)],
    )
    assert not form.is_valid()
    assert form.errors["lines"] == [
        "Linje 2: Tallet må ikke være negativt.",
        "Linje 3: «0.5» er tvetydigt: brug komma som decimaltegn og punktum kun som tusindtalsskilletegn, "
        "fx 1.234.567,89 eller 0,25.",
        "Linje 4: Tallet må højst have 6 decimaler.",
    ]
    ok = MunicipalityWeightsForm({"lines": "101;1,05\n751;2"}, municipalities=[
        SimpleNamespace(pk=code, code=code) for code in (101, 751)
    ])
    assert ok.is_valid() and ok.cleaned_data["lines"] == {101: D("1.05"), 751: D(2)}
