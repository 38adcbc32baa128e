"""export_accounts and import_accounts from the command line."""
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import ClusterYear, ImportBatch

from .conftest import INITIATIVES, make_initiatives
from .helpers import counts, entry_fields

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_by_region_name_and_code(ledger, tmp_path):
    filled = tmp_path / "fyldt.xlsx"
    out, _ = run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
                 "--out", str(filled))
    assert "Regnskab med 7 posteringer" in out
    ws = load_workbook(filled)["Regnskab"]
    assert sum(1 for row in ws.iter_rows(min_row=2) if row[0].value) == 7
    blank = tmp_path / "tom.xlsx"
    out, _ = run("export_accounts", "--region", "1083", "--cluster", "lillebælt-KLYNGEN", "--year", "2022",
                 "--blank", "--out", str(blank))
    assert "Tom skabelon" in out
    assert load_workbook(blank)["Regnskab"]["A2"].value is None


def test_export_refusals(ledger, tmp_path):
    with pytest.raises(CommandError, match="Ukendt klynge «Klynge Nord» i Region Syddanmark"):
        run("export_accounts", "--region", "Region Syddanmark", "--cluster", "Klynge Nord", "--year", "2022",
            "--out", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Ukendt region"):
        run("export_accounts", "--region", "Jylland", "--cluster", "x", "--year", "2022", "--out", "x.xlsx")
    with pytest.raises(CommandError, match="intet regnskab for 2031"):
        run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2031",
            "--out", str(tmp_path / "x.xlsx"))


def test_import_dry_run_then_real_into_another_cluster(ledger, tmp_path):
    path = tmp_path / "lillebaelt.xlsx"
    run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
        "--out", str(path))
    # The target cluster-year is created by the import; its initiatives must exist by name.
    from accounts import services

    target = services.cluster_year_get_or_create(cluster=ledger.target_cluster, year=2022)
    make_initiatives(target, ledger.other_secretariat, INITIATIVES)
    before = counts()
    out, _ = run("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Sydvestjysk Klynge",
                 "--year", "2022", "--dry-run")
    assert "Kontrol uden fejl: 7 rækker" in out and counts() == before
    out, _ = run("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Sydvestjysk Klynge",
                 "--year", "2022", "--user", ledger.other_secretariat.username)
    assert "Indlæst i Sydvestjysk Klynge (Syddanmark) 2022: 7 rækker" in out
    assert entry_fields(target) == entry_fields(ledger.cy)
    assert ImportBatch.objects.get().imported_by == ledger.other_secretariat


def test_import_of_a_bad_file_prints_every_problem(ledger, tmp_path):
    path = tmp_path / "forkert.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="Filen er ikke indlæst: 1 fejl. Intet er gemt."):
        call_command("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen",
                     "--year", "2022", stderr=err)
    assert "ældre binær Excel-fil" in err.getvalue() and counts() == before
    big = tmp_path / "stor.xlsx"
    with big.open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)  # 30 MB, sparse
    with pytest.raises(CommandError):
        call_command("import_accounts", str(big), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen",
                     "--year", "2022", stderr=err)
    assert "fylder 30,0 MB" in err.getvalue() and counts() == before


def test_import_refused_in_a_closed_status(ledger, tmp_path):
    path = tmp_path / "x.xlsx"
    run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
        "--out", str(path))
    ClusterYear.objects.filter(pk=ledger.cy.pk).update(status="approved")
    with pytest.raises(CommandError, match="kan ikke ændres i status «Godkendt»"):
        run("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022")
