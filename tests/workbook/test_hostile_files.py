"""Hostile .xlsx files: each class refused quickly, in Danish, with a 400 or a failing command, and nothing saved.

The files are made by tests/workbook/hostile.py. Seconds and peak memory of each refusal are
measured in a child process that runs the importer's reading of a file (file checks, opening,
rows); the browser upload and import_accounts are run here, in the test's database.
"""
import html
import io
import zipfile

import openpyxl
import pytest
from defusedxml import DefusedXmlException
from django.core.management import CommandError, call_command
from django.urls import reverse

from workbook import safety

from . import hostile as H
from .helpers import counts

pytestmark = pytest.mark.django_db

SECONDS, PEAK_MB = 10, 400
ENTITIES = "XML-definitioner (DTD eller entiteter)"
BROKEN_XML = "XML'en i filen er beskadiget eller afkortet"
TOO_MANY_ROWS = "Arket har rækker ud over række 100.001"

# name -> (maker, a Danish fragment of the refusal)
CASES = {
    "shared-strings-250-mb": (H.strings_bomb, "«xl/sharedStrings.xml» fylder 250,0 MB udpakket"),
    "sheet-200-mb": (H.sheet_bomb, "«xl/worksheets/sheet1.xml» fylder 200,0 MB udpakket"),
    "sheet-ratio": (H.ratio_bomb, "gange sin størrelse i filen (højst 100)"),
    "shared-strings-ratio": (lambda: H.ratio_bomb(H.STRINGS), "gange sin størrelse i filen (højst 100)"),
    "lying-directory": (H.lying_size, "zip-indholdet stemmer ikke"),
    "billion-laughs-strings": (H.billion_laughs, ENTITIES),
    "billion-laughs-workbook": (lambda: H.billion_laughs(H.WORKBOOK), ENTITIES),
    "billion-laughs-sheet": (lambda: H.billion_laughs(H.SHEET), ENTITIES),
    "xxe-sheet": (H.external_entity, ENTITIES),
    "xxe-strings": (lambda: H.external_entity(H.STRINGS), ENTITIES),
    "truncated-sheet": (H.truncated, BROKEN_XML),
    "truncated-workbook": (lambda: H.truncated(H.WORKBOOK), BROKEN_XML),
    "malformed-strings": (H.malformed_strings, BROKEN_XML),
    "row-1048576": (H.far_row, TOO_MANY_ROWS),
    "rows-beyond-the-limit": (H.many_rows, TOO_MANY_ROWS),
    "claims-10-million-rows": (H.claims_rows, "Arket siger, at det har 10.000.000 rækker"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Every hostile file, made once for the module (the big ones are written in chunks)."""
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, (make, _) in CASES.items():
        paths[name] = folder / f"{name}.xlsx"
        paths[name].write_bytes(make())
    paths["good"] = folder / "good.xlsx"
    paths["good"].write_bytes(H.base())
    return paths


@pytest.mark.parametrize("name", CASES)
def test_each_refusal_is_quick_and_small_in_a_child_process(files, name):
    report = H.refuse_in_child(files[name])
    assert report["refused"], report
    assert CASES[name][1] in " ".join(report["messages"])
    assert report["seconds"] < SECONDS, report
    assert report["peak_mb"] < PEAK_MB, report


def test_the_child_reads_a_good_file_without_refusing(files):
    report = H.refuse_in_child(files["good"])
    assert not report["refused"] and report["messages"] == [], report  # headers right, no rows: nothing to say
    assert report["seconds"] < SECONDS and report["peak_mb"] < PEAK_MB


def test_the_issues_file_is_small_and_refused_before_a_byte_is_inflated(files):
    """664 KB that inflate to 250 MB took 158 s and 1.4 GB; now only the zip directory and manifest are read."""
    data = files["shared-strings-250-mb"].read_bytes()
    assert len(data) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo(H.STRINGS).file_size > 249 * 1024 * 1024

    class Counted(io.BytesIO):
        read_bytes = 0

        def read(self, *args):
            chunk = super().read(*args)
            Counted.read_bytes += len(chunk)
            return chunk

    with pytest.raises(safety.FileRefused):
        safety.check_file(Counted(data), "regnskab.xlsx", len(data))
    assert Counted.read_bytes < 64 * 1024, "the shared strings must not have been inflated"


def test_the_row_limit_stops_the_reading(files):
    """The file's XML is broken after 250.000 rows: the refusal is the row limit, so the reading stopped there."""
    report = H.refuse_in_child(files["rows-beyond-the-limit"])
    assert TOO_MANY_ROWS in report["messages"][0] and BROKEN_XML not in " ".join(report["messages"])


def test_openpyxl_parses_through_defusedxml(files):
    """openpyxl uses defusedxml by itself when it is installed: its public flag, and its error on an entity."""
    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(ValueError) as info:
        openpyxl.load_workbook(files["billion-laughs-workbook"], read_only=True)
    assert isinstance(info.value.__cause__, DefusedXmlException)


@pytest.mark.parametrize("name", CASES)
def test_the_browser_upload_answers_400_in_danish_and_saves_nothing(files, ledger, client_for, name):
    before = counts()
    handle = io.BytesIO(files[name].read_bytes())
    handle.name = "regnskab.xlsx"
    response = client_for(ledger.secretariat).post(
        reverse("workbook:import_upload", args=[ledger.cy.pk]), {"file": handle}
    )
    assert response.status_code == 400
    assert CASES[name][1] in html.unescape(response.content.decode())
    assert counts() == before


@pytest.mark.parametrize("name", ["shared-strings-250-mb", "xxe-sheet", "truncated-sheet", "row-1048576",
                                  "claims-10-million-rows", "lying-directory"])
def test_import_accounts_exits_non_zero_in_danish_and_saves_nothing(files, ledger, name):
    before, err = counts(), io.StringIO()
    with pytest.raises(CommandError, match="Filen er ikke indlæst: 1 fejl. Intet er gemt."):
        call_command("import_accounts", str(files[name]), "--region", "Syddanmark", "--cluster",
                     "Lillebælt-klyngen", "--year", "2022", "--user", ledger.secretariat.username,
                     stdout=io.StringIO(), stderr=err)
    assert CASES[name][1] in err.getvalue()
    assert counts() == before
