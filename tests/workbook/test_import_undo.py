"""«Tilbagefør import» undoes the whole import's ledger effect.

The reversals an import makes (changed and removed rows) carry its batch; undoing it reverses its new
entries and books each entry it reversed again, equal to the original. When a later booking has
reversed one of its entries, the undo is refused with a Danish reason. Budget lines and commitments
are not undone: the confirm page says so.
"""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Entry
from accounts.selectors import cluster_year_summary
from workbook.selectors import live_entries

from .helpers import commit, edit, export_bytes
from .test_rows import NEW, append_row, change_amount, delete_row

pytestmark = pytest.mark.django_db


def standing(cluster_year) -> list[tuple]:
    return sorted((e.initiative_id, e.party_kind, e.municipality_id, e.region_id, e.booking_date, e.kind, e.amount,
                   e.account_code, e.voucher, e.text, e.cost_kind) for e in live_entries(cluster_year))


def round_file(ledger) -> bytes:
    return edit(export_bytes(ledger.cy), lambda wb: (append_row(NEW)(wb), change_amount("B-1", 12000)(wb),
                                                     delete_row("R-8")(wb)))


def test_undo_reverses_the_new_entries_and_books_the_reversed_ones_again(ledger):
    before, totals = standing(ledger.cy), cluster_year_summary(ledger.cy).totals
    result = commit(ledger.cy, round_file(ledger), ledger.secretariat, reverse_removed=True)
    batch = result.batch
    reversed_by_import = set(Entry.objects.filter(reversed_by__import_batch=batch).values_list("voucher", flat=True))
    assert reversed_by_import == {"B-1", "R-8"}
    assert standing(ledger.cy) != before
    services.import_batch_reverse(import_batch=batch, by=ledger.secretariat)
    assert standing(ledger.cy) == before  # the ledger stands as before the import, field by field
    after = cluster_year_summary(ledger.cy).totals
    assert (after.spend, after.budget) == (totals.spend, totals.budget)
    batch.refresh_from_db()
    assert batch.reversed_by == ledger.secretariat
    with pytest.raises(ValidationError):
        services.import_batch_reverse(import_batch=batch, by=ledger.secretariat)


def test_undo_is_refused_when_a_later_booking_reversed_one_of_its_entries(ledger):
    result = commit(ledger.cy, round_file(ledger), ledger.secretariat)
    new_b1 = result.batch.entries.get(voucher="B-1", reverses__isnull=True)
    services.entry_reverse(entry=new_b1, by=ledger.secretariat)  # corrected by hand afterwards
    count = Entry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.import_batch_reverse(import_batch=result.batch, by=ledger.secretariat)
    assert "kan ikke tilbageføres" in " ".join(refused.value.messages)
    assert Entry.objects.count() == count
    result.batch.refresh_from_db()
    assert result.batch.reversed_at is None


def test_the_confirm_page_lists_what_is_undone_and_undoes_it(ledger, client):
    before = standing(ledger.cy)
    result = commit(ledger.cy, round_file(ledger), ledger.secretariat)
    client.force_login(ledger.secretariat)
    confirm = reverse("workbook:import_reverse", args=[result.batch.pk])
    page = client.get(confirm).content.decode()
    assert "tilbageføres ikke" not in page and "bogføres igen" in page
    assert "ikke registreret nogen ændring af budgetlinjer" in page and "ikke registreret nogen ændring af tilsagn" in page
    response = client.post(confirm, follow=True)
    assert response.status_code == 200
    assert f"Importen {result.batch.filename} er tilbageført: 2 modposteringer, 1 erstattet postering bogført igen." in response.content.decode()
    assert standing(ledger.cy) == before
    assert Entry.objects.filter(voucher="B-1", amount=Decimal("12345.67"), reverses__isnull=True,
                                reversed_by__isnull=True).count() == 1


def test_a_reversal_by_entry_reverse_carries_the_import_batch_of_its_own_cluster_year_only(ledger):
    result = commit(ledger.cy, edit(export_bytes(ledger.cy), append_row(NEW)), ledger.secretariat)
    entry = Entry.objects.get(cluster_year=ledger.cy, voucher="B-2")
    reversal = services.entry_reverse(entry=entry, by=ledger.secretariat, import_batch=result.batch)
    assert reversal.import_batch == result.batch
    from tests import factories

    other = factories.cluster_year(ledger.target_cluster, 2022)
    other_batch = type(result.batch).objects.create(cluster_year=other, filename="x.xlsx", sha256="1" * 64, rows=0,
                                                   total=Decimal("0"), imported_by=ledger.admin)
    with pytest.raises(ValidationError):
        services.entry_reverse(entry=Entry.objects.get(voucher="B-1"), by=ledger.secretariat,
                               import_batch=other_batch)


def test_the_imports_amounts_are_what_it_booked_not_its_reversals(ledger):
    from workbook.selectors import import_batch_amounts

    result = commit(ledger.cy, edit(export_bytes(ledger.cy), change_amount("B-1", 12000)), ledger.secretariat)
    assert result.batch.entries.count() == 2  # the new entry and the reversal of the old one
    assert import_batch_amounts(result.batch) == {"expense": Decimal("12000.00"), "income": Decimal("0.00")}
