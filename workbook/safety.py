"""The file itself, before a single row is read: name, size, first bytes and zip contents.

Only a real .xlsx (a zip with a workbook inside) passes; old .xls files, encrypted
(CFB/OLE) files, macro-enabled workbooks and other zips are refused, each with its
own Danish reason. ``open_workbook`` then opens it with openpyxl's public read-only
API and ``data_only=False``, so that a formula shows up as a formula.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # a zip bomb guard: the parts of a 20 MB workbook
WORKBOOK_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)


@dataclass
class Problem:
    sheet: str
    cell: str
    message: str

    def __str__(self):
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}: {self.message}" if where else self.message


class ImportRefused(Exception):
    """The file is refused; `problems` says where and why (Danish). Nothing was saved."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def file_problem(message: str) -> ImportRefused:
    return ImportRefused([Problem("", "", message)])


# --- 1. the file itself ----------------------------------------------------

def check_file(fileobj, filename: str, size: int) -> None:
    """Refuse anything that is not a plain .xlsx within the size limit. Reads only what it must."""
    max_bytes = getattr(settings, "XLSX_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlam"):
        raise file_problem(
            "Filen er en makroaktiveret projektmappe (.xlsm). Af sikkerhedshensyn modtages kun .xlsx uden "
            "makroer: gem filen som «Excel-projektmappe (*.xlsx)» og prøv igen."
        )
    if suffix in (".xls", ".xlsb"):
        raise file_problem(
            f"Filer i formatet {suffix} modtages ikke. Gem filen som «Excel-projektmappe (*.xlsx)» og prøv igen."
        )
    if suffix != ".xlsx":
        raise file_problem("Kun Excel-filer i formatet .xlsx modtages (brug skabelonen fra portalen).")
    if size is None or size <= 0:
        raise file_problem("Filen er tom.")
    if size > max_bytes:
        raise file_problem(
            f"Filen fylder {_mb(size)} MB; grænsen er {_mb(max_bytes)} MB. Del regnskabet i flere filer."
        )
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(OLE_MAGIC):
        # Encrypted OOXML is wrapped in a CFB container with an EncryptionInfo stream; an old
        # .xls is a CFB container with a Workbook stream. Both are refused, with their own reason.
        content = fileobj.read(size)
        fileobj.seek(0)
        if "EncryptionInfo".encode("utf-16-le") in content or "EncryptedPackage".encode("utf-16-le") in content:
            raise file_problem(
                "Filen er krypteret (beskyttet med adgangskode til at åbne). Fjern adgangskoden i Excel "
                "(Filer > Info > Beskyt projektmappe) og gem som .xlsx."
            )
        raise file_problem(
            "Filen er ikke en rigtig .xlsx-fil, men en ældre binær Excel-fil (.xls) med nyt navn. "
            "Åbn den i Excel og gem den som «Excel-projektmappe (*.xlsx)»."
        )
    if not head.startswith(ZIP_MAGIC):
        raise file_problem(
            "Filen er ikke en Excel-projektmappe (.xlsx), selv om navnet slutter på .xlsx. "
            "Brug skabelonen fra portalen, og gem som «Excel-projektmappe (*.xlsx)»."
        )
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise file_problem(
                    "Filen indeholder makroer (VBA). Af sikkerhedshensyn modtages kun .xlsx uden makroer: "
                    "gem filen som «Excel-projektmappe (*.xlsx)» og prøv igen."
                )
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise file_problem(
                    "Filen er en zip-fil, men ikke en Excel-projektmappe. Brug skabelonen fra portalen."
                )
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise file_problem("Filen fylder for meget, når den pakkes ud; den kan ikke indlæses.")
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if "macroEnabled" in content_types:
                raise file_problem(
                    "Filen er en makroaktiveret projektmappe. Af sikkerhedshensyn modtages kun .xlsx uden makroer."
                )
            if not any(kind in content_types for kind in WORKBOOK_TYPES):
                raise file_problem("Filen er ikke en almindelig Excel-projektmappe (.xlsx).")
    except zipfile.BadZipFile as exc:
        raise file_problem("Filen er beskadiget og kan ikke åbnes som .xlsx.") from exc
    finally:
        fileobj.seek(0)


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def open_workbook(fileobj):
    """The workbook through openpyxl's public read-only API; formulas stay formulas (``data_only=False``)."""
    try:
        return load_workbook(fileobj, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise file_problem("Filen kunne ikke læses som Excel-projektmappe; den kan være beskadiget.") from exc
