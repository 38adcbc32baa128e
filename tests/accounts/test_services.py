"""Rules of the accounts services: entries, reversals, bulk booking (synthetic data)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from accounts import services
from accounts.models import ClusterYear, CostKind, Entry, EntryKind, PartyKind
from accounts.selectors import cluster_year_summary
from geography.models import Municipality


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_cluster_year_get_or_create_is_idempotent(aarhus):
    first = services.cluster_year_get_or_create(cluster=aarhus, year=2022)
    second = services.cluster_year_get_or_create(cluster=aarhus, year=2022)
    assert first.pk == second.pk
    assert ClusterYear.objects.filter(cluster=aarhus, year=2022).count() == 1
    assert first.status == "draft"


def test_entry_create_stores_the_entry_as_entered(entry_kwargs):
    entry = services.entry_create(**entry_kwargs(account_code="4.62.82.1.01"))
    entry.refresh_from_db()
    assert entry.amount == Decimal("1234.50")
    assert entry.account_code == "4.62.82.1.01"
    assert entry.created_by.username == "sek_a"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": Decimal("0")}, "større end 0"),
        ({"amount": Decimal("-5.00")}, "større end 0"),
        ({"amount": Decimal("10.005")}, "to decimaler"),
        ({"booking_date": datetime.date(2023, 1, 2)}, "ligger ikke i regnskabsåret 2022"),
        ({"account_code": "Kaffe og kage"}, "kommunale kontoplan"),
        ({"party_kind": PartyKind.REGION, "municipality": None, "account_code": "abc"}, "regionale kontoplan"),
        ({"kind": "gift"}, "udgift eller indtægt"),
        ({"cost_kind": "andet"}, "omkostningstype"),
    ],
)
def test_entry_create_refuses_invalid_input_in_danish(entry_kwargs, ref, overrides, message):
    if overrides.get("party_kind") == PartyKind.REGION:
        from geography.models import Region

        overrides["region"] = Region.objects.get(code=1082)
    with pytest.raises(ValidationError) as excinfo:
        services.entry_create(**entry_kwargs(**overrides))
    assert message in messages_of(excinfo)
    assert Entry.objects.count() == 0


def test_entry_party_must_belong_to_the_cluster(entry_kwargs, ref):
    randers_kommune = Municipality.objects.get(code=730)
    with pytest.raises(ValidationError) as excinfo:
        services.entry_create(**entry_kwargs(municipality=randers_kommune))
    assert "deltager ikke i Aarhusklyngen" in messages_of(excinfo)
    from geography.models import Region

    with pytest.raises(ValidationError) as excinfo:
        services.entry_create(**entry_kwargs(
            party_kind=PartyKind.REGION, municipality=None, region=Region.objects.get(code=1084),
            account_code="1.10.11",
        ))
    assert "Kun Region Midtjylland" in messages_of(excinfo)


def test_entry_initiative_must_belong_to_the_cluster(entry_kwargs, initiative_b):
    with pytest.raises(ValidationError) as excinfo:
        services.entry_create(**entry_kwargs(initiative=initiative_b))
    assert "hører ikke til Aarhusklyngen" in messages_of(excinfo)


def test_only_own_secretariat_and_admin_may_book(entry_kwargs, users):
    for name in ("secretariat_b", "ssu_a", "national"):
        with pytest.raises(PermissionDenied):
            services.entry_create(**entry_kwargs(created_by=users[name]))
    assert Entry.objects.count() == 0
    services.entry_create(**entry_kwargs(created_by=users["admin"]))
    assert Entry.objects.count() == 1


def test_submitted_year_refuses_entries(entry_kwargs, cy_a):
    ClusterYear.objects.filter(pk=cy_a.pk).update(status="submitted")
    with pytest.raises(PermissionDenied) as excinfo:
        services.entry_create(**entry_kwargs())
    assert "Indsendt" in str(excinfo.value)


def test_reversal_nets_to_zero_and_keeps_both_rows(entry_kwargs, users, cy_a):
    entry = services.entry_create(**entry_kwargs(amount=Decimal("999.99")))
    reversal = services.entry_reverse(entry=entry, by=users["secretariat_a"])
    assert reversal.reverses_id == entry.pk
    assert reversal.amount == Decimal("-999.99")
    assert (reversal.kind, reversal.initiative_id, reversal.account_code) == (
        entry.kind, entry.initiative_id, entry.account_code)
    assert Entry.objects.filter(cluster_year=cy_a).count() == 2
    assert cluster_year_summary(cy_a).totals.spend == Decimal("0.00")


def test_an_entry_is_reversed_once_and_a_reversal_is_not_reversed(entry_kwargs, users):
    entry = services.entry_create(**entry_kwargs())
    reversal = services.entry_reverse(entry=entry, by=users["secretariat_a"])
    with pytest.raises(ValidationError) as excinfo:
        services.entry_reverse(entry=entry, by=users["secretariat_a"])
    assert "allerede tilbageført" in messages_of(excinfo)
    with pytest.raises(ValidationError):
        services.entry_reverse(entry=reversal, by=users["secretariat_a"])
    assert Entry.objects.count() == 2


def test_the_database_refuses_a_second_reversal(entry_kwargs, users):
    entry = services.entry_create(**entry_kwargs())
    services.entry_reverse(entry=entry, by=users["secretariat_a"])
    fields = {key: value for key, value in entry_kwargs().items() if key != "confirmed"}
    second = Entry(**{**fields, "amount": Decimal("-1234.50"), "reverses": entry})
    with pytest.raises(IntegrityError):
        second.save()


def test_bulk_create_books_all_rows_with_a_fixed_number_of_queries(
    entry_kwargs, initiative_a, aarhus_kommune, users, cy_a, django_assert_max_num_queries
):
    rows = [
        {
            "initiative_id": initiative_a.pk, "party_kind": "municipality", "municipality_code": 751,
            "booking_date": datetime.date(2022, 1 + i % 12, 1 + i % 28), "kind": EntryKind.EXPENSE,
            "amount": Decimal(i + 1) / 4, "account_code": "4.62.82", "voucher": f"SYN-{i}",
            "text": "Syntetisk importrække", "cost_kind": CostKind.DEVELOPMENT,
        }
        for i in range(5000)
    ]
    # lock + initiatives + memberships + 3 inserts of 2000 (+ savepoint bookkeeping)
    with django_assert_max_num_queries(10):
        created = services.entries_create_bulk(cluster_year=cy_a, rows=rows, created_by=users["secretariat_a"])
    assert len(created) == 5000
    assert Entry.objects.filter(cluster_year=cy_a).count() == 5000
    assert cluster_year_summary(cy_a).totals.spend == sum((r["amount"] for r in rows), Decimal(0))


def test_bulk_create_is_all_or_nothing_and_names_the_rows(initiative_a, users, cy_a):
    good = {
        "initiative": initiative_a, "party_kind": "municipality", "municipality_code": 751,
        "booking_date": datetime.date(2022, 5, 1), "kind": "expense", "amount": Decimal("10.00"),
        "account_code": "4.62.82", "cost_kind": "development",
    }
    rows = [good, {**good, "amount": Decimal("1.001"), "row_number": 7}, {**good, "municipality_code": 730}]
    with pytest.raises(ValidationError) as excinfo:
        services.entries_create_bulk(cluster_year=cy_a, rows=rows, created_by=users["secretariat_a"])
    text = messages_of(excinfo)
    assert "Række 7: Beløbet må højst have to decimaler" in text
    assert "Række 3: Kommunen deltager ikke" in text
    assert Entry.objects.count() == 0


def test_history_records_who_also_outside_a_request(initiative_a, users, cy_a, aarhus_kommune):
    line = services.budget_line_set(cluster_year=cy_a, by=users["admin"], initiative=initiative_a, source="local",
                                    party_kind="municipality", municipality=aarhus_kommune, amount=Decimal("10.00"))
    services.budget_line_update(line=line, by=users["secretariat_a"], amount=Decimal("20.00"))
    assert [h.history_user for h in line.history.order_by("history_date")] == [users["admin"], users["secretariat_a"]]
    assert initiative_a.history.get().history_user == users["secretariat_a"]


def test_multi_year_initiative_counts_in_its_area_next_year(users, cy_a, area, aarhus, aarhus_kommune):
    from accounts.models import Initiative

    initiative = services.initiative_create(
        cluster_year=cy_a, by=users["secretariat_a"], name="Syntetisk flerårig indsats", area=area,
        responsible=Initiative.Responsible.CLUSTER, status="active", first_year=2022, last_year=2023,
    )
    cy_2023 = services.cluster_year_get_or_create(cluster=aarhus, year=2023)
    services.entry_create(
        cluster_year=cy_2023, initiative=initiative, party_kind="municipality", municipality=aarhus_kommune,
        booking_date=datetime.date(2023, 2, 1), kind="expense", amount=Decimal("75.00"), account_code="4.62.82",
        cost_kind="development", created_by=users["secretariat_a"], confirmed=True,
    )
    rows = [row for row in cluster_year_summary(cy_2023).by_area if row.label == "Akutområdet"]
    assert len(rows) == 1 and rows[0].spend == Decimal("75.00")


def test_import_batch_reverse_reverses_each_open_entry_once(initiative_a, users, cy_a):
    from accounts.models import ImportBatch

    batch = ImportBatch.objects.create(cluster_year=cy_a, filename="syntetisk.xlsx", sha256="0" * 64, rows=3,
                                       total=Decimal("60.00"), imported_by=users["secretariat_a"])
    rows = [{"initiative": initiative_a, "party_kind": "municipality", "municipality_code": 751,
             "booking_date": datetime.date(2022, 5, 1), "kind": "expense", "amount": Decimal(amount),
             "account_code": "4.62.82", "cost_kind": "development", "text": "Syntetisk import"}
            for amount in ("10.00", "20.00", "30.00")]
    created = services.entries_create_bulk(cluster_year=cy_a, rows=rows, created_by=users["secretariat_a"],
                                           import_batch=batch)
    services.entry_reverse(entry=created[0], by=users["secretariat_a"])  # already reversed by hand
    reversals = services.import_batch_reverse(import_batch=batch, by=users["secretariat_a"])
    assert len(reversals) == 2
    assert cluster_year_summary(cy_a).totals.spend == Decimal("0.00")
    batch.refresh_from_db()
    assert batch.reversed_by == users["secretariat_a"] and batch.reversed_at is not None
    with pytest.raises(ValidationError):
        services.import_batch_reverse(import_batch=batch, by=users["secretariat_a"])
    assert Entry.objects.count() == 6


def test_initiative_names_are_unique_in_the_cluster_with_a_danish_message(initiative_a, users, cy_a, area):
    with pytest.raises(ValidationError) as excinfo:
        services.initiative_create(cluster_year=cy_a, by=users["secretariat_a"], name="syntetisk AKUTTEAM",
                                   area=area, responsible="cluster", status="planned")
    assert excinfo.value.message_dict["name"] == ["Klyngen har allerede en indsats med det navn."]
