import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from allocation.models import AllocationRound
from tests.conftest import get_cluster


@pytest.fixture
def round2022(ref):
    return AllocationRound.objects.get(year=2022, slug="2022")


@pytest.mark.django_db
def test_pages_render(users, client_for, round2022):
    c = client_for(users["national"])
    cluster = get_cluster(1083, "Lillebælt-klyngen")
    for url in [
        reverse("allocation:round_list"),
        reverse("allocation:round_detail", args=["2022"]),
        reverse("allocation:round_cluster", args=["2022", cluster.pk]),
        reverse("allocation:round_reconciliation", args=["2022"]),
        reverse("allocation:round_shares", args=["2022"]),
        reverse("allocation:round_compare") + "?a=2022&b=2022",
        reverse("allocation:round_copy", args=["2022"]),
    ]:
        response = c.get(url)
        assert response.status_code == 200, url
    detail = c.get(reverse("allocation:round_detail", args=["2022"])).content.decode()
    assert "6,81 kr." in detail and "6,44-7,31 kr." in detail
    assert "40.000.000" in detail and "80.000.000" in detail
    assert "største rest" in detail
