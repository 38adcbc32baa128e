"""The export's Vejledning lists the cluster-year's warnings (issue 13.2), as the portal's pages show them."""
import io

from openpyxl import load_workbook

from accounts.selectors.warnings import cluster_year_warnings
from tests import factories
from tests.workbook.helpers import export_bytes


def guide_cells(data: bytes) -> list:
    ws = load_workbook(io.BytesIO(data))["Vejledning"]
    return [row[0] for row in ws.iter_rows(max_col=1) if row[0].value]


def test_an_export_with_a_negative_unspent_shows_that_warning(ledger):
    """Vejen paid 60.000,00 and spent 1.235.567,88: its unspent is negative, the Vejledning says so, wrapped."""
    cells = guide_cells(export_bytes(ledger.cy))
    texts = [c.value for c in cells]
    assert "Advarsler" in texts and "Ingen advarsler" not in texts
    expected = [w.text for w in cluster_year_warnings(ledger.cy)]
    negative = next(t for t in expected if t.startswith("Vejen: ikke forbrugt er"))
    assert "−1.175.567,88 kr." in negative or "-1.175.567,88 kr." in negative
    listed = [c for c in cells if isinstance(c.value, str) and c.value.startswith("• ")]
    assert sorted(c.value[2:] for c in listed) == sorted(expected)  # the overview's figures order parties otherwise
    assert f"• {negative}" in texts
    assert all(c.alignment.wrap_text for c in listed)


def test_an_export_without_warnings_says_so_and_the_blank_template_has_neither(ref, make_user):
    from tests.conftest import get_cluster
    from users.models import Role

    cluster = get_cluster(1083, "Lillebælt-klyngen")
    secretariat = make_user(Role.SECRETARIAT, cluster=cluster, username="wb_warn_sek")
    cy = factories.cluster_year(cluster, 2022)
    factories.initiative(cy, by=secretariat, name="Syntetisk uden advarsler", area_name="Akutområdet")
    assert cluster_year_warnings(cy) == []  # no money at all: nothing to warn about
    texts = [c.value for c in guide_cells(export_bytes(cy))]
    assert "Ingen advarsler" in texts and "Advarsler" not in texts
    blank = [c.value for c in guide_cells(export_bytes(cy, blank=True))]
    assert "Advarsler" not in blank and "Ingen advarsler" not in blank
