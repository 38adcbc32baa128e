"""export_accounts and import_accounts from the command line."""
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import ClusterYear, ImportBatch

from .conftest import INITIATIVES, make_initiatives
from .helpers import counts, entry_fields, for_another_cluster

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_by_region_name_and_code(ledger, tmp_path):
    filled = tmp_path / "fyldt.xlsx"
    out, _ = run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
                 "--out", str(filled), "--user", ledger.secretariat.username)
    assert "Regnskab med 7 posteringer" in out
    ws = load_workbook(filled)["Regnskab"]
    assert sum(1 for row in ws.iter_rows(min_row=2) if row[0].value) == 7
    blank = tmp_path / "tom.xlsx"
    out, _ = run("export_accounts", "--region", "1083", "--cluster", "lillebælt-KLYNGEN", "--year", "2022",
                 "--blank", "--out", str(blank), "--user", ledger.secretariat.username)
    assert "Tom skabelon" in out
    assert load_workbook(blank)["Regnskab"]["A2"].value is None


def test_export_refusals(ledger, tmp_path):
    with pytest.raises(CommandError, match="Ukendt klynge «Klynge Nord» i Region Syddanmark"):
        run("export_accounts", "--region", "Region Syddanmark", "--cluster", "Klynge Nord", "--year", "2022",
            "--out", str(tmp_path / "x.xlsx"), "--user", ledger.admin.username)
    with pytest.raises(CommandError, match="Ukendt region"):
        run("export_accounts", "--region", "Jylland", "--cluster", "x", "--year", "2022", "--out", "x.xlsx",
            "--user", ledger.admin.username)
    with pytest.raises(CommandError, match="intet regnskab for 2031"):
        run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2031",
            "--out", str(tmp_path / "x.xlsx"), "--user", ledger.admin.username)


def test_import_dry_run_then_real_into_another_cluster(ledger, tmp_path):
    path = tmp_path / "lillebaelt.xlsx"
    run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
        "--out", str(path), "--user", ledger.secretariat.username)
    path.write_bytes(for_another_cluster(path.read_bytes()))  # Lillebælt's Portal-nr. mean nothing there
    # The target cluster-year is created by the import; its initiatives must exist by name.
    from accounts import services

    target = services.cluster_year_get_or_create(cluster=ledger.target_cluster, year=2022)
    make_initiatives(target, ledger.other_secretariat, INITIATIVES)
    before = counts()
    out, _ = run("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Sydvestjysk Klynge",
                 "--year", "2022", "--dry-run", "--user", ledger.other_secretariat.username)
    assert "Forhåndsvisning uden fejl: 7 rækker" in out and counts() == before
    assert "Regnskab: 7 nye, 0 uændrede, 0 ændrede, 0 ikke i filen, 0 advarsler, 0 fejl" in out
    # The target has no budget: every expense overruns («Advar»), so the import is confirmed.
    out, _ = run("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Sydvestjysk Klynge",
                 "--year", "2022", "--user", ledger.other_secretariat.username, "--confirm-overruns")
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
                     "--year", "2022", "--user", ledger.secretariat.username, stderr=err)
    assert "ældre binær Excel-fil" in err.getvalue() and counts() == before
    big = tmp_path / "stor.xlsx"
    with big.open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)  # 30 MB, sparse
    with pytest.raises(CommandError):
        call_command("import_accounts", str(big), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen",
                     "--year", "2022", "--user", ledger.secretariat.username, stderr=err)
    assert "fylder 30,0 MB" in err.getvalue() and counts() == before


def test_import_refused_in_a_closed_status(ledger, tmp_path):
    path = tmp_path / "x.xlsx"
    run("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
        "--out", str(path), "--user", ledger.secretariat.username)
    ClusterYear.objects.filter(pk=ledger.cy.pk).update(status="approved")
    with pytest.raises(CommandError, match="kan ikke ændres i status «Godkendt»"):
        run("import_accounts", str(path), "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022",
            "--user", ledger.secretariat.username)


EXPORT = ("export_accounts", "--region", "Syddanmark", "--cluster", "Lillebælt-klyngen", "--year", "2022")
IMPORT = ("--region", "Syddanmark", "--cluster", "Sydvestjysk Klynge", "--year", "2022")


def test_export_needs_a_user_who_may_see_the_accounts(ledger, tmp_path):
    path = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="Angiv med --user BRUGERNAVN") as info:
        run(*EXPORT, "--out", str(path))
    assert info.value.returncode == 1 and not path.exists()
    with pytest.raises(CommandError, match="Ukendt bruger «ingen_bruger»"):
        run(*EXPORT, "--out", str(path), "--user", "ingen_bruger")
    # Sydvestjysk Klynge's secretariat does not see Lillebælt-klyngen's accounts: no file, a Danish reason.
    with pytest.raises(CommandError, match="wb_sek_sydvest må ikke se regnskabet for Lillebælt-klyngen") as info:
        run(*EXPORT, "--out", str(path), "--user", ledger.other_secretariat.username)
    assert "Du har ikke adgang" in str(info.value) and info.value.returncode == 1 and not path.exists()
    with pytest.raises(CommandError, match="må ikke se regnskabet"):
        run(*EXPORT, "--blank", "--out", str(path), "--user", ledger.other_secretariat.username)
    assert not path.exists()
    out, _ = run(*EXPORT, "--out", str(path), "--user", ledger.admin.username)
    assert "Regnskab med 7 posteringer" in out and path.exists()


def test_import_needs_a_user_who_may_edit_the_accounts(ledger, tmp_path, make_user):
    from users.models import Role

    path = tmp_path / "lillebaelt.xlsx"
    run(*EXPORT, "--out", str(path), "--user", ledger.secretariat.username)
    before = counts(), ClusterYear.objects.count()
    with pytest.raises(CommandError, match="Angiv med --user BRUGERNAVN"):
        run("import_accounts", str(path), *IMPORT)
    # Lillebælt-klyngen's secretariat may not write Sydvestjysk Klynge's accounts; an SSU member reads only.
    ssu = make_user(Role.SSU, region=ledger.region, username="wb_ssu")
    for user in (ledger.secretariat, ssu):
        for extra in ((), ("--dry-run",)):
            with pytest.raises(CommandError, match=f"{user.username} må ikke indlæse i regnskabet") as info:
                run("import_accounts", str(path), *IMPORT, *extra, "--user", user.username)
            assert "Du har ikke adgang" in str(info.value) and info.value.returncode == 1
    assert (counts(), ClusterYear.objects.count()) == before  # not even the cluster-year was created


def test_dry_run_creates_nothing_not_even_the_cluster_year(ledger, tmp_path):
    path = tmp_path / "lillebaelt.xlsx"
    run(*EXPORT, "--out", str(path), "--user", ledger.secretariat.username)
    path.write_bytes(for_another_cluster(path.read_bytes()))
    assert not ClusterYear.objects.filter(cluster=ledger.target_cluster, year=2022).exists()
    before = counts(), ClusterYear.objects.count()
    # Checked against an unsaved cluster-year: the target has no initiatives of these names yet.
    err = io.StringIO()
    with pytest.raises(CommandError, match="Filen er ikke indlæst: 7 fejl. Intet er gemt."):
        call_command("import_accounts", str(path), *IMPORT, "--dry-run", "--user", ledger.other_secretariat.username,
                     stdout=io.StringIO(), stderr=err)
    assert "Regnskab!B2: Indsatsen «Syntetisk psykiatri-samarbejde» findes ikke i Sydvestjysk Klynge" in err.getvalue()
    assert (counts(), ClusterYear.objects.count()) == before
    # A row without an initiative: the accounts' own rule answers at its cell; still nothing created.
    clean = tmp_path / "ren.xlsx"
    from .helpers import fill
    from .test_importer import good

    blank = tmp_path / "tom.xlsx"
    run(*EXPORT, "--blank", "--out", str(blank), "--user", ledger.secretariat.username)
    clean.write_bytes(fill(blank.read_bytes(), [good(initiative=None, area=None, party="Billund")]))
    with pytest.raises(CommandError, match="1 fejl"):  # no initiative: the accounts' rule, at its cell
        call_command("import_accounts", str(clean), *IMPORT, "--dry-run", "--user", ledger.other_secretariat.username,
                     stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "Regnskab!B2: Vælg en indsats." in err.getvalue()
    assert (counts(), ClusterYear.objects.count()) == before
