"""Import a filled template: safety checks, a check of every row, then one all-or-nothing save.

Order of work, so that a bad file costs as little as possible:

1. the name, the size (before a single byte is read) and the first bytes: only
   a real .xlsx (a zip with a workbook inside) passes; old .xls files, encrypted
   (CFB/OLE) files, macro-enabled workbooks and other zips are refused;
2. the workbook is opened with openpyxl in read-only mode and with
   ``data_only=False``, so that a formula shows up as a formula: formulas in
   the data cells of Regnskab are never evaluated (nor their cached values
   trusted) but refused, cell by cell;
3. every row of Regnskab is checked against the cluster-year; any problem
   anywhere and nothing is saved;
4. a clean file is saved in one transaction: an ImportBatch and its entries
   through ``accounts.services.entries_create_bulk``.

Only Regnskab is read. Budget, Opfølgning and Videreførelse are for the
secretariat's own planning; budgets and commitments are registered in the portal.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from accounts.models import ClusterYear, CostKind, EntryKind, ImportBatch, Initiative, PartyKind
from accounts.services import entries_create_bulk, member_municipalities
from accounts.validators import account_code_problem
from workbook import layout as L
from workbook.selectors import live_entries

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # a zip bomb guard: the parts of a 20 MB workbook
MAX_ROWS = 200_000
MAX_SHOWN_PROBLEMS = 1000
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000")  # 14 digits, 2 of them decimals
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


@dataclass
class ImportResult:
    rows: int
    total: Decimal
    expenses: Decimal
    income: Decimal
    dry_run: bool
    batch: ImportBatch | None = None
    entries: list = field(default_factory=list)

    @property
    def net_spend(self) -> Decimal:
        return self.expenses - self.income


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _file_problem(message: str) -> ImportRefused:
    return ImportRefused([Problem("", "", message)])


# --- 1. the file itself ----------------------------------------------------

def check_file(fileobj, filename: str, size: int) -> None:
    """Refuse anything that is not a plain .xlsx within the size limit. Reads only what it must."""
    max_bytes = getattr(settings, "XLSX_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlam"):
        raise _file_problem(
            "Filen er en makroaktiveret projektmappe (.xlsm). Af sikkerhedshensyn modtages kun .xlsx uden "
            "makroer: gem filen som «Excel-projektmappe (*.xlsx)» og prøv igen."
        )
    if suffix in (".xls", ".xlsb"):
        raise _file_problem(
            f"Filer i formatet {suffix} modtages ikke. Gem filen som «Excel-projektmappe (*.xlsx)» og prøv igen."
        )
    if suffix != ".xlsx":
        raise _file_problem("Kun Excel-filer i formatet .xlsx modtages (brug skabelonen fra portalen).")
    if size is None or size <= 0:
        raise _file_problem("Filen er tom.")
    if size > max_bytes:
        raise _file_problem(
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
            raise _file_problem(
                "Filen er krypteret (beskyttet med adgangskode til at åbne). Fjern adgangskoden i Excel "
                "(Filer > Info > Beskyt projektmappe) og gem som .xlsx."
            )
        raise _file_problem(
            "Filen er ikke en rigtig .xlsx-fil, men en ældre binær Excel-fil (.xls) med nyt navn. "
            "Åbn den i Excel og gem den som «Excel-projektmappe (*.xlsx)»."
        )
    if not head.startswith(ZIP_MAGIC):
        raise _file_problem(
            "Filen er ikke en Excel-projektmappe (.xlsx), selv om navnet slutter på .xlsx. "
            "Brug skabelonen fra portalen, og gem som «Excel-projektmappe (*.xlsx)»."
        )
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise _file_problem(
                    "Filen indeholder makroer (VBA). Af sikkerhedshensyn modtages kun .xlsx uden makroer: "
                    "gem filen som «Excel-projektmappe (*.xlsx)» og prøv igen."
                )
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _file_problem(
                    "Filen er en zip-fil, men ikke en Excel-projektmappe. Brug skabelonen fra portalen."
                )
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise _file_problem("Filen fylder for meget, når den pakkes ud; den kan ikke indlæses.")
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if "macroEnabled" in content_types:
                raise _file_problem(
                    "Filen er en makroaktiveret projektmappe. Af sikkerhedshensyn modtages kun .xlsx uden makroer."
                )
            if not any(kind in content_types for kind in WORKBOOK_TYPES):
                raise _file_problem("Filen er ikke en almindelig Excel-projektmappe (.xlsx).")
    except zipfile.BadZipFile as exc:
        raise _file_problem("Filen er beskadiget og kan ikke åbnes som .xlsx.") from exc
    finally:
        fileobj.seek(0)


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


# --- 2. cell values ----------------------------------------------------------

DANISH_AMOUNT = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")


def parse_amount(value) -> tuple[Decimal | None, str | None]:
    """A positive amount with at most two decimals, from a number or Danish text ("1.234,50")."""
    if isinstance(value, bool):
        return None, "Beløbet skal være et tal."
    if isinstance(value, (int, float, Decimal)):
        try:
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None, "Beløbet skal være et tal."
        if not amount.is_finite():
            return None, "Beløbet skal være et tal."
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        text = re.sub(r"(?i)^kr\.?|kr\.?$", "", text).strip()
        if text.startswith("-"):
            return None, "Beløbet må ikke være negativt: en indtægt angives med Art = Indtægt."
        if not DANISH_AMOUNT.match(text):
            return None, (f"«{value}» er ikke et beløb. Skriv et tal, fx 1234,50 eller 1.234,50 "
                          "(decimalkomma, punktum som tusindtalsskilletegn).")
        amount = Decimal(text.replace(".", "").replace(",", "."))
    elif isinstance(value, (datetime, date)):
        return None, "Beløbet er en dato; skriv et tal."
    else:
        return None, "Beløbet skal være et tal."
    if amount != amount.quantize(CENT):
        return None, "Beløbet må højst have to decimaler (øre)."
    if amount < 0:
        return None, "Beløbet må ikke være negativt: en indtægt angives med Art = Indtægt."
    if amount == 0:
        return None, "Beløbet skal være større end 0."
    if amount >= MAX_AMOUNT:
        return None, "Beløbet er for stort."
    return amount.quantize(CENT), None


DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d")


def parse_date(value, year: int) -> tuple[date | None, str | None]:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        parsed = None
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(value.strip(), fmt).date()
                break
            except ValueError:
                continue
        if parsed is None:
            return None, f"«{value}» er ikke en dato. Skriv fx 31-12-{year}."
    elif isinstance(value, (int, float)):
        return None, "Datoen er et tal, ikke en dato. Formatér cellen som dato, fx 31-12-" + str(year) + "."
    else:
        return None, "Datoen mangler eller er ugyldig."
    if parsed.year != year:
        return None, f"Datoen {parsed:%d-%m-%Y} ligger ikke i regnskabsåret {year}."
    return parsed, None


def text_value(value) -> str:
    """A text cell as stored text: numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


# --- 3. rows -----------------------------------------------------------------

@dataclass
class Lookups:
    """The cluster-year's valid values, loaded once."""

    cluster_year: ClusterYear
    initiatives: dict[str, Initiative]
    not_running: dict[str, Initiative]
    parties: dict[str, tuple[str, int | None, int | None]]
    kinds: dict[str, str]
    cost_kinds: dict[str, str]
    existing: set

    @classmethod
    def load(cls, cluster_year: ClusterYear) -> Lookups:
        year = cluster_year.year
        initiatives, not_running = {}, {}
        for initiative in Initiative.objects.filter(cluster_id=cluster_year.cluster_id).select_related("area"):
            target = initiatives if initiative.first_year <= year <= initiative.last_year else not_running
            target[_key(initiative.name)] = initiative
        parties: dict[str, tuple] = {}
        for municipality in member_municipalities(cluster_year.cluster, year).values():
            value = (PartyKind.MUNICIPALITY, municipality.pk, None)
            for label in (municipality.name, L.municipality_label(municipality.name),
                          f"{municipality.name} Kommune", f"{municipality.name}s Kommune"):
                parties[_key(label)] = value
        region = cluster_year.cluster.region
        for label in (L.region_label(region.name), region.name, f"Region {region.name}"):
            parties[_key(label)] = (PartyKind.REGION, None, region.pk)
        kinds = {_key(label): value for value, label in EntryKind.choices}
        kinds.update({_key(value): value for value in EntryKind.values})
        kinds["indtaegt"] = EntryKind.INCOME
        cost_kinds = {_key(label): value for value, label in CostKind.choices}
        cost_kinds.update({_key(value): value for value in CostKind.values})
        existing = {
            _entry_key(*row)
            for row in live_entries(cluster_year).values_list(
                "initiative_id", "party_kind", "municipality_id", "region_id", "booking_date", "kind",
                "amount", "account_code", "voucher", "text", "cost_kind",
            )
        }
        return cls(cluster_year, initiatives, not_running, parties, kinds, cost_kinds, existing)


def _entry_key(initiative_id, party_kind, municipality_id, region_id, booking_date, kind, amount,
               account_code, voucher, text, cost_kind):
    return (initiative_id, party_kind, municipality_id, region_id, booking_date, kind,
            Decimal(amount).quantize(CENT), account_code.strip(), voucher.strip(), text.strip(), cost_kind)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser, with a short cut for the plain inline strings our export writes.

    openpyxl reads every inline string (``<is><t>...</t></is>``) through its rich-text
    object model, most of the read at 20,000 rows. A plain one (one ``t`` child, no
    runs, no formula) gives the same value and type as openpyxl's own parse; anything
    else is left to openpyxl.
    """

    def parse_cell(self, element):
        if element.get("t") == "inlineStr" and not self.rich_text:
            child = element.find(INLINE_STRING)
            if (child is not None and len(child) == 1 and child[0].tag == TEXT_TAG and not len(child[0])
                    and (self.data_only or element.find(FORMULA_TAG) is None)):
                coordinate = element.get("r")
                if coordinate:
                    row, column = coordinate_to_tuple(coordinate)
                    self.col_counter = column
                else:
                    self.col_counter += 1
                    row, column = self.row_counter, self.col_counter
                style_id = element.get("s", 0)
                if style_id:
                    style_id = int(style_id)
                return {"row": row, "column": column, "value": child[0].text or "", "data_type": "s",
                        "style_id": style_id}
        return super().parse_cell(element)


def _sheet_rows(ws, width: int):
    """The rows ``ws.iter_rows(min_row=1, max_col=width)`` yields once the dimensions are reset
    (missing rows as empty rows), read with `_SheetParser`."""
    if not isinstance(ws, ReadOnlyWorksheet):
        yield from ws.iter_rows(min_row=1, max_col=width)
        return
    wb = ws.parent
    empty_row = (EMPTY_CELL,) * width
    counter = 1
    with ws._get_source() as src:
        parser = _SheetParser(src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                              date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for idx, row in parser.parse():
            for _ in range(counter, idx):
                counter += 1
                yield empty_row
            if counter <= idx:
                counter += 1
                yield ws._get_row(row, 1, width, False)


def read_entries(ws, lookups: Lookups) -> tuple[list[dict], list[Problem]]:
    """Check every row of Regnskab; return the entry rows (dicts for entries_create_bulk) and problems."""
    sheet = L.SHEET_ENTRIES
    cy = lookups.cluster_year
    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    width = len(L.ENTRY_COLUMNS)
    letters = [get_column_letter(i) for i in range(1, width + 1)]
    ws.reset_dimensions()  # do not trust the file's own idea of its size
    iterator = _sheet_rows(ws, width)
    header = next(iterator, None)
    header_values = [getattr(c, "value", None) for c in (header or ())]
    for index, expected in enumerate(L.ENTRY_HEADERS):
        got = header_values[index] if index < len(header_values) else None
        if _key(got or "") != _key(expected):
            problems.append(Problem(sheet, f"{letters[index]}1",
                                    f"Overskriften skal være «{expected}» (fandt «{got or ''}»). "
                                    "Brug skabelonen fra portalen uden at flytte kolonner."))
    if problems:
        return [], problems
    col = L.ENTRY_COL
    for row_number, cells in enumerate(iterator, start=L.FIRST_DATA_ROW):
        values = [getattr(c, "value", None) for c in cells]
        if all(_is_empty(v) for v in values):
            continue
        if row_number > MAX_ROWS:
            problems.append(Problem(sheet, f"A{row_number}",
                                    f"Arket har flere end {MAX_ROWS:,} rækker; del filen op.".replace(",", ".")))
            break
        row_problems: list[Problem] = []

        def problem(key: str, message: str, _row=row_number, _out=row_problems):
            _out.append(Problem(sheet, f"{letters[col[key]]}{_row}", message))

        bad_cells = False
        for key, _, _ in L.ENTRY_COLUMNS:
            cell = cells[col[key]]
            data_type = getattr(cell, "data_type", None)
            if data_type == "f":
                problem(key, "Cellen indeholder en formel. Formler beregnes ikke ved indlæsning: "
                             "skriv selve værdien (kopiér og indsæt som værdi).")
                bad_cells = True
            elif data_type == "e":
                problem(key, f"Cellen indeholder fejlværdien {cell.value}.")
                bad_cells = True
        if bad_cells:
            problems.extend(row_problems)
            continue

        v = {key: values[col[key]] for key, _, _ in L.ENTRY_COLUMNS}
        booking_date, message = parse_date(v["booking_date"], cy.year)
        if message:
            problem("booking_date", message)

        initiative = None
        name = text_value(v["initiative"])
        if not name:
            problem("initiative", "Indsatsen mangler.")
        else:
            initiative = lookups.initiatives.get(_key(name))
            if initiative is None:
                if _key(name) in lookups.not_running:
                    problem("initiative", f"Indsatsen «{name}» kører ikke i {cy.year}.")
                else:
                    problem("initiative", f"Indsatsen «{name}» findes ikke i {cy.cluster.name}. "
                                          "Vælg en indsats fra listen.")
        area = text_value(v["area"])
        if area and initiative is not None and _key(area) != _key(initiative.area.name):
            problem("area", f"Indsatsen «{initiative.name}» hører til området «{initiative.area.name}», "
                            f"ikke «{area}».")

        party = None
        party_text = text_value(v["party"])
        if not party_text:
            problem("party", "Parten mangler.")
        else:
            party = lookups.parties.get(_key(party_text))
            if party is None:
                problem("party", f"Parten «{party_text}» hører ikke til {cy.cluster.name} i {cy.year}. "
                                 "Vælg en kommune eller regionen fra listen.")

        account_value = v["account_code"]
        account_code = ""
        if isinstance(account_value, (datetime, date)):
            problem("account_code", "Excel har gjort kontonummeret til en dato. Formatér cellen som tekst "
                                    "og skriv kontoen igen (fx 4.62.82).")
        else:
            account_code = text_value(account_value)
            if party is not None:
                message = account_code_problem(account_code, party[0])
                if message:
                    problem("account_code", message)
            elif not account_code:
                problem("account_code", "Kontonummer mangler.")
            if len(account_code) > 40:
                problem("account_code", "Kontonummeret må højst være 40 tegn.")

        kind_text = text_value(v["kind"])
        kind = lookups.kinds.get(_key(kind_text)) if kind_text else None
        if kind is None:
            problem("kind", f"Art skal være Udgift eller Indtægt{f' (fandt «{kind_text}»)' if kind_text else ''}.")
        cost_text = text_value(v["cost_kind"])
        cost_kind = lookups.cost_kinds.get(_key(cost_text)) if cost_text else None
        if cost_kind is None:
            problem("cost_kind", "Omkostningstype skal være Udvikling, Sekretariatsbetjening eller Drift"
                                 f"{f' (fandt «{cost_text}»)' if cost_text else ''}.")

        amount = None
        if _is_empty(v["amount"]):
            problem("amount", "Beløbet mangler.")
        else:
            amount, message = parse_amount(v["amount"])
            if message:
                problem("amount", message)

        text = text_value(v["text"])
        voucher = text_value(v["voucher"])
        if len(text) > 255:
            problem("text", "Teksten må højst være 255 tegn.")
        if len(voucher) > 60:
            problem("voucher", "Bilagsreferencen må højst være 60 tegn.")

        if not row_problems:
            kind_of_party, municipality_id, region_id = party
            key = _entry_key(initiative.pk, kind_of_party, municipality_id, region_id, booking_date, kind,
                             amount, account_code, voucher, text, cost_kind)
            if key in lookups.existing:
                row_problems.append(Problem(sheet, f"A{row_number}",
                                            "Rækken er identisk med en postering, der allerede er bogført "
                                            "(dublet). Slet rækken, eller ret den, hvis det er en ny postering."))
            elif key in seen:
                row_problems.append(Problem(sheet, f"A{row_number}",
                                            f"Rækken er identisk med række {seen[key]} i filen (dublet)."))
            else:
                seen[key] = row_number
                rows.append({
                    "row_number": row_number, "initiative": initiative, "party_kind": kind_of_party,
                    "municipality_id": municipality_id, "region_id": region_id, "booking_date": booking_date,
                    "kind": kind, "amount": amount, "account_code": account_code, "voucher": voucher,
                    "text": text, "cost_kind": cost_kind,
                })
        problems.extend(row_problems)
    return rows, problems


# --- 4. the whole import -----------------------------------------------------

def open_workbook(fileobj):
    try:
        return load_workbook(fileobj, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _file_problem("Filen kunne ikke læses som Excel-projektmappe; den kan være beskadiget.") from exc


ROW_MESSAGE = re.compile(r"^Række (\d+): (.*)$", re.S)


def _service_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for message in exc.messages:
        match = ROW_MESSAGE.match(message)
        if match:
            problems.append(Problem(L.SHEET_ENTRIES, f"række {match.group(1)}", match.group(2)))
        else:
            problems.append(Problem("", "", message))
    return problems


def import_workbook(*, cluster_year: ClusterYear, fileobj, filename: str, size: int, user,
                    dry_run: bool = False) -> ImportResult:
    """Check and (unless dry_run) save a filled template. Raises ImportRefused; then nothing is saved."""
    check_file(fileobj, filename, size)
    digest = sha256_of(fileobj)
    wb = open_workbook(fileobj)
    try:
        if L.SHEET_ENTRIES not in wb.sheetnames:
            raise _file_problem(f"Filen har intet ark med navnet «{L.SHEET_ENTRIES}». Brug skabelonen fra portalen.")
        with transaction.atomic():
            cluster_year = ClusterYear.objects.select_for_update().select_related("cluster__region").get(
                pk=cluster_year.pk
            )
            earlier = cluster_year.import_batches.filter(sha256=digest, reversed_at__isnull=True).first()
            if earlier is not None:
                raise _file_problem(
                    f"Præcis samme fil er allerede indlæst ({earlier.filename}, "
                    f"{earlier.imported_at:%d-%m-%Y %H:%M}). Tilbagefør den import først, hvis den skal indlæses igen."
                )
            lookups = Lookups.load(cluster_year)
            rows, problems = read_entries(wb[L.SHEET_ENTRIES], lookups)
            if not problems and not rows:
                problems = [Problem(L.SHEET_ENTRIES, "", "Arket indeholder ingen posteringer at indlæse.")]
            if problems:
                raise ImportRefused(problems)
            expenses = sum((r["amount"] for r in rows if r["kind"] == EntryKind.EXPENSE), Decimal("0.00"))
            income = sum((r["amount"] for r in rows if r["kind"] == EntryKind.INCOME), Decimal("0.00"))
            result = ImportResult(rows=len(rows), total=expenses + income, expenses=expenses, income=income,
                                  dry_run=dry_run)
            batch = ImportBatch(cluster_year=cluster_year, filename=Path(filename).name[:255], sha256=digest,
                                rows=len(rows), total=result.total, imported_by=user)
            batch.full_clean()
            batch.save()
            try:
                result.entries = entries_create_bulk(
                    cluster_year=cluster_year, rows=rows, created_by=user, import_batch=batch
                )
            except ValidationError as exc:
                raise ImportRefused(_service_problems(exc)) from exc
            if dry_run:
                transaction.set_rollback(True)
            else:
                result.batch = batch
            return result
    finally:
        wb.close()
