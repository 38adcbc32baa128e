"""Import of one quarter of Statistics Denmark's FOLK1A (population on the 1st day of a quarter).

The file is the statbank CSV download: semicolon-separated, header
``OMRÅDE;KØN;ALDER;TID;INDHOLD`` with texts ("101 København", "I alt",
"Alder i alt", "2022K1") or codes ("101", "TOT", "IALT", "2022K1"); or the
simple form shipped in geography/data, ``municipality_code,municipality,population_2022k1``,
which is read as the same rows and passes the same checks. Only totals
over sex and age are accepted, for one quarter, with every municipality exactly
once. Aggregate areas (Hele landet, the regions, landsdele) are skipped, and so
is Christiansø (Ertholmene), which belongs to no municipality.

A file with any problem is refused as a whole with the Danish list of all its
problems (line numbers); nothing is saved. Loading a quarter that is already
there replaces its figures in one transaction and reports what changed.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db import transaction

from geography.models import Municipality, MunicipalityPopulation, PopulationQuarter
from geography.population_file import PopulationFileError, UnreadableFile, decode
from klyngeportal.formats import format_number

__all__ = ["LoadResult", "ParsedFile", "PopulationFileError", "UnreadableFile", "decode", "format_reference_date",
           "parse", "population_quarter_load", "quarter_reference_date"]

QUARTER_RE = re.compile(r"^(\d{4})K([1-4])$")
QUARTER_MONTH = {1: 1, 2: 4, 3: 7, 4: 10}

SEX_TOTALS = {"i alt", "tot", "køn i alt"}
AGE_TOTALS = {"alder i alt", "ialt"}
REQUIRED_COLUMNS = ("OMRÅDE", "TID", "INDHOLD")
OPTIONAL_TOTAL_COLUMNS = ("KØN", "ALDER")

# Aggregate areas of FOLK1A, by code and by text.
NATIONAL_CODE = "000"
NATIONAL_NAME = "hele landet"
AGGREGATE_CODES = {"081", "082", "083", "084", "085"}
AGGREGATE_PREFIXES = ("region ", "landsdel ")
CHRISTIANSOE_CODE = "411"
CHRISTIANSOE_NAMES = {"christiansø", "ertholmene"}

MAX_POPULATION = 2_147_483_647  # the database column's upper bound

AREA_RE = re.compile(r"^(\d{1,3})(?:\s+(.*))?$")
SIMPLE_HEADER_RE = re.compile(r"^municipality_code,municipality,population_(\d{4})k([1-4])$", re.IGNORECASE)
# Statistics Denmark's spelling -> the cluster map's (DST writes "Vesthimmerlands", the map "Vesthimmerland").
DST_SPELLINGS = {"vesthimmerlands": "vesthimmerland"}


@dataclass
class ParsedFile:
    quarter_code: str
    reference_date: datetime.date
    populations: dict[int, int]  # municipality pk -> population
    notes: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    quarter: PopulationQuarter
    created: bool
    changes: list[str]
    notes: list[str]
    changed: bool = True  # False: the quarter was there with the same figures


    @property
    def summary_lines(self) -> list[str]:
        return [*self.changes, *self.notes]


def quarter_reference_date(code: str) -> datetime.date:
    """2022K1 -> 1 January 2022; K2 -> 1 April; K3 -> 1 July; K4 -> 1 October."""
    match = QUARTER_RE.match(code.strip())
    if not match:
        raise ValueError(f"«{code}» er ikke et kvartal som 2022K1.")
    return datetime.date(int(match.group(1)), QUARTER_MONTH[int(match.group(2))], 1)


def format_reference_date(date: datetime.date) -> str:
    """The portal's one date format: 01.04.2022."""
    return f"{date:%d.%m.%Y}"


def _header_problems(header: list[str], first_line: str) -> list[str]:
    names = [h.strip().upper() for h in header]
    if len(header) == 1:
        for delimiter, label in ((",", "komma"), ("\t", "tabulator")):
            if delimiter in first_line:
                return [
                    f"Linje 1: filen er adskilt med {label}, ikke semikolon; "
                    "hent FOLK1A som «CSV (semikolonsepareret)» fra Statistikbanken."
                ]
        return [
            f"Linje 1: overskriften «{first_line.strip()[:80]}» er ikke en FOLK1A-eksport "
            "(forventet OMRÅDE;KØN;ALDER;TID;INDHOLD adskilt med semikolon)."
        ]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    unknown = [h for h in names if h not in REQUIRED_COLUMNS + OPTIONAL_TOTAL_COLUMNS]
    duplicated = sorted({h for h in names if names.count(h) > 1})
    problems = []
    if missing:
        problems.append(f"Linje 1: kolonne mangler: {', '.join(missing)}.")
    if unknown:
        problems.append(f"Linje 1: ukendt kolonne: {', '.join(unknown)}.")
    if duplicated:
        problems.append(f"Linje 1: kolonne står flere gange: {', '.join(duplicated)}.")
    if problems:
        problems[-1] += " Forventet overskrift: OMRÅDE;KØN;ALDER;TID;INDHOLD."
    return problems


def _is_total(value: str, totals: set[str]) -> bool:
    """A total as text ("I alt"), as code ("TOT") or as code and text ("TOT I alt")."""
    folded = " ".join(value.casefold().split())
    if folded in totals:
        return True
    code, _, text = folded.partition(" ")
    return code in totals and text in totals


class _Areas:
    """Matches an area text to a municipality, an aggregate to skip, or Christiansø."""

    def __init__(self, municipalities):
        self.by_code = {m.code: m for m in municipalities}
        self.by_name = {m.name.casefold(): m for m in municipalities}

    @staticmethod
    def _fold(name: str) -> str:
        folded = name.casefold()
        if folded.endswith(" kommune"):
            folded = folded[: -len(" kommune")].strip()
        return DST_SPELLINGS.get(folded, folded)

    def classify(self, text: str):
        """(kind, municipality or reason); kind is municipality, national, aggregate, christiansoe or unknown."""
        text = " ".join(text.split())
        match = AREA_RE.match(text)
        code, name = (match.group(1), (match.group(2) or "").strip()) if match else (None, text)
        folded = self._fold(name)
        if code is not None:
            padded = code.zfill(3)
            if padded == NATIONAL_CODE:
                return "national", None
            if padded in AGGREGATE_CODES:
                return "aggregate", None
            if padded == CHRISTIANSOE_CODE:
                return "christiansoe", None
            municipality = self.by_code.get(int(code))
            if municipality is None:
                return "unknown", f"ukendt område «{text}» (ingen kommune med kode {code})"
            if folded and folded != municipality.name.casefold():
                return "unknown", (
                    f"område «{text}»: kode {code} er {municipality.name}, ikke «{name}»"
                )
            return "municipality", municipality
        if folded == NATIONAL_NAME:
            return "national", None
        if folded.startswith(AGGREGATE_PREFIXES):
            return "aggregate", None
        if folded in CHRISTIANSOE_NAMES:
            return "christiansoe", None
        municipality = self.by_name.get(folded)
        if municipality is None:
            return "unknown", f"ukendt område «{text}»"
        return "municipality", municipality


def _simple_rows(text: str) -> list[tuple[int, list[str]]] | None:
    """The simple form ``municipality_code,municipality,population_2022k1`` as FOLK1A rows (OMRÅDE, TID, INDHOLD).

    None when the file is not in that form. The line numbers are the file's, so every check
    reports the line a reader finds in the file.
    """
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    match = SIMPLE_HEADER_RE.match(first_line.strip())
    if not match:
        return None
    quarter = f"{match.group(1)}K{match.group(2)}"
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise PopulationFileError([f"Filen kan ikke læses som CSV: {exc}."]) from exc
    rows, header_seen = [], False
    for line_no, row in raw:
        if not any(cell.strip() for cell in row):
            continue
        if not header_seen:
            rows.append((line_no, ["OMRÅDE", "TID", "INDHOLD"]))
            header_seen = True
        elif len(row) != 3:
            rows.append((line_no, row))  # refused below with its number of fields
        else:
            code, name, value = (cell.strip() for cell in row)
            rows.append((line_no, [f"{code} {name}", quarter, value]))
    return rows


def parse(data: bytes, municipalities=None) -> ParsedFile:
    """Read and check a FOLK1A export; raise PopulationFileError with every problem."""
    text = decode(data)
    municipalities = list(municipalities if municipalities is not None else Municipality.objects.all())
    lines = text.splitlines()
    first_line = next((line for line in lines if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    header = None
    problems: list[str] = []
    areas = _Areas(municipalities)
    seen: dict[int, int] = {}  # municipality pk -> line number
    populations: dict[int, int] = {}
    quarters: dict[str, int] = {}  # quarter -> first line
    christiansoe = None
    national_total = None
    data_rows = 0
    rows = _simple_rows(text)
    if rows is None:
        try:
            # reader.line_num is the file's line where the row ends (a quoted field may hold a line break)
            rows = [(reader.line_num, row) for row in reader]
        except csv.Error as exc:
            raise PopulationFileError([f"Filen kan ikke læses som CSV: {exc}."]) from exc
    for line_no, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header_problems = _header_problems(row, first_line)
            if header_problems:
                raise PopulationFileError(header_problems)
            header = [h.strip().upper() for h in row]
            continue
        data_rows += 1
        if len(row) != len(header):
            problems.append(
                f"Linje {line_no}: {len(row)} felter, forventet {len(header)} ({';'.join(header)})."
            )
            continue
        cells = {name: value.strip() for name, value in zip(header, row, strict=True)}
        row_problems = []
        sex, age = cells.get("KØN"), cells.get("ALDER")
        if sex is not None and not _is_total(sex, SEX_TOTALS):
            row_problems.append(f"køn er «{sex}», ikke i alt (kun totaler over køn og alder)")
        if age is not None and not _is_total(age, AGE_TOTALS):
            row_problems.append(f"alder er «{age}», ikke alder i alt (kun totaler over køn og alder)")
        # code and text together ("2022K1 2022K1") is the same quarter
        time_tokens = cells["TID"].upper().split()
        quarter = time_tokens[0] if time_tokens and len(set(time_tokens)) == 1 else cells["TID"].upper()
        if not QUARTER_RE.match(quarter):
            row_problems.append(f"tid «{cells['TID']}» er ikke et kvartal som 2022K1")
        else:
            quarters.setdefault(quarter, line_no)
        raw_value = cells["INDHOLD"]
        value = int(raw_value) if raw_value.isascii() and raw_value.isdigit() else None
        if value is None:
            row_problems.append(f"indholdet «{raw_value}» er ikke et helt tal ≥ 0")
        elif value > MAX_POPULATION:
            row_problems.append(f"indholdet «{raw_value}» er større end noget indbyggertal ({MAX_POPULATION})")
            value = None
        kind, found = areas.classify(cells["OMRÅDE"])
        if kind == "unknown":
            row_problems.append(found)
        elif kind == "municipality":
            if found.pk in seen:
                row_problems.append(f"{found.name} står også i linje {seen[found.pk]}")
            else:
                seen[found.pk] = line_no
        if row_problems:
            problems.append(f"Linje {line_no}: " + "; ".join(row_problems) + ".")
            continue
        if kind == "municipality":
            populations[found.pk] = value
        elif kind == "christiansoe":
            christiansoe = value
        elif kind == "national":
            national_total = value
    if header is None:
        raise PopulationFileError(["Filen er tom."])
    if data_rows == 0:
        problems.append("Filen har ingen datalinjer under overskriften.")
    if len(quarters) > 1:
        listed = ", ".join(f"{q} (fra linje {n})" for q, n in sorted(quarters.items()))
        problems.append(f"Filen blander kvartaler: {listed}; indlæs ét kvartal ad gangen.")
    missing = sorted((m for m in municipalities if m.pk not in seen), key=lambda m: m.code)
    if missing and data_rows:
        names = ", ".join(f"{m.name} ({m.code:03d})" for m in missing)
        problems.append(f"{_municipalities(len(missing))} mangler i filen: {names}.")
    if problems:
        raise PopulationFileError(problems)
    quarter_code = next(iter(quarters))
    notes = []
    if christiansoe is not None:
        notes.append(
            f"Christiansø (411, Ertholmene) hører ikke til nogen kommune og er sprunget over "
            f"({format_number(christiansoe)} indbyggere)."
        )
    else:
        notes.append("Christiansø (411, Ertholmene) hører ikke til nogen kommune og indgår ikke.")
    if national_total is not None:
        computed = sum(populations.values()) + (christiansoe or 0)
        if computed != national_total:
            notes.append(
                f"Bemærk: Hele landet er {format_number(national_total)}, men kommunerne"
                f"{' og Christiansø' if christiansoe is not None else ''} summerer til {format_number(computed)}."
            )
    return ParsedFile(
        quarter_code=quarter_code,
        reference_date=quarter_reference_date(quarter_code),
        populations=populations,
        notes=notes,
    )


def _municipalities(count: int) -> str:
    return f"{count} kommune" if count == 1 else f"{count} kommuner"


def population_quarter_load(*, data: bytes, source_name: str, source: str = "", loaded_by=None) -> LoadResult:
    """Check the file and save its quarter, replacing an earlier load of the same quarter.

    ``source`` says where the figures come from (empty for an upload). A load that changes
    nothing (same figures, file, source and user) saves nothing.
    Raises PopulationFileError (nothing saved) when the file has problems.
    """
    municipalities = list(Municipality.objects.all())
    by_pk = {m.pk: m for m in municipalities}
    parsed = parse(data, municipalities)
    total = sum(parsed.populations.values())
    with transaction.atomic():
        quarter = PopulationQuarter.objects.select_for_update().filter(code=parsed.quarter_code).first()
        created = quarter is None
        if created:
            quarter = PopulationQuarter(code=parsed.quarter_code, reference_date=parsed.reference_date)
        described = (source_name[:255], source[:255], getattr(loaded_by, "pk", None))
        relabelled = described != (quarter.source_name, quarter.source, quarter.loaded_by_id)
        quarter.source_name, quarter.source = described[0], described[1]
        quarter.loaded_by = loaded_by
        if created:
            quarter.full_clean()
            quarter.save()
        existing = {p.municipality_id: p for p in MunicipalityPopulation.objects.filter(quarter=quarter)}
        to_create, to_update, changed = [], [], []
        for pk, value in parsed.populations.items():
            row = existing.pop(pk, None)
            if row is None:
                row = MunicipalityPopulation(quarter=quarter, municipality_id=pk, population=value)
                row.clean_fields(exclude=["quarter", "municipality"])
                to_create.append(row)
            elif row.population != value:
                changed.append((by_pk[pk], row.population, value))
                row.population = value
                row.clean_fields(exclude=["quarter", "municipality"])
                to_update.append(row)
        if not created and (relabelled or changed or to_create):
            quarter.full_clean()
            quarter.save()
        MunicipalityPopulation.objects.bulk_create(to_create)
        MunicipalityPopulation.objects.bulk_update(to_update, ["population"])
    when = format_reference_date(parsed.reference_date)
    lines = []
    if created:
        lines.append(
            f"Indlæst {quarter.code} ({when}): {len(parsed.populations)} kommuner, "
            f"i alt {format_number(total)} indbyggere."
        )
    else:
        if changed:
            changed.sort(key=lambda c: c[0].code)
            detail = ", ".join(
                f"{m.name} {format_number(old)} -> {format_number(new)}" for m, old, new in changed
            )
            lines.append(f"{quarter.code} ({when}) erstattet: {_municipalities(len(changed))} ændret: {detail}.")
        if to_create:
            lines.append(f"{_municipalities(len(to_create))} tilføjet.")
        if not (changed or to_create):
            lines.append(f"{quarter.code} ({when}) var allerede indlæst med de samme tal; intet ændret.")
        else:
            lines.append(f"I alt {format_number(total)} indbyggere.")
    return LoadResult(
        quarter=quarter, created=created, changes=lines, notes=parsed.notes,
        changed=bool(created or changed or to_create),
    )
