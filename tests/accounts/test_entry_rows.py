"""The one public check of entry rows: every problem names its row and the field it is about."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Entry
from accounts.services.entries import EntryProblem, EntryRowsRefused, check_entry_rows
from geography.models import Municipality, Region


@pytest.fixture
def good(initiative_a, aarhus_kommune):
    def _row(**overrides):
        row = {
            "initiative": initiative_a, "party_kind": "municipality", "municipality": aarhus_kommune,
            "booking_date": datetime.date(2022, 5, 1), "kind": "expense", "amount": Decimal("10.00"),
            "account_code": "4.62.82", "voucher": "SYN-1", "text": "Syntetisk", "cost_kind": "development",
        }
        row.update(overrides)
        return row

    return _row


FIELD_CASES = [
    ({"initiative": None}, "initiative", "Vælg en indsats."),
    ({"initiative": None, "initiative_id": 999_999}, "initiative", "kører ikke i 2022"),
    ({"municipality": None}, "party", "Vælg kommunen."),
    ({"party_kind": "region", "municipality": None, "region_id": -5}, "party", "Kun Region Midtjylland"),
    ({"party_kind": ""}, "party", "Vælg en kommune eller regionen som part."),
    ({"booking_date": "i går"}, "booking_date", "Bogføringsdato mangler"),
    ({"booking_date": datetime.date(2021, 12, 31)}, "booking_date", "ligger ikke i regnskabsåret 2022"),
    ({"kind": "gave"}, "kind", "udgift eller indtægt"),
    ({"cost_kind": "andet"}, "cost_kind", "omkostningstype"),
    ({"amount": None}, "amount", "Beløbet mangler."),
    ({"amount": Decimal("0")}, "amount", "Beløbet skal være større end 0."),
    ({"amount": Decimal("1.001")}, "amount", "to decimaler"),
    ({"amount": "tolv kroner"}, "amount", "er ikke et beløb"),
    ({"amount": Decimal(10) ** 12}, "amount", "for stort"),
    ({"account_code": ""}, "account_code", "Kontonummer mangler."),
    ({"account_code": "Kaffe"}, "account_code", "kommunale kontoplan"),
    ({"voucher": "x" * 61}, "voucher", "højst være 60 tegn"),
    ({"text": "x" * 256}, "text", "højst være 255 tegn"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), FIELD_CASES)
def test_each_problem_names_its_field(cy_a, good, overrides, field, message):
    entries, problems = check_entry_rows(cluster_year=cy_a, rows=[good(), good(row_number=12, **overrides)])
    assert len(entries) == 1
    assert [p.field for p in problems] == [field]
    assert problems[0].row_number == 12
    assert message in problems[0].message
    assert str(problems[0]) == f"Række 12: {problems[0].message}"


def test_a_row_without_a_number_is_numbered_by_its_position(cy_a, good):
    _, problems = check_entry_rows(cluster_year=cy_a, rows=[good(), good(kind="gave", cost_kind="andet")])
    assert problems == [
        EntryProblem(2, "kind", "Arten skal være udgift eller indtægt."),
        EntryProblem(2, "cost_kind", "Vælg omkostningstype: udvikling, sekretariatsbetjening eller drift."),
    ]


def test_check_writes_nothing_and_reads_danish_amounts(cy_a, good, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        entries, problems = check_entry_rows(cluster_year=cy_a, rows=[good(amount="1.234,50")] * 50)
    assert problems == []
    assert {e.amount for e in entries} == {Decimal("1234.50")}
    assert all(e.pk is None for e in entries)
    assert Entry.objects.count() == 0


def test_codes_stand_for_the_party(cy_a, good, ref):
    rows = [
        good(municipality=None, municipality_code=751),
        good(party_kind="region", municipality=None, region_code=1082, account_code="1.10.11"),
        good(municipality=None, municipality_code=730, row_number=9),  # Randers: not in Aarhusklyngen
    ]
    entries, problems = check_entry_rows(cluster_year=cy_a, rows=rows)
    assert [e.municipality_id for e in entries] == [Municipality.objects.get(code=751).pk, None]
    assert entries[1].region_id == Region.objects.get(code=1082).pk
    assert problems == [EntryProblem(9, "party", "Kommunen deltager ikke i Aarhusklyngen i 2022.")]


def test_bulk_refusal_carries_the_problems(cy_a, good, users):
    rows = [good(), good(amount=Decimal("-1"), row_number=4)]
    with pytest.raises(EntryRowsRefused) as excinfo:
        services.entries_create_bulk(cluster_year=cy_a, rows=rows, created_by=users["secretariat_a"])
    assert isinstance(excinfo.value, ValidationError)
    assert excinfo.value.messages == ["Række 4: Beløbet skal være større end 0."]
    assert excinfo.value.problems == [EntryProblem(4, "amount", "Beløbet skal være større end 0.")]
    assert Entry.objects.count() == 0


def test_entry_create_keys_its_errors_by_field(entry_kwargs):
    with pytest.raises(ValidationError) as excinfo:
        services.entry_create(**entry_kwargs(amount=Decimal("0"), account_code="Kaffe"))
    assert set(excinfo.value.message_dict) == {"amount", "account_code"}
    assert excinfo.value.message_dict["amount"] == ["Beløbet skal være større end 0."]
