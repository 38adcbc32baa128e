"""The import's page shows its expenses and its income apart, never added into one «i alt» (issue 15, part 7)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import ImportBatch
from workbook.importer import commit_file
from workbook.selectors import import_batch_amounts

from .helpers import export_bytes, fill
from .test_importer import good

pytestmark = pytest.mark.django_db


def test_import_page_shows_expenses_and_income_apart(ledger, client_for, django_assert_num_queries):
    data = fill(export_bytes(ledger.cy, blank=True), [
        good(amount="1.234,50"), good(voucher="S-2", amount=10), good(voucher="S-3", kind="Indtægt", amount=300),
    ])
    commit_file(cluster_year=ledger.cy, data=data, filename="syntetisk.xlsx", user=ledger.secretariat)
    batch = ImportBatch.objects.get()
    assert import_batch_amounts(batch) == {"expense": Decimal("1244.50"), "income": Decimal("300.00")}

    client = client_for(ledger.secretariat)
    url = reverse("workbook:import_detail", args=[batch.pk])
    client.get(url)
    # session, user, batch, cluster-year, header's cluster and region, and the import's two amounts
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert '<dt>Udgifter</dt><dd class="num">1.244,50 kr.</dd>' in html
    assert '<dt>Indtægter</dt><dd class="num">300,00 kr.</dd>' in html
    assert "1.544,50" not in html  # expenses + income is no figure of the accounts
    assert "i alt" not in html
