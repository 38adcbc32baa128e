"""The import preview kept with its upload (issue 16): served while the ledger stands still, planned again after.

``workbook.plan_store`` keeps the page's result on the ``PendingUpload`` row, keyed by the file's sha256,
the ledger's fingerprint (``workbook.selectors.ledger_fingerprint``) and the user's rights. Every change
here goes through the accounts' services, as a user's would.
"""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import BudgetControl, BudgetLine, ClusterYear, Entry, ImportBatch, InitiativeArea
from accounts.services.budget_control import budget_control_set
from accounts.services.phasing import budget_phasing_set
from tests import factories
from users.models import Role
from workbook.models import PendingUpload
from workbook.selectors import ledger_fingerprint

from .helpers import counts, export_bytes, fill
from .test_importer import good
from .test_views import upload

pytestmark = pytest.mark.django_db

# Syntetisk akutteam's standing expenses, then with the file's two rows (1.234,50 and 10,00).
AKUT_BEFORE_AFTER = '<th scope="row">Syntetisk akutteam</th><td class="num">62.345,67</td><td class="num">63.590,17</td>'
# The same after 5,00 kr. more is booked on it in the portal.
AKUT_LATER = '<th scope="row">Syntetisk akutteam</th><td class="num">62.350,67</td><td class="num">63.595,17</td>'
STORED_PAGE_QUERIES = 7  # session, user, cluster-year, upload, fingerprint, the page header's cluster and region


def two_rows(ledger) -> bytes:
    return fill(export_bytes(ledger.cy, blank=True), [good(amount="1.234,50"), good(voucher="S-2", amount=10)])


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:2000]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def book_five_kroner(ledger, text="Syntetisk i mellemtiden"):
    akut = ledger.initiatives["Syntetisk akutteam"]
    return services.entries_create_bulk(cluster_year=ledger.cy, created_by=ledger.secretariat, rows=[
        factories.booking_row(akut, ledger.billund, datetime.date(2022, 8, 1), "expense", "5.00", "4.62.82",
                              text, "M-1")])[0]


def test_the_upload_stores_the_preview_and_the_page_is_served_from_it(ledger, client_for,
                                                                         django_assert_num_queries):
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, two_rows(ledger))["Location"]
    pending = PendingUpload.objects.get()
    assert pending.preview["key"].endswith(f"|{ledger_fingerprint(ledger.cy)}|secretariat:{ledger.cluster.pk}:None")
    assert pending.preview["key"].split("|")[1] == pending.sha256
    with django_assert_num_queries(STORED_PAGE_QUERIES):  # the first GET too: the upload's POST planned it
        first = page(client, url)
    assert AKUT_BEFORE_AFTER in first and ">Indlæs</button>" in first
    # The stored file made unreadable: a page that read it again would refuse it; the kept preview does not.
    PendingUpload.objects.filter(pk=pending.pk).update(content=b"not a workbook")
    with django_assert_num_queries(STORED_PAGE_QUERIES):
        again = page(client, url)
    assert again == first


def test_the_stored_page_is_the_page_planned_afresh(ledger, client_for):
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, two_rows(ledger))["Location"]
    stored = page(client, url)
    PendingUpload.objects.update(preview=None)  # as an upload kept before this change would be
    fresh = page(client, url)
    assert fresh == stored
    assert PendingUpload.objects.get().preview is not None, "the plan is kept for the next GET"


def test_money_is_kept_as_decimal_strings(ledger, client_for):
    client = client_for(ledger.secretariat)
    upload(client, ledger.cy, two_rows(ledger))
    totals = PendingUpload.objects.get().preview["totals"]
    akut = next(row for row in totals["by_initiative"] if row["label"] == "Syntetisk akutteam")
    assert isinstance(akut["expenses_before"], str) and isinstance(akut["expenses_after"], str)
    assert (Decimal(akut["expenses_before"]), Decimal(akut["expenses_after"])) == (Decimal("62345.67"),
                                                                                   Decimal("63590.17"))
    assert all(isinstance(value, str) for row in [totals["total"], *totals["by_party"]]
               for key, value in row.items() if key != "label")
    total = totals["total"]
    assert Decimal(total["expenses_after"]) - Decimal(total["expenses_before"]) == Decimal("1244.50")


def test_a_ledger_change_plans_again_and_shows_the_new_state(ledger, client_for, django_assert_num_queries):
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, two_rows(ledger))["Location"]
    assert AKUT_BEFORE_AFTER in page(client, url)
    old_key = PendingUpload.objects.get().preview["key"]
    book_five_kroner(ledger)
    html = page(client, url)
    assert AKUT_LATER in html and AKUT_BEFORE_AFTER not in html
    pending = PendingUpload.objects.get()
    assert pending.preview["key"] != old_key and pending.ledger_fingerprint == ledger_fingerprint(ledger.cy)
    with django_assert_num_queries(STORED_PAGE_QUERIES):  # kept again: served from the new plan
        assert page(client, url) == html
    # «Indlæs» after that preview books exactly what it showed.
    before = counts()
    done = client.post(url)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert counts() == (before[0] + 2, before[1] + 1)


def test_indlaes_refuses_after_a_ledger_change_until_a_new_preview(ledger, client_for):
    client = client_for(ledger.secretariat)
    data = two_rows(ledger)
    url = upload(client, ledger.cy, data)["Location"]
    page(client, url)
    book_five_kroner(ledger)
    before = counts()
    refused = client.post(url, follow=True).content.decode()
    assert "Regnskabet er ændret siden forhåndsvisningen; indlæs filen igen." in refused
    assert counts() == before and not PendingUpload.objects.exists()
    url = upload(client, ledger.cy, data)["Location"]
    assert AKUT_LATER in page(client, url)
    assert client.post(url).status_code == 302
    assert counts() == (before[0] + 2, before[1] + 1)


def test_indlaes_refuses_a_ledger_changed_between_the_upload_and_its_first_page(ledger, client_for):
    """The upload's POST plans and keeps the preview; the ledger changes before the page is seen."""
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, two_rows(ledger))["Location"]
    book_five_kroner(ledger)
    before = counts()
    assert "Regnskabet er ændret" in client.post(url, follow=True).content.decode()
    assert counts() == before


def test_a_change_of_the_users_rights_plans_again(ledger, client_for):
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, two_rows(ledger))["Location"]
    old_key = PendingUpload.objects.get().preview["key"]
    user = ledger.secretariat
    user.role = Role.ADMIN
    user.save()
    page(client, url)
    assert PendingUpload.objects.get().preview["key"] == old_key.replace(
        f"|secretariat:{ledger.cluster.pk}:", f"|admin:{ledger.cluster.pk}:")
    user.role, user.cluster = Role.SECRETARIAT, ledger.target_cluster
    user.save()
    assert client.get(url).status_code == 404  # another cluster's secretariat: not its upload to see


def test_a_submitted_cluster_year_shows_no_stored_preview(ledger, client_for):
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, two_rows(ledger))["Location"]
    ClusterYear.objects.filter(pk=ledger.cy.pk).update(status="submitted")
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403 and Entry.objects.filter(import_batch__isnull=False).count() == 0


# --- what the fingerprint covers: each change through its service -----------------------------------

def _line(ledger, municipality="Billund"):
    return BudgetLine.objects.get(cluster_year=ledger.cy, initiative__name="Syntetisk akutteam",
                                  municipality__name=municipality)


def _import_and_reverse(ledger):
    from accounts.services import import_batch_reverse
    from tests.workbook.helpers import run_import

    run_import(ledger.cy, fill(export_bytes(ledger.cy, blank=True), [good(voucher="I-1")]), ledger.secretariat)
    import_batch_reverse(import_batch=ImportBatch.objects.get(), by=ledger.secretariat)


def _new_area(ledger):
    InitiativeArea.objects.create(year=ledger.cy.year, name="Syntetisk nyt område", sort_order=99)


CHANGES = {
    "entry booked": book_five_kroner,
    "entry reversed": lambda ledger: services.entry_reverse(entry=ledger.entries[0], by=ledger.secretariat,
                                                             text="Syntetisk"),
    "import reversed": _import_and_reverse,
    "budget line changed": lambda ledger: services.budget_line_update(line=_line(ledger), by=ledger.secretariat,
                                                                      amount=Decimal("100000.01")),
    "budget line removed": lambda ledger: services.budget_line_remove(line=_line(ledger), by=ledger.secretariat),
    "budget line added": lambda ledger: factories.budget_line(
        ledger.cy, ledger.initiatives["Syntetisk akutteam"], by=ledger.secretariat, municipality=ledger.vejen,
        amount=Decimal("10.00")),
    "budget phased": lambda ledger: budget_phasing_set(
        line=_line(ledger), by=ledger.secretariat,
        months={m: Decimal("10000.00") if m <= 10 else Decimal("0.00") for m in range(1, 13)}),
    "initiative changed": lambda ledger: services.initiative_update(
        initiative=ledger.initiatives["Syntetisk akutteam"], cluster_year=ledger.cy, by=ledger.secretariat,
        name="Syntetisk akutteam 2"),
    "initiative created": lambda ledger: factories.initiative(ledger.cy, by=ledger.secretariat,
                                                              name="Syntetisk ny indsats"),
    "area added": _new_area,
    "funding line added": lambda ledger: factories.funding_line(
        ledger.cy, by=ledger.secretariat, source="local", municipality=ledger.billund, paid=Decimal("1.00")),
    "commitment recorded": lambda ledger: factories.commitment(ledger.cy, by=ledger.secretariat,
                                                               municipality=ledger.billund, amount=Decimal("1.00")),
    "budget control": lambda ledger: budget_control_set(cluster_year=ledger.cy, by=ledger.secretariat,
                                                        budget_control=BudgetControl.STOP,
                                                        large_entry_share=ledger.cy.large_entry_share),
    "large entry share": lambda ledger: budget_control_set(cluster_year=ledger.cy, by=ledger.secretariat,
                                                           budget_control=ledger.cy.budget_control,
                                                           large_entry_share=Decimal("1.00")),
    "status": lambda ledger: ClusterYear.objects.filter(pk=ledger.cy.pk).update(status="returned"),
    "year closed": lambda ledger: ClusterYear.objects.filter(pk=ledger.cy.pk).update(
        closed_at=datetime.datetime(2023, 1, 2, tzinfo=datetime.UTC)),
}


@pytest.mark.parametrize("change", CHANGES)
def test_the_fingerprint_changes_with_what_the_plan_reads(ledger, change):
    if change == "commitment recorded":  # Billund needs unspent money to commit
        factories.funding_line(ledger.cy, by=ledger.secretariat, source="local", municipality=ledger.billund,
                               paid=Decimal("100000.00"))
    before = ledger_fingerprint(ledger.cy)
    assert ledger_fingerprint(ClusterYear.objects.get(pk=ledger.cy.pk)) == before, "a fixed state, a fixed print"
    CHANGES[change](ledger)
    assert ledger_fingerprint(ClusterYear.objects.get(pk=ledger.cy.pk)) != before


def test_the_fingerprint_is_one_query_and_ignores_other_cluster_years(ledger, django_assert_num_queries):
    other = factories.cluster_year(ledger.target_cluster, 2022)
    before = ledger_fingerprint(ledger.cy)
    with django_assert_num_queries(1):
        ledger_fingerprint(ledger.cy)
    factories.funding_line(other, by=ledger.other_secretariat, source="local", municipality=ledger.billund,
                           paid=Decimal("1.00"))
    assert ledger_fingerprint(ledger.cy) == before


@pytest.mark.parametrize("change, shown", [
    ("budget control", "Budgetkontrollen står på «Stop»"),
    ("budget line changed", '<th scope="row">Budget</th><td class="num" data-count="new">0</td>'
                            '<td class="num" data-count="unchanged">4</td><td class="num" data-count="changed">1</td>'),
])
def test_the_page_after_a_change_is_the_new_plan(ledger, client_for, change, shown):
    """A file whose rows overrun Kolding's budget; the control then set to «Stop», or a budget line changed."""
    from tests.workbook.test_import_control import mixed, set_control

    set_control(ledger, BudgetControl.WARN)
    client = client_for(ledger.secretariat)
    url = upload(client, ledger.cy, fill(export_bytes(ledger.cy), mixed(), start_row=20))["Location"]
    first = page(client, url)
    assert shown not in first
    CHANGES[change](ledger)
    after = page(client, url)
    assert shown in after
    assert reverse("workbook:import_upload", args=[ledger.cy.pk]) in after
