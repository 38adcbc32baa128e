"""Forms for allocation scenarios; numbers are entered the Danish way (decimal comma)."""
from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from allocation.models import AllocationRound, PopulationBasis, WithinRegionBasis
from klyngeportal.formats import NumberMode, NumberProblem, format_number, parse_danish_number

# The parser's messages name the number: "Tallet må ikke være negativt."
NUMBER_LABEL = "Tallet"


def format_danish_decimal(value: Decimal | None) -> str:
    """Danish form of a number with exactly the decimals it has (0,25; 1.234.567; 0,2139413750 -> 0,213941375)."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    return format_number(number, max(0, -number.as_tuple().exponent))


class DanishDecimalField(forms.CharField):
    """A decimal typed with decimal comma and optional thousands dots; errors in Danish."""

    def __init__(self, *, min_value=None, max_value=None, whole=False, max_places=None, **kwargs):
        self.min_value, self.max_value, self.whole, self.max_places = min_value, max_value, whole, max_places
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return format_danish_decimal(Decimal(value))
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_danish_number(
                value, mode=NumberMode.FRACTION, label=NUMBER_LABEL, minimum=self.min_value,
                maximum=self.max_value, max_places=self.max_places,
            )
        except NumberProblem as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        if self.whole:
            if number != number.to_integral_value():
                raise forms.ValidationError("Angiv et helt antal kroner.", code="whole")
            number = number.quantize(Decimal(1))
        return number


class RoundCopyForm(forms.Form):
    """Name, description and year of a copy; the years are those a cluster map applies to (``years``)."""

    name = forms.CharField(label="Navn på scenariet", max_length=120)
    year = forms.TypedChoiceField(
        label="År", coerce=int,
        help_text="Et andet år end kildens giver årets runde: indbyggertal pr. 1. januar i året "
        "(kvartal K1) og årets klyngekort (det seneste kort, der gælder for året).",
    )
    description = forms.CharField(label="Beskrivelse", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class RoundParametersForm(forms.Form):
    name = forms.CharField(label="Navn", max_length=120)
    description = forms.CharField(label="Beskrivelse", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pot = DanishDecimalField(label="Pulje i alt (kr.)", whole=True, min_value=Decimal("0"))
    municipal_pot = DanishDecimalField(
        label="Heraf kommunal andel (kr.)", whole=True, min_value=Decimal("0"),
        help_text="Den regionale andel er resten af puljen.",
    )
    population_basis = forms.ChoiceField(label="Befolkningsgrundlag", choices=PopulationBasis.choices)
    reference_date = forms.DateField(
        label="Opgørelsesdato for indbyggertal", input_formats=["%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"],
        help_text="fx 01.01.2022 (kvartal 2022K1)",
        widget=forms.DateInput(format="%d.%m.%Y"),
    )

    def clean(self):
        data = super().clean()
        pot, municipal = data.get("pot"), data.get("municipal_pot")
        if pot is not None and municipal is not None and municipal > pot:
            self.add_error("municipal_pot", "Den kommunale andel kan ikke være større end puljen.")
        return data

    @classmethod
    def initial_for(cls, round_: AllocationRound) -> dict:
        return {
            "name": round_.name, "description": round_.description, "pot": round_.pot,
            "municipal_pot": round_.municipal_pot, "population_basis": round_.population_basis,
            "reference_date": round_.reference_date,
        }


class RegionKeysForm(forms.Form):
    """One key and one within-region basis per region; the keys must sum to exactly 1."""

    def __init__(self, *args, regions, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = list(regions)
        for region in self.regions:
            current = keys.get(region.pk)
            self.fields[f"key_{region.pk}"] = DanishDecimalField(
                label=f"Bloktilskudsnøgle, {region.name}", min_value=Decimal("0"), max_value=Decimal("1"),
                max_places=12, initial=current.key if current else None,
            )
            self.fields[f"within_{region.pk}"] = forms.ChoiceField(
                label=f"Fordeling i {region.name}", choices=WithinRegionBasis.choices,
                initial=current.within_region if current else WithinRegionBasis.POPULATION,
            )

    def clean(self):
        data = super().clean()
        values = [data.get(f"key_{r.pk}") for r in self.regions]
        if all(v is not None for v in values):
            total = sum(values, Decimal("0"))
            if total != Decimal("1"):
                raise forms.ValidationError(
                    f"Nøglerne skal summere til præcis 1; de summerer til {format_danish_decimal(total)}."
                )
        return data

    def rows(self):
        return [(r, self[f"key_{r.pk}"], self[f"within_{r.pk}"]) for r in self.regions]

    def keys(self) -> dict:
        return {r.pk: self.cleaned_data[f"key_{r.pk}"] for r in self.regions}

    def within(self) -> dict:
        return {r.pk: self.cleaned_data[f"within_{r.pk}"] for r in self.regions}


class ClusterWeightsForm(forms.Form):
    """A region's own weights per cluster; blank = no own weight."""

    def __init__(self, *args, clusters, weights, **kwargs):
        super().__init__(*args, **kwargs)
        self.clusters = list(clusters)
        for cluster in self.clusters:
            self.fields[f"w_{cluster.pk}"] = DanishDecimalField(
                label=str(cluster), required=False, min_value=Decimal("0"), max_places=6,
                initial=weights.get(cluster.pk),
            )

    def weights(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"w_{c.pk}") for c in self.clusters}


class MunicipalityWeightsForm(forms.Form):
    """Weights per municipality pasted as lines 'kommunekode;vægt' (tab or semicolon); others weigh 1."""

    lines = forms.CharField(
        label="Vægte pr. kommune", required=False, widget=forms.Textarea(attrs={"rows": 16, "cols": 40}),
        help_text="Én linje pr. kommune: kommunekode og vægt adskilt af semikolon eller tabulator, "
        "fx «101;1,05». Kommuner uden linje vejer 1. Vægten ganges på indbyggertallet.",
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_code = {m.code: m for m in municipalities}

    def clean_lines(self):
        text = self.cleaned_data["lines"]
        weights: dict[int, Decimal] = {}
        errors = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in re.split(r"[;\t]", line) if p.strip()]
            if len(parts) != 2:
                errors.append(f"Linje {number}: skriv kommunekode og vægt, fx «101;1,05».")
                continue
            code_text, weight_text = parts
            if not code_text.isdigit() or int(code_text) not in self.by_code:
                errors.append(f"Linje {number}: «{code_text}» er ikke en kendt kommunekode.")
                continue
            try:
                weight = parse_danish_number(
                    weight_text, mode=NumberMode.FRACTION, label=NUMBER_LABEL, minimum=Decimal("0"), max_places=6,
                )
            except NumberProblem as exc:
                errors.append(f"Linje {number}: {exc.message}")
                continue
            municipality = self.by_code[int(code_text)]
            if municipality.pk in weights:
                errors.append(f"Linje {number}: kommune {code_text} står der flere gange.")
                continue
            weights[municipality.pk] = weight
        if errors:
            raise forms.ValidationError(errors)
        return weights


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label="Runde A", queryset=AllocationRound.objects.all(), to_field_name="slug")
    b = forms.ModelChoiceField(label="Runde B", queryset=AllocationRound.objects.all(), to_field_name="slug")
