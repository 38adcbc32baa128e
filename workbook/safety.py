"""The file itself, before and while a single row is read: name, size, first bytes, zip contents, rows.

Only a real .xlsx (a zip with a workbook inside) passes; old .xls files, encrypted
(CFB/OLE) files, macro-enabled workbooks and other zips are refused, each with its
own Danish reason. A hostile file is refused before it costs time or memory:

- the zip directory (``infolist``: each member's ``file_size`` and ``compress_size``)
  is checked before a byte is inflated: how many members, how big each may become
  (a worksheet is streamed row by row, the shared strings are read whole into a list,
  every other part is parsed whole) and how far it inflates beyond its stored size
  (at most ``MAX_RATIO`` times, as Apache POI's ZipSecureFile). ``zipfile`` never
  inflates a member beyond the ``file_size`` in the directory (a member that claims
  less than it holds fails its CRC check), so the directory is a real bound;
- openpyxl parses through defusedxml (installed; openpyxl uses it by itself), so a
  DTD entity (billion laughs, an external entity) is refused by defusedxml's
  ``DefusedXmlException``; that and every other parse error, at opening or while rows
  are read, become a Danish ``FileRefused``;
- the rows of a sheet stop at the row limit while they are read (``GuardedSheet``),
  and a sheet that claims more rows in its dimension is refused at opening.

``open_workbook`` opens the file with openpyxl's public read-only API and ``data_only=False``,
so that a formula shows up as a formula.
"""
from __future__ import annotations

import hashlib
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from openpyxl import load_workbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MB = 1024 * 1024
MAX_UNPACKED_BYTES = 300 * MB  # all members together
MAX_MEMBERS = 1000
MAX_SHEET_BYTES = 64 * MB  # a worksheet, streamed: room for MAX_ROWS rows of the template (~500 bytes a row)
MAX_STRINGS_BYTES = 40 * MB  # the shared strings, read whole into a list (about 5 times their size in memory)
MAX_PART_BYTES = 5 * MB  # every other part (workbook, styles, relationships, properties) is parsed whole
MAX_RATIO = 100  # inflated size / stored size of one member
RATIO_GRACE_BYTES = 1 * MB  # a member smaller than this inflated may compress better
MAX_ROWS = 100_000  # data rows of one sheet (5 times the 20.000 the benchmark imports in about 30 s); last row MAX_ROWS + 1
WORKBOOK_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
SPLIT_HINT = "Del regnskabet i flere filer, eller brug skabelonen fra portalen."


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


class FileRefused(ImportRefused):
    """Refused as a file (not a sane .xlsx, or not one to import), before any of its rows counts."""


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def file_problem(message: str, sheet: str = "") -> FileRefused:
    return FileRefused([Problem(sheet, "", message)])


# --- 1. the file itself ----------------------------------------------------

def check_file(fileobj, filename: str, size: int) -> None:
    """Refuse anything that is not a plain .xlsx within the limits. Reads only what it must, inflates nothing big."""
    max_bytes = getattr(settings, "XLSX_IMPORT_MAX_BYTES", 20 * MB)
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
            _check_archive(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise file_problem("Filen er beskadiget og kan ikke åbnes som .xlsx.") from exc
    finally:
        fileobj.seek(0)


def _check_archive(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise file_problem(
            "Filen indeholder makroer (VBA). Af sikkerhedshensyn modtages kun .xlsx uden makroer: "
            "gem filen som «Excel-projektmappe (*.xlsx)» og prøv igen."
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise file_problem("Filen er en zip-fil, men ikke en Excel-projektmappe. Brug skabelonen fra portalen.")
    if len(infos) > MAX_MEMBERS:
        raise file_problem(f"Filen består af {_count(len(infos))} dele; en projektmappe har langt færre. "
                           "Den kan ikke indlæses.")
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise file_problem(f"Filen fylder over {_mb(MAX_UNPACKED_BYTES)} MB, når den pakkes ud; "
                           f"den kan ikke indlæses. {SPLIT_HINT}")
    manifest = _member_limit_check(archive, archive.getinfo("[Content_Types].xml"), MAX_PART_BYTES)
    if b"macroEnabled" in manifest:
        raise file_problem(
            "Filen er en makroaktiveret projektmappe. Af sikkerhedshensyn modtages kun .xlsx uden makroer."
        )
    types = _content_types(manifest)
    if not any(kind in types.values() for kind in WORKBOOK_TYPES):
        raise file_problem("Filen er ikke en almindelig Excel-projektmappe (.xlsx).")
    for info in infos:
        kind = types.get(info.filename)
        if kind == WORKSHEET_TYPE and posixpath.dirname(info.filename) == "xl/worksheets":
            _member_limit_check(archive, info, MAX_SHEET_BYTES, read=False)
        elif kind == STRINGS_TYPE:
            _member_limit_check(archive, info, MAX_STRINGS_BYTES, read=False)
        else:
            _member_limit_check(archive, info, MAX_PART_BYTES, read=False)
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names and b"chartsheet" in archive.read(rels):
        # openpyxl reads a chart sheet whole: the template has none, and none is taken.
        raise file_problem("Filen indeholder et diagramark. Slet diagrammet, eller brug skabelonen fra portalen.")


def _member_limit_check(archive, info: zipfile.ZipInfo, limit: int, read: bool = True) -> bytes:
    """Refuse a member that would inflate beyond ``limit`` or far beyond its stored size; its bytes if ``read``."""
    name = info.filename
    if info.file_size > limit:
        raise file_problem(f"Delen «{name}» fylder {_mb(info.file_size)} MB udpakket; grænsen er {_mb(limit)} MB. "
                           f"Filen kan ikke indlæses. {SPLIT_HINT}")
    if info.file_size > RATIO_GRACE_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise file_problem(f"Delen «{name}» pakkes ud til {_count(ratio)} gange sin størrelse i filen "
                           f"(højst {MAX_RATIO}); sådan ser en almindelig projektmappe ikke ud. "
                           "Filen kan ikke indlæses.")
    return archive.read(name) if read else b""


def _content_types(manifest: bytes) -> dict[str, str]:
    """Member name -> content type, from the manifest's overrides (parsed through defusedxml)."""
    try:
        root = fromstring(manifest)
    except (DefusedXmlException, ParseError) as exc:
        raise _translated(exc) from exc
    return {
        (node.get("PartName") or "").lstrip("/"): node.get("ContentType") or ""
        for node in root.iter(f"{CT_NS}Override")
    }


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(MB), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


# --- 2. opening and reading -------------------------------------------------------

def _translated(exc: BaseException, sheet: str = "") -> FileRefused:
    """A parse error of openpyxl, defusedxml, expat or zipfile as a Danish refusal."""
    if isinstance(exc, ImportRefused):
        return exc
    causes = [exc]  # openpyxl wraps the parser's error in its own (``raise ValueError(...) from e``)
    while causes[-1].__cause__ is not None and len(causes) < 10:
        causes.append(causes[-1].__cause__)
    exc = next((c for c in causes if isinstance(c, DefusedXmlException | ParseError)), exc)
    if isinstance(exc, DefusedXmlException):
        return file_problem("Filen indeholder XML-definitioner (DTD eller entiteter), som en projektmappe fra "
                            "Excel ikke har, fx en henvisning til en anden fil eller en tekst, der gentages "
                            "milliarder af gange. Af sikkerhedshensyn indlæses den ikke.", sheet)
    if isinstance(exc, ParseError):
        return file_problem("XML'en i filen er beskadiget eller afkortet, så filen kan ikke læses. "
                            "Gem filen igen i Excel som «Excel-projektmappe (*.xlsx)».", sheet)
    if isinstance(exc, MemoryError):
        return file_problem(f"Filen er for stor til at blive læst. {SPLIT_HINT}", sheet)
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return file_problem("Filen er beskadiget (zip-indholdet stemmer ikke) og kan ikke åbnes som .xlsx.", sheet)
    return file_problem("Filen kunne ikke læses som Excel-projektmappe; den kan være beskadiget.", sheet)


def open_workbook(fileobj) -> GuardedWorkbook:
    """The workbook through openpyxl's public read-only API; formulas stay formulas (``data_only=False``).

    Its sheets hand out rows only up to the row limit; a parse error while reading is a FileRefused.
    """
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _translated(exc) from exc
    return GuardedWorkbook(wb)


class GuardedWorkbook:
    """openpyxl's read-only workbook, whose sheets stop at the row limit."""

    def __init__(self, wb):
        self.workbook = wb

    @property
    def sheetnames(self) -> list[str]:
        return self.workbook.sheetnames

    def __getitem__(self, name: str) -> GuardedSheet:
        return GuardedSheet(self.workbook[name])

    def close(self) -> None:
        self.workbook.close()


class GuardedSheet:
    """A read-only sheet: ``iter_rows`` as openpyxl's, but it stops at row MAX_ROWS + 1 and refuses the rest."""

    def __init__(self, ws, max_rows: int = MAX_ROWS):
        self.worksheet, self.title = ws, ws.title
        self.last_row = max_rows + 1
        claimed = ws.max_row  # the sheet's own <dimension>, read by openpyxl at opening
        if claimed is not None and claimed > self.last_row:
            raise file_problem(f"Arket siger, at det har {_count(claimed)} rækker; der indlæses højst "
                               f"{_count(max_rows)} rækker ad gangen. {SPLIT_HINT}", self.title)

    def reset_dimensions(self) -> None:
        self.worksheet.reset_dimensions()

    def iter_rows(self, min_row=1, max_row=None, min_col=None, max_col=None, values_only=False):
        """openpyxl's ``iter_rows``; at the first row beyond the limit (data or a gap up to it) it refuses."""
        stop = self.last_row + 1 if max_row is None else min(max_row, self.last_row + 1)
        rows = self.worksheet.iter_rows(min_row=min_row, max_row=stop, min_col=min_col, max_col=max_col,
                                        values_only=values_only)
        number = min_row
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a parse error in the middle of the sheet
                raise _translated(exc, self.title) from exc
            if number > self.last_row:
                raise file_problem(f"Arket har rækker ud over række {_count(self.last_row)}; der indlæses højst "
                                   f"{_count(self.last_row - 1)} rækker ad gangen. {SPLIT_HINT}", self.title)
            yield row
            number += 1

    @property
    def values(self):
        return self.iter_rows(values_only=True)
