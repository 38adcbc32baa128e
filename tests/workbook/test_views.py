"""Pages: downloads by scope, upload → preview → Indlæs, the error list, import detail, reversal, the panel."""
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Entry, ImportBatch
from users.models import Role
from workbook.models import PendingUpload

from .helpers import counts, export_bytes, fill
from .test_importer import good

pytestmark = pytest.mark.django_db


def upload(client, cluster_year, data: bytes, name="regnskab.xlsx", **extra):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("workbook:import_upload", args=[cluster_year.pk]), {"file": f, **extra})


@pytest.mark.parametrize("name", ["workbook:template", "workbook:export"])
def test_downloads_follow_the_cluster_scope(ledger, make_user, client_for, name, django_assert_max_num_queries):
    url = reverse(name, args=[ledger.cy.pk])
    ssu = make_user(Role.SSU, region=ledger.cluster.region)
    for user in (ledger.secretariat, ssu, ledger.admin):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert ".xlsx" in response["Content-Disposition"] and "lillebaelt" in response["Content-Disposition"]
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert wb.sheetnames[2] == "Regnskab"
    assert client_for(ledger.other_secretariat).get(url).status_code == 404
    other_ssu = make_user(Role.SSU, region=ledger.kolding.region.__class__.objects.get(code=1084))
    assert client_for(other_ssu).get(url).status_code == 404


def test_upload_page_query_count(ledger, client_for, django_assert_num_queries):
    client = client_for(ledger.secretariat)
    url = reverse("workbook:import_upload", args=[ledger.cy.pk])
    client.get(url)
    # session, user, cluster-year, imports; the page header's user.cluster and its region
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def book(client, cluster_year, data: bytes, name="regnskab.xlsx", accept=(), **extra):
    """Upload, see the preview, press «Indlæs»: the responses of the three steps."""
    uploaded = upload(client, cluster_year, data, name=name, **extra)
    assert uploaded.status_code == 302, uploaded.content.decode()[:2000]
    shown = client.get(uploaded["Location"])
    return uploaded, shown, client.post(uploaded["Location"], {"accept": list(accept)})


def test_upload_of_a_clean_file_shows_the_preview_then_books_it(ledger, client_for):
    client = client_for(ledger.secretariat)
    data = fill(export_bytes(ledger.cy, blank=True), [good(amount="1.234,50"), good(voucher="S-2", amount=10)])
    before = counts()
    uploaded = upload(client, ledger.cy, data, name="min fil.xlsx")
    pending = PendingUpload.objects.get()
    assert uploaded["Location"] == reverse("workbook:import_preview", args=[ledger.cy.pk, pending.pk])
    assert bytes(pending.content) == data and len(pending.sha256) == 64 and counts() == before
    html = client.get(uploaded["Location"]).content.decode()
    assert counts() == before, "the preview books nothing"
    assert '<tr data-sheet="Regnskab"><th scope="row">Regnskab</th><td class="num" data-count="new">2</td>' in html
    assert "Forhåndsvisning: min fil.xlsx" in html and ">Indlæs</button>" in html
    # before → after with expenses and income apart: Syntetisk akutteam's expenses 62.345,67 → 63.590,17
    assert "<th scope=\"row\">Syntetisk akutteam</th><td class=\"num\">62.345,67</td><td class=\"num\">63.590,17</td>" in html
    response = client.post(uploaded["Location"])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workbook:import_detail", args=[batch.pk])
    text = [str(m) for m in get_messages(response.wsgi_request)][0]
    assert text.startswith("Filen min fil.xlsx er indlæst (Regnskab: 2 nye, 0 uændrede, 0 ændrede, 0 ikke i filen")
    assert batch.entries.count() == 2 and not PendingUpload.objects.exists()
    detail = client.get(response["Location"]).content.decode()
    entries_url = reverse("accounts:entry_list", args=[ledger.cy.pk]) + f"?import_batch={batch.pk}"
    assert entries_url in detail and reverse("workbook:import_reverse", args=[batch.pk]) in detail
    listed = client.get(entries_url).content.decode()
    assert "2 posteringer efter filter" in listed


def test_upload_with_errors_lists_sheet_cell_and_problem(ledger, client_for):
    data = fill(export_bytes(ledger.cy, blank=True), [good(), good(amount="ca. 500", voucher="S-3")])
    before = counts()
    client = client_for(ledger.secretariat)
    response = upload(client, ledger.cy, data)
    html = client.get(response["Location"]).content.decode()
    assert counts() == before
    assert "Filen kan ikke indlæses: 1 fejl." in html and "Intet gemmes" in html
    assert "<td>Regnskab</td><td>H3</td><td>«ca. 500» er ikke et beløb" in html
    assert ">Indlæs</button>" not in html
    client.post(response["Location"])  # pressing it anyway books nothing
    assert counts() == before


def test_upload_of_a_bad_file_shows_the_refusal(ledger, client_for):
    before = counts()
    response = upload(client_for(ledger.secretariat), ledger.cy, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert response.status_code == 400 and counts() == before
    assert "ældre binær Excel-fil (.xls)" in response.content.decode()


def test_a_30_mb_upload_is_refused(ledger, client_for):
    before = counts()
    response = upload(client_for(ledger.secretariat), ledger.cy, b"PK\x03\x04" + b"\0" * (30 * 1024 * 1024))
    assert response.status_code == 400 and counts() == before
    assert "grænsen er 20,0 MB" in response.content.decode()


def test_the_same_export_again_has_nothing_to_import(ledger, client_for):
    client = client_for(ledger.secretariat)
    before = counts()
    response = upload(client, ledger.cy, export_bytes(ledger.cy))
    html = client.get(response["Location"]).content.decode()
    assert "Intet at indlæse: filen svarer til regnskabet." in html and ">Indlæs</button>" not in html
    assert 'data-count="unchanged">7</td>' in html
    client.post(response["Location"])
    assert counts() == before


def test_warnings_are_booked_only_when_accepted(ledger, client_for):
    # Row 2 equals the standing entry B-1 (typed into the blank template, so without Portal-nr.)
    booked = good(date=datetime.datetime(2022, 3, 15), account="4.62.82.1.01", amount=12345.67,
                  text="Syntetisk løn akutteam", voucher="B-1")
    data = fill(export_bytes(ledger.cy, blank=True), [booked, good(voucher="S-9")])
    client = client_for(ledger.secretariat)
    _, shown, done = book(client, ledger.cy, data)
    html = shown.content.decode()
    assert 'name="accept" value="Regnskab!A2"' in html and "bogført allerede" in html
    assert ImportBatch.objects.get().entries.count() == 1  # the warned row dropped by default
    _, _, done = book(client, ledger.cy, data, accept=["Regnskab!A2"])
    # S-9 was booked by the first upload of this very file: unchanged now; only the accepted row is booked.
    assert ImportBatch.objects.order_by("-id").first().entries.get().voucher == "B-1"


def test_a_ledger_changed_since_the_preview_is_refused(ledger, client_for):
    from accounts import services
    from tests import factories

    client = client_for(ledger.secretariat)
    data = fill(export_bytes(ledger.cy, blank=True), [good()])
    response = upload(client, ledger.cy, data)
    client.get(response["Location"])
    akut = ledger.initiatives["Syntetisk akutteam"]
    services.entries_create_bulk(cluster_year=ledger.cy, created_by=ledger.secretariat, rows=[
        factories.booking_row(akut, ledger.billund, datetime.date(2022, 8, 1), "expense", "5.00", "4.62.82",
                              "Syntetisk i mellemtiden", "M-1")])
    before = counts()
    done = client.post(response["Location"], follow=True)
    assert "Regnskabet er ændret siden forhåndsvisningen; indlæs filen igen." in done.content.decode()
    assert counts() == before and not PendingUpload.objects.exists()


def test_preview_queries_do_not_grow_with_the_rows(ledger, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(ledger.secretariat)
    planned = []
    for n in (2, 40):
        data = fill(export_bytes(ledger.cy, blank=True), [good(voucher=f"Q-{i}") for i in range(n)])
        url = upload(client, ledger.cy, data)["Location"]
        # Kept with the upload (workbook.plan_store): session, user, cluster-year, upload, the ledger's
        # fingerprint, the page header's cluster and region.
        with django_assert_num_queries(7):
            assert client.get(url).status_code == 200
        PendingUpload.objects.update(preview=None)  # planned again, as after a change of the ledger
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        planned.append(len(queries))
    assert planned[0] == planned[1]


def test_upload_refused_for_readers_and_in_review(ledger, make_user, client_for):
    data = fill(export_bytes(ledger.cy, blank=True), [good()])
    ssu = make_user(Role.SSU, region=ledger.cluster.region)
    assert upload(client_for(ssu), ledger.cy, data).status_code == 403
    page = client_for(ssu).get(reverse("workbook:import_upload", args=[ledger.cy.pk]))
    assert "Du har ikke adgang til denne handling." in page.content.decode()
    assert upload(client_for(ledger.other_secretariat), ledger.cy, data).status_code == 404
    previewed = upload(client_for(ledger.secretariat), ledger.cy, data)["Location"]
    ledger.cy.__class__.objects.filter(pk=ledger.cy.pk).update(status="submitted")
    response = upload(client_for(ledger.secretariat), ledger.cy, data)
    assert response.status_code == 403 and Entry.objects.filter(import_batch__isnull=False).count() == 0
    # A preview made before the submission cannot be booked after it.
    assert client_for(ledger.secretariat).post(previewed).status_code in (403, 404)
    assert Entry.objects.filter(import_batch__isnull=False).count() == 0


def test_reverse_an_import_from_the_page(ledger, client_for, django_assert_num_queries):
    data = fill(export_bytes(ledger.cy, blank=True), [good(), good(voucher="S-2")])
    client = client_for(ledger.secretariat)
    book(client, ledger.cy, data)
    batch = ImportBatch.objects.get()
    detail = reverse("workbook:import_detail", args=[batch.pk])
    confirm = reverse("workbook:import_reverse", args=[batch.pk])
    with django_assert_num_queries(7):  # session, user, batch, cluster-year, header's cluster, region, sums
        page = client.get(detail)
    assert confirm in page.content.decode()
    assert "modposteres" in client.get(confirm).content.decode()
    assert client_for(ledger.other_secretariat).post(confirm).status_code == 404
    response = client.post(confirm)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.reversed_at is not None and batch.reversed_by == ledger.secretariat
    assert Entry.objects.filter(reverses__import_batch=batch).count() == 2
    assert batch.entries.count() == 2  # the originals stay
    again = client.post(confirm, follow=True)
    assert "allerede tilbageført" in again.content.decode()
    assert Entry.objects.filter(reverses__import_batch=batch).count() == 2


def test_the_panel_links_and_lists_imports(ledger, client_for, django_assert_num_queries):
    data = fill(export_bytes(ledger.cy, blank=True), [good()])
    book(client_for(ledger.secretariat), ledger.cy, data, name="panel.xlsx")
    batch = ImportBatch.objects.get()
    request = RequestFactory().get("/")
    request.user = ledger.secretariat
    cy = ledger.cy.__class__.objects.select_related("cluster__region").get(pk=ledger.cy.pk)
    with django_assert_num_queries(1):
        html = render_to_string("workbook/includes/cluster_year_panel.html",
                                {"cluster_year": cy, "perms_for_user": {}, "request": request})
    assert reverse("workbook:template", args=[cy.pk]) in html
    assert reverse("workbook:export", args=[cy.pk]) in html
    assert reverse("workbook:import_upload", args=[cy.pk]) in html
    assert "panel.xlsx" in html and "Tilbagefør import" in html
    assert reverse("workbook:import_reverse", args=[batch.pk]) in html
    reader = ledger.admin.__class__.objects.create_user(username="wb_national", role=Role.NATIONAL)
    request.user = reader
    html = render_to_string("workbook/includes/cluster_year_panel.html",
                            {"cluster_year": cy, "perms_for_user": {}, "request": request})
    assert "Tilbagefør import" not in html and 'name="file"' not in html
    assert reverse("workbook:export", args=[cy.pk]) in html


def test_the_cluster_year_page_shows_the_panel(ledger, client_for):
    response = client_for(ledger.secretariat).get(reverse("accounts:cluster_year_detail", args=[ledger.cy.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="excel"' in html and reverse("workbook:template", args=[ledger.cy.pk]) in html
    assert reverse("workbook:import_upload", args=[ledger.cy.pk]) in html
