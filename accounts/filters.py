"""Filters of the entry list (django-filter): free text, area, initiative, party, kind, cost kind, dates, account, import."""
from functools import cache

import django_filters
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceField

from accounts.filters_render import ListFilterForm
from accounts.forms import DanishDateInput, party_choices
from accounts.models import BudgetLine, CostKind, Entry, EntryKind, FundingSource, Initiative, InitiativeArea
from accounts.parties import Party, PartyKeyError


class PartyFilterMixin:
    def filter_party(self, queryset, name, value):
        """A party key ('m:12', 'r:3'); a malformed key matches nothing."""
        try:
            party = Party.from_key(value)
        except PartyKeyError:
            return queryset.none()
        return queryset.filter(**party.lookup())


# A choice that is no option: the message of the model choice filters these replace (same page).
INVALID_CHOICE = {"invalid_choice": ModelChoiceField.default_error_messages["invalid_choice"]}


def _options(queryset):
    """A dropdown's options as (key, name) from one query, read when first needed (rendering or checking a
    chosen value) and then kept for the request: no model objects, no lookup of the chosen one."""
    return cache(lambda: list(queryset.values_list("pk", "name")))


def _initiatives_of(cluster_year):
    # Only the initiatives running in the cluster-year's year: the dropdown stays the same size as years pass.
    return _options(Initiative.objects.filter(cluster_id=cluster_year.cluster_id).running_in(cluster_year.year)
                    .order_by("name"))


def _areas_of(cluster_year):
    return _options(InitiativeArea.objects.filter(year=cluster_year.year))  # in the areas' order (Meta)


class EntryFilter(PartyFilterMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Søg i tekst og bilag", method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "size": 18, "placeholder": "fx faktura 1042"}),
    )
    area = django_filters.ChoiceFilter(label="Indsatsområde", field_name="initiative__area", empty_label="Alle",
                                       error_messages=INVALID_CHOICE)
    initiative = django_filters.ChoiceFilter(label="Indsats", empty_label="Alle", error_messages=INVALID_CHOICE)
    party = django_filters.ChoiceFilter(label="Part", method="filter_party", empty_label="Alle")
    kind = django_filters.ChoiceFilter(label="Art", choices=EntryKind.choices, empty_label="Alle")
    cost_kind = django_filters.ChoiceFilter(label="Omkostningstype", choices=CostKind.choices, empty_label="Alle")
    date_from = django_filters.DateFilter(
        label="Fra dato", field_name="booking_date", lookup_expr="gte", widget=DanishDateInput()
    )
    date_to = django_filters.DateFilter(
        label="Til dato", field_name="booking_date", lookup_expr="lte", widget=DanishDateInput()
    )
    import_batch = django_filters.NumberFilter(label="Import nr.", field_name="import_batch")
    account = django_filters.CharFilter(
        label="Konto", field_name="account_code", lookup_expr="startswith",
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "fx 4.62"}),
    )

    class Meta:
        model = Entry
        form = ListFilterForm  # the widgets without a template per option (accounts.filters_render)
        fields = ["q", "area", "initiative", "party", "kind", "cost_kind", "date_from", "date_to", "account", "import_batch"]

    def __init__(self, *args, cluster_year, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["area"].extra["choices"] = _areas_of(cluster_year)
        self.filters["initiative"].extra["choices"] = _initiatives_of(cluster_year)
        self.filters["party"].extra["choices"] = party_choices(cluster_year, members)[1:]

    def filter_text(self, queryset, name, value):
        """Every word (case ignored) in the text or the voucher; no words, no filter."""
        for word in value.split():
            queryset = queryset.filter(Q(text__icontains=word) | Q(voucher__icontains=word))
        return queryset


class BudgetLineFilter(PartyFilterMixin, django_filters.FilterSet):
    """Filters of the budget list: initiative, area, funding source, party."""

    initiative = django_filters.ChoiceFilter(label="Indsats", empty_label="Alle", error_messages=INVALID_CHOICE)
    area = django_filters.ChoiceFilter(label="Indsatsområde", field_name="initiative__area", empty_label="Alle",
                                       error_messages=INVALID_CHOICE)
    source = django_filters.ChoiceFilter(label="Kilde", choices=FundingSource.choices, empty_label="Alle")
    party = django_filters.ChoiceFilter(label="Part", method="filter_party", empty_label="Alle")

    class Meta:
        model = BudgetLine
        form = ListFilterForm
        fields = ["initiative", "area", "source", "party"]

    def __init__(self, *args, cluster_year, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["area"].extra["choices"] = _areas_of(cluster_year)
        self.filters["initiative"].extra["choices"] = _initiatives_of(cluster_year)
        self.filters["party"].extra["choices"] = party_choices(cluster_year, members)[1:]
