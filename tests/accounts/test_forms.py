"""Forms, filters and the one form flow: one parser, one party key, service errors on the right field."""
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.filters import EntryFilter
from accounts.forms import DanishMoneyField, EntryForm, party_choices, party_from_key
from accounts.models import Entry
from accounts.parties import PartyKeyError
from geography.selectors import cluster_municipalities
from klyngeportal.forms_flow import apply_errors


@pytest.mark.parametrize(("min_value", "text", "message"), [
    (Decimal("0.01"), "0", "Beløbet skal være større end 0."),
    (Decimal("0.00"), "-1,00", "Beløbet må ikke være negativt."),
    (Decimal("0.01"), "1.000.000.000.000", "Beløbet er for stort"),
    (Decimal("0.01"), "12.50", "brug komma som decimaltegn"),
])
def test_money_field_uses_the_one_parser_and_its_messages(min_value, text, message):
    field = DanishMoneyField(min_value=min_value)
    with pytest.raises(django_forms.ValidationError) as excinfo:
        field.clean(text)
    assert message in excinfo.value.messages[0]
    assert DanishMoneyField().clean("1 234,50 kr.") == Decimal("1234.50")
    assert DanishMoneyField(min_value=Decimal("0.00")).clean("0") == Decimal("0.00")


def test_party_choices_and_keys_come_from_party(cy_a):
    members = cluster_municipalities(cy_a.cluster, cy_a.year)
    choices = party_choices(cy_a, members, include_joint=True)
    assert choices[:3] == [("", "– vælg part –"), (f"r:{cy_a.cluster.region_id}", "Region Midtjylland"),
                           ("joint", "Klyngens kommuner samlet")]
    aarhus = next(m for m in members.values() if m.code == 751)
    assert (f"m:{aarhus.pk}", aarhus.name) in choices
    assert party_from_key(f"m:{aarhus.pk}", cy_a, members) == {
        "party_kind": "municipality", "municipality": aarhus, "region": None}
    assert party_from_key(f"r:{cy_a.cluster.region_id}", cy_a, members)["region"] == cy_a.cluster.region
    with pytest.raises(PartyKeyError):
        party_from_key("m:abc", cy_a, members)


@pytest.mark.parametrize("key", ["m:abc", "r:", "x:1", "m:" + "9" * 30, f"m:{10**9}"])
def test_a_malformed_party_key_is_a_danish_form_error(cy_a, initiative_a, key):
    members = cluster_municipalities(cy_a.cluster, cy_a.year)
    form = EntryForm({"initiative": initiative_a.pk, "party": key, "booking_date": "2022-04-01", "kind": "expense",
                      "amount": "10,00", "account_code": "4.62.82", "cost_kind": "development"},
                     cluster_year=cy_a, members=members)
    assert not form.is_valid()
    assert form.errors["party"] == ["Vælg en kommune i klyngen eller regionen."]


@pytest.mark.parametrize("key", ["m:abc", "r:-1", "joint", "nonsense"])
def test_a_malformed_party_filter_is_empty_or_refused_never_an_error(client_for, users, cy_a, entry_kwargs, key):
    services.entry_create(**entry_kwargs())
    members = cluster_municipalities(cy_a.cluster, cy_a.year)
    assert EntryFilter({}, queryset=Entry.objects.all(), cluster_year=cy_a, members=members).filter_party(
        Entry.objects.all(), "party", key).count() == 0
    response = client_for(users["secretariat_a"]).get(reverse("accounts:entry_list", args=[cy_a.pk]), {"party": key})
    assert response.status_code == 200
    assert 'data-entry="' not in response.content.decode()


def test_the_party_filter_finds_the_party_entries(client_for, users, cy_a, entry_kwargs, aarhus_kommune):
    entry = services.entry_create(**entry_kwargs())
    response = client_for(users["secretariat_a"]).get(
        reverse("accounts:entry_list", args=[cy_a.pk]), {"party": f"m:{aarhus_kommune.pk}"})
    assert f'data-entry="{entry.pk}"' in response.content.decode()


class _Form(django_forms.Form):
    amount = django_forms.CharField()


def test_apply_errors_puts_each_error_on_its_field_or_on_top():
    form = _Form({"amount": "1"})
    assert form.is_valid()
    apply_errors(form, ValidationError({"amount": "Forkert beløb.", "party": "Forkert part."}))
    assert form.errors["amount"] == ["Forkert beløb."]
    assert form.non_field_errors() == ["Forkert part."]
    other = _Form({"amount": "1"})
    other.is_valid()
    apply_errors(other, ValidationError(["Første.", "Anden."]))
    assert other.non_field_errors() == ["Første.", "Anden."]


def test_entry_form_shows_service_problems_at_their_fields(client_for, users, cy_a, initiative_a, aarhus_kommune):
    """The account code's shape is the service's rule; its message lands on the form's account field."""
    url = reverse("accounts:entry_create", args=[cy_a.pk])
    data = {"initiative": initiative_a.pk, "party": f"m:{aarhus_kommune.pk}", "booking_date": "2022-04-01",
            "kind": "expense", "amount": "10,00", "account_code": "Kaffe", "cost_kind": "development"}
    response = client_for(users["secretariat_a"]).post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "kommunale kontoplan" in form.errors["account_code"][0]
    assert Entry.objects.count() == 0
