"""Forms of the accounts pages: Danish decimal comma in, Danish messages out.

The forms only parse and check input; every write goes through accounts.services.
"""
from __future__ import annotations

from decimal import Decimal

from django import forms

from accounts.models import (
    BudgetControl,
    CostKind,
    EntryKind,
    FundingSource,
    Initiative,
    InitiativeArea,
    InitiativeStatus,
    PartyKind,
)
from accounts.parties import Party, PartyKeyError
from accounts.selectors.duplicates import DUPLICATE_MESSAGE, standing_duplicate
from klyngeportal.formats import CENT, NumberMode, NumberProblem, format_number, parse_danish_number


class DanishMoneyField(forms.CharField):
    """An amount in kroner with decimal comma (1.234,50); at most two decimals.

    Read by ``klyngeportal.formats.parse_danish_number``: the portal's one parser, limits and messages.
    ``min_value=Decimal("0.01")`` refuses zero and below, ``min_value=Decimal("0.00")`` negative amounts.
    """

    def __init__(self, *, min_value: Decimal | None = CENT, **kwargs):
        self.min_value = min_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "num", "size": 16}))
        kwargs.setdefault("help_text", "Kroner med komma, fx 1.234,50")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_number(value, 2)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_danish_number(value, mode=NumberMode.MONEY, minimum=self.min_value)
        except NumberProblem as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class DanishDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def party_choices(cluster_year, members: dict, *, include_joint: bool = False) -> list[tuple[str, str]]:
    """The parties of the cluster-year as (key, label): its region, optionally «jointly», its municipalities."""
    parties = [Party.region(cluster_year.cluster.region)]
    if include_joint:
        parties.append(Party.joint())
    parties += [Party.municipality(m) for m in sorted(members.values(), key=lambda m: m.name)]
    return [("", "– vælg part –")] + [(party.key, party.label) for party in parties]


def party_from_key(key: str, cluster_year, members: dict) -> dict:
    """'m:12' -> party kwargs for a service; raises PartyKeyError for a malformed key.

    A key for a municipality outside ``members`` or another region gives kwargs the service refuses.
    """
    party = Party.from_key(key)
    if party.kind == PartyKind.MUNICIPALITY:
        return {"party_kind": party.kind, "municipality": members.get(party.municipality_id), "region": None}
    if party.kind == PartyKind.REGION:
        region = cluster_year.cluster.region
        return {"party_kind": party.kind, "municipality": None,
                "region": region if party.region_id == region.pk else None}
    return {"party_kind": PartyKind.MUNICIPALITIES_JOINTLY, "municipality": None, "region": None}


class PartyForm(forms.Form):
    """A form with a `party` choice among the cluster's municipalities and its region."""

    include_joint = False

    def __init__(self, *args, cluster_year, members: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_year = cluster_year
        self.members = members
        self.fields["party"] = forms.ChoiceField(
            label="Part", choices=party_choices(cluster_year, members, include_joint=self.include_joint),
            error_messages={"required": "Vælg en kommune eller regionen.",
                            "invalid_choice": "Vælg en kommune i klyngen eller regionen."},
        )
        self.order_fields(self.field_order or [])

    def clean_party(self):
        key = self.cleaned_data["party"]
        try:
            Party.from_key(key)
        except PartyKeyError as exc:
            raise forms.ValidationError("Vælg en kommune i klyngen eller regionen.", code="invalid_choice") from exc
        return key

    def party_kwargs(self) -> dict:
        return party_from_key(self.cleaned_data["party"], self.cluster_year, self.members)


def initiatives_running(cluster_year):
    return (
        Initiative.objects.filter(cluster_id=cluster_year.cluster_id).running_in(cluster_year.year)
        .select_related("area").order_by("name")
    )


class EntryForm(PartyForm):
    field_order = ["initiative", "party", "booking_date", "kind", "amount", "account_code", "voucher", "text",
                   "cost_kind"]

    initiative = forms.ModelChoiceField(
        label="Indsats", queryset=Initiative.objects.none(),
        error_messages={"required": "Vælg en indsats.", "invalid_choice": "Vælg en af klyngens indsatser."},
    )
    booking_date = forms.DateField(
        label="Bogføringsdato", widget=DanishDateInput(),
        error_messages={"required": "Angiv bogføringsdatoen.", "invalid": "Angiv en gyldig dato."},
    )
    kind = forms.ChoiceField(label="Art", choices=EntryKind.choices, initial=EntryKind.EXPENSE)
    amount = DanishMoneyField(label="Beløb", error_messages={"required": "Angiv beløbet."})
    account_code = forms.CharField(
        label="Konto", max_length=40, help_text="Kontonummer i partens kontoplan, fx 4.62.82 eller 1.10.11",
        error_messages={"required": "Angiv kontoen."},
    )
    voucher = forms.CharField(label="Bilag", max_length=60, required=False)
    text = forms.CharField(label="Tekst", max_length=255, required=False)
    cost_kind = forms.ChoiceField(label="Omkostningstype", choices=CostKind.choices, initial=CostKind.DEVELOPMENT)
    # Hidden until the budget control asks for it (``ask_confirmation``); a checked box books past «Advar».
    confirm = forms.BooleanField(label="Bogfør alligevel", required=False, widget=forms.HiddenInput)
    # Hidden until the entry looks booked already (``accounts.selectors.duplicates``, the import's rule).
    confirm_duplicate = forms.BooleanField(label="Bogfør alligevel", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cluster_year, members, **kwargs):
        super().__init__(*args, cluster_year=cluster_year, members=members, **kwargs)
        self.duplicate_of: int | None = None  # the id of the standing entry this one repeats
        self.fields["initiative"].queryset = initiatives_running(cluster_year)
        self.fields["initiative"].empty_label = "– vælg indsats –"
        self.fields["initiative"].label_from_instance = lambda i: f"{i.name} ({i.area.name})"

    def clean_booking_date(self):
        value = self.cleaned_data["booking_date"]
        if value and value.year != self.cluster_year.year:
            raise forms.ValidationError(f"Datoen skal ligge i regnskabsåret {self.cluster_year.year}.")
        return value

    def clean(self):
        data = super().clean()
        keys = ("initiative", "party", "booking_date", "kind", "amount", "account_code", "voucher", "text", "cost_kind")
        if self.errors or any(key not in data for key in keys):
            return data  # the duplicate check needs every field as the service takes it
        self.duplicate_of = standing_duplicate(
            self.cluster_year, **self.party_kwargs(), **{key: data[key] for key in keys if key != "party"},
        )
        if self.duplicate_of is not None:
            self.ask_duplicate_confirmation()
            if not data.get("confirm_duplicate"):
                self.add_error("confirm_duplicate", f"Posteringen {DUPLICATE_MESSAGE}. Sæt flueben for at "
                                                    "bogføre den alligevel, eller annullér.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "initiative": data["initiative"], **self.party_kwargs(), "booking_date": data["booking_date"],
            "kind": data["kind"], "amount": data["amount"], "account_code": data["account_code"],
            "voucher": data["voucher"], "text": data["text"], "cost_kind": data["cost_kind"],
            "confirmed": bool(data.get("confirm")),
        }

    def ask_confirmation(self) -> None:
        """Show the confirmation checkbox (the service found an overrun or a large entry)."""
        field = self.fields["confirm"]
        field.widget = forms.CheckboxInput()
        field.label = "Jeg bekræfter, at posteringen skal bogføres alligevel"
        field.help_text = "Bekræftelsen gemmes med posteringen: hvem, hvornår og overskridelsen."

    def ask_duplicate_confirmation(self) -> None:
        """Show the checkbox that books an entry identical to a standing one."""
        field = self.fields["confirm_duplicate"]
        field.widget = forms.CheckboxInput()
        field.label = "Jeg bekræfter, at posteringen ikke er bogført før og skal bogføres"
        field.help_text = "Samme indsats, part, dato, art, beløb, konto, bilag, tekst og omkostningstype."


class BudgetControlForm(forms.Form):
    """The cluster-year's budget control and the share of funding above which one entry needs confirmation."""

    budget_control = forms.ChoiceField(
        label="Budgetkontrol", choices=BudgetControl.choices,
        help_text="Når en postering vil bringe en indsats' eller en parts forbrug over budget: "
                  "Stop afviser, Advar kræver bekræftelse, Ingen kontrol bogfører.",
    )
    large_entry_share = DanishMoneyField(
        label="Stor postering, andel af finansieringen (%)",
        help_text="En enkelt postering over denne andel af finansieringen skal bekræftes, fx 25,00",
        error_messages={"required": "Angiv andelen i procent."},
    )


class ReverseForm(forms.Form):
    text = forms.CharField(
        label="Tekst på tilbageførslen", max_length=255, required=False,
        help_text="Valgfri; ellers «Tilbageførsel af …».",
    )


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = ["name", "area", "description", "responsible", "responsible_municipality", "status",
                  "first_year", "last_year"]
        error_messages = {
            "name": {"required": "Giv indsatsen et navn."},
            "area": {"required": "Vælg et indsatsområde."},
        }

    def __init__(self, *args, cluster_year, members: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster_year = cluster_year
        self.fields["area"].queryset = InitiativeArea.objects.filter(year=cluster_year.year)
        self.fields["area"].empty_label = "– vælg indsatsområde –"
        self.fields["responsible_municipality"].queryset = (
            self.fields["responsible_municipality"].queryset.filter(pk__in=list(members))
        )
        self.fields["responsible_municipality"].help_text = "Kun når en kommune er ansvarlig."
        self.fields["status"].choices = InitiativeStatus.choices
        self.fields["first_year"].initial = cluster_year.year
        self.fields["last_year"].initial = cluster_year.year
        self.fields["description"].widget.attrs["rows"] = 4
        self.fields["first_year"].localize = False
        self.fields["last_year"].localize = False
        for name in ("first_year", "last_year"):
            self.fields[name].widget = forms.NumberInput(attrs={"min": 2022, "max": 2100})

    def clean(self):
        data = super().clean()
        if data.get("responsible") == Initiative.Responsible.MUNICIPALITY and not data.get("responsible_municipality"):
            self.add_error("responsible_municipality", "Vælg den ansvarlige kommune.")
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", "Sidste år kan ikke ligge før første år.")
        year = self.cluster_year.year
        if first and last and not (first <= year <= last):
            self.add_error("first_year", f"Indsatsen skal køre i {year}, når den oprettes her.")
        return data

    def _post_clean(self):
        # The service validates the whole model (cluster is set there); skip the ModelForm's own instance check.
        pass


class BudgetLineForm(PartyForm):
    field_order = ["initiative", "source", "party", "amount"]

    initiative = forms.ModelChoiceField(
        label="Indsats", queryset=Initiative.objects.none(),
        error_messages={"required": "Vælg en indsats.", "invalid_choice": "Vælg en af klyngens indsatser."},
    )
    source = forms.ChoiceField(label="Finansieringskilde", choices=FundingSource.choices)
    amount = DanishMoneyField(label="Budget", min_value=Decimal("0.00"), error_messages={"required": "Angiv beløbet."})

    def __init__(self, *args, cluster_year, members, **kwargs):
        super().__init__(*args, cluster_year=cluster_year, members=members, **kwargs)
        self.fields["initiative"].queryset = initiatives_running(cluster_year)
        if cluster_year.original_budget_at is not None:
            add_reason(self, required=True)


class AmountForm(forms.Form):
    amount = DanishMoneyField(label="Budget", min_value=Decimal("0.00"), error_messages={"required": "Angiv beløbet."})


REASON_REQUIRED = "Skriv en begrundelse: efter indsendelsen er hver ændring af budgettet en revision."


def add_reason(form, *, required: bool) -> None:
    """The budget forms' «Begrundelse»: asked for once the original budget is fixed (after submission)."""
    form.fields["reason"] = forms.CharField(
        label="Begrundelse for revisionen", required=required, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": REASON_REQUIRED},
        help_text="Gemmes med revisionen: hvem, hvornår, hvorfor, før → efter.",
    )


class BudgetMonthsForm(forms.Form):
    """A budget line spread over the months (``per`` = "month": twelve fields, "quarter": four)."""

    MONTH_LABELS = ("Januar", "Februar", "Marts", "April", "Maj", "Juni", "Juli", "August", "September",
                    "Oktober", "November", "December")

    def __init__(self, *args, per: str = "month", **kwargs):
        super().__init__(*args, **kwargs)
        self.per = "quarter" if per == "quarter" else "month"
        labels = [f"{n}. kvartal" for n in range(1, 5)] if self.per == "quarter" else self.MONTH_LABELS
        for number, label in enumerate(labels, start=1):
            self.fields[f"p{number}"] = DanishMoneyField(
                label=label, min_value=Decimal("0.00"), help_text="", error_messages={"required": "Angiv beløbet."},
            )

    def amounts(self) -> dict[int, Decimal]:
        """{1..12: amount} or {1..4: amount} as typed."""
        count = 4 if self.per == "quarter" else 12
        return {n: self.cleaned_data[f"p{n}"] for n in range(1, count + 1)}


class FundingLineForm(PartyForm):
    field_order = ["source", "party", "allocated", "paid", "text"]

    source = forms.ChoiceField(
        label="Kilde",
        choices=[(FundingSource.LOCAL, FundingSource.LOCAL.label), (FundingSource.STARTUP, FundingSource.STARTUP.label)],
        initial=FundingSource.LOCAL,
    )
    allocated = DanishMoneyField(label="Tildelt", required=False, min_value=Decimal("0.00"),
                                 help_text="Valgfri: det tildelte beløb, hvis det afviger fra det indbetalte")
    paid = DanishMoneyField(label="Indbetalt", min_value=Decimal("0.00"), error_messages={"required": "Angiv beløbet."})
    text = forms.CharField(label="Tekst", max_length=200, required=False)


class FundingPaidForm(forms.Form):
    paid = DanishMoneyField(label="Indbetalt", min_value=Decimal("0.00"), error_messages={"required": "Angiv beløbet."})
    text = forms.CharField(label="Tekst", max_length=200, required=False)


class FundingSplitForm(forms.Form):
    """One amount per funding municipality; the sum should equal the joint line."""

    accept_difference = forms.BooleanField(
        label="Gem, selv om andelene ikke summerer til den samlede linje (forskellen vises på siden)",
        required=False,
    )

    def __init__(self, *args, funders: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.funders = funders
        for pk, municipality in sorted(funders.items(), key=lambda item: item[1].name):
            self.fields[f"m_{pk}"] = DanishMoneyField(
                label=municipality.name, required=False, min_value=Decimal("0.00"), help_text="",
            )
        self.order_fields([f"m_{pk}" for pk in funders] + ["accept_difference"])

    def amounts(self) -> dict[int, Decimal]:
        return {pk: self.cleaned_data.get(f"m_{pk}") or Decimal("0.00") for pk in self.funders}


class CommitmentForm(PartyForm):
    field_order = ["party", "amount", "committed_by", "committed_on", "note"]

    amount = DanishMoneyField(label="Beløb", error_messages={"required": "Angiv beløbet."})
    committed_by = forms.CharField(
        label="Tilsagn givet af", max_length=200, help_text="Hvem i kommunen/regionen gav tilsagnet (navn, funktion)",
        error_messages={"required": "Angiv, hvem der gav tilsagnet."},
    )
    committed_on = forms.DateField(
        label="Tilsagnsdato", widget=DanishDateInput(),
        error_messages={"required": "Angiv datoen for tilsagnet.", "invalid": "Angiv en gyldig dato."},
    )
    note = forms.CharField(label="Bemærkning", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, unspent: dict | None = None, existing: dict | None = None, **kwargs):
        """``unspent``: party key → unspent amount; ``existing``: party key → its recorded commitment."""
        super().__init__(*args, **kwargs)
        self.existing = existing = existing or {}
        if unspent is not None:
            # Only parties with unspent money can commit; the label shows how much, and any commitment.
            self.fields["party"].choices = [("", "– vælg part –")] + [
                (key, f"{label} (uforbrugt {format_number(unspent[key], 2)} kr."
                      + (f"; har tilsagn på {format_number(existing[key].amount, 2)} kr." if key in existing else "")
                      + ")")
                for key, label in self.fields["party"].choices
                if key and unspent.get(key, 0) > 0
            ]
        if existing:
            self.fields["replace"] = forms.BooleanField(
                label="Erstat det eksisterende tilsagn", required=False,
                help_text="Kun for en part, der allerede har et tilsagn: det nye tilsagn erstatter det gamle.",
            )
            self.order_fields(["party", "replace"])


class CloseForm(forms.Form):
    """The year close; an administrator closing before the SSU's approval gives a reason."""

    reason = forms.CharField(
        label="Begrundelse", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kun når regnskabet ikke er godkendt af SSU: hvorfor året afsluttes alligevel. Gemmes i historikken.",
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Begrundelse", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Angiv en begrundelse for genåbningen."},
    )
