"""klyngeportal.exports, the one writer of every CSV and xlsx table download, and every download it serves.

The unit tests pin the rules (BOM, semicolons, Danish numbers and dates, typed xlsx, inert formulas).
``test_every_download`` walks the URL configuration (the permission matrix's rules give each URL its
kwargs), fetches every URL with and without ``?_export=csv|xlsx`` as a role allowed to read it, with
hostile text in the user's fields, and reads every CSV and xlsx it is served back.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import django_tables2 as tables
import openpyxl
import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse

from allocation.models import RowKind
from klyngeportal import exports as E
from tests import factories
from tests.conftest import ensure_reference_data
from tests.permissions.rules import OK, RULES, Rule
from tests.urlwalk import portal_urls

D = Decimal
HYPERLINK = '=HYPERLINK("http://x")'
SUM = "@SUM(1)"
ARITHMETIC = "-2+3"
HOSTILE = (HYPERLINK, SUM, ARITHMETIC)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula (OWASP)


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith(E.BOM), "en CSV skal starte med BOM (UTF-8), så Excel læser æøå"
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def read_xlsx(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


# --- the rules, one at a time ---------------------------------------------------------------

def test_csv_has_bom_semicolons_crlf_and_reads_back():
    text = E.csv_text([E.Column("Tekst"), E.Column("Beløb", E.MONEY)], [["a;b", D("1.5")], ["æøå", D("-2")]])
    assert text.startswith("\ufeffTekst;Beløb\r\n")
    assert read_csv(text) == [["Tekst", "Beløb"], ["a;b", "1,50"], ["æøå", "-2,00"]]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_formula_triggers_are_inert_in_csv_and_xlsx(trigger):
    text = f"{trigger}1+1"
    rows = read_csv(E.csv_text(["Tekst"], [[text]]))
    assert rows[1] == ["'" + text]
    sheet = read_xlsx(E.xlsx_bytes(E.Sheet("Ark", ["Tekst"], [[text]]))).active
    cell = sheet["A2"]
    # the text itself, as a string, never a formula (openpyxl leaves the CR as XML's escape _x000D_)
    assert cell.data_type == "s" and cell.value in (text, text.replace("\r", "_x000D_"))
    assert cell.quotePrefix  # and Excel keeps it text when the user edits the cell


def test_text_without_a_trigger_is_left_as_it_is():
    rows = read_csv(E.csv_text(["Tekst"], [["1+1"], [" =1"], ["SYN-1"], ["a=b"]]))
    assert [r[0] for r in rows[1:]] == ["1+1", " =1", "SYN-1", "a=b"]


def test_a_negative_amount_stays_a_number():
    columns = [E.Column("Beløb", E.MONEY), E.Column("Antal")]
    rows = read_csv(E.csv_text(columns, [[D("-1234.5"), -3]]))
    assert rows[1] == ["-1234,50", "-3"]  # no quote prefix: a number
    sheet = read_xlsx(E.xlsx_bytes(E.Sheet("Ark", columns, [[D("-1234.5"), -3]]))).active
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].number_format) == (-1234.5, "n", "#,##0.00")
    assert (sheet["B2"].value, sheet["B2"].data_type, sheet["B2"].number_format) == (-3, "n", "#,##0")


def test_decimals_are_exact_with_decimal_comma_and_no_thousands_separator():
    columns = [E.Column("Beløb", E.MONEY), E.Column("Andel"), E.Column("Indbyggere", E.WHOLE), E.Column("Kr.")]
    values = [D("123456789012.34"), D("0.446622415744"), D("5873327"), D("1234567.80")]
    rows = read_csv(E.csv_text(columns, [values]))
    assert rows[1] == ["123456789012,34", "0,446622415744", "5873327", "1234567,80"]
    assert [D(v.replace(",", ".")) for v in rows[1]] == values
    sheet = read_xlsx(E.xlsx_bytes(E.Sheet("Ark", columns, [values]))).active
    cells = sheet[2]
    assert [c.data_type for c in cells] == ["n"] * 4
    assert cells[0].value == pytest.approx(123456789012.34, abs=1e-6)
    assert cells[1].value == pytest.approx(0.446622415744, abs=1e-15)
    assert cells[2].value == 5873327 and cells[2].number_format == "#,##0"
    assert cells[3].number_format == "#,##0.00"


def test_money_rounds_half_up_to_ore_and_whole_numbers_have_no_decimals():
    rows = read_csv(E.csv_text([E.Column("Beløb", E.MONEY), E.Column("Indb.", E.WHOLE)], [[D("0.005"), D("2.5")]]))
    assert rows[1] == ["0,01", "3"]


def test_dates_are_danish_in_csv_and_typed_in_xlsx():
    utc_evening = datetime.datetime(2022, 12, 31, 23, 30, tzinfo=datetime.UTC)  # 1 January 00:30 in Copenhagen
    columns = ["Dato", "Oprettet"]
    rows = read_csv(E.csv_text(columns, [[datetime.date(2022, 3, 5), utc_evening]]))
    assert rows[1] == ["05.03.2022", "01.01.2023 00:30"]
    sheet = read_xlsx(E.xlsx_bytes(E.Sheet("Ark", columns, [[datetime.date(2022, 3, 5), utc_evening]]))).active
    assert sheet["A2"].is_date and sheet["A2"].value == datetime.datetime(2022, 3, 5)
    assert sheet["A2"].number_format == "dd.mm.yyyy"
    assert sheet["B2"].is_date and sheet["B2"].value == datetime.datetime(2023, 1, 1, 0, 30)


def test_choices_booleans_codes_and_empty_cells():
    columns = ["Rækketype", "Aktiv", E.Column("Kode", E.CODE), "Tom"]
    row = [RowKind.REGION_SUBTOTAL, True, 1084, None]
    assert read_csv(E.csv_text(columns, [row]))[1] == ["Region i alt", "Ja", "1084", ""]
    sheet = read_xlsx(E.xlsx_bytes(E.Sheet("Ark", columns, [row]))).active
    assert [c.value for c in sheet[2]] == ["Region i alt", "Ja", 1084, None]
    assert sheet["C2"].number_format == "0"  # a code: 1084, never 1.084


def test_xlsx_header_bold_frozen_and_row_styles():
    sheet_spec = E.Sheet("Fordeling: [1/2]", ["Navn", "Beløb"], [["a", 1], ["I alt", 2]],
                         style=lambda row: {"bold", "highlight"} if row[0] == "I alt" else None)
    sheet = read_xlsx(E.xlsx_bytes(sheet_spec)).active
    assert sheet.title == "Fordeling   1 2"  # characters Excel forbids in a sheet title are replaced
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold for c in sheet[1])
    assert not sheet["A2"].font.bold and sheet["A3"].font.bold
    assert sheet["A3"].fill.fgColor.rgb == "FFFFF3DC"


def test_responses_carry_type_and_attachment_name():
    response = E.csv_response("posteringer-æ", ["A"], [[1]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;") and ".csv" in response["Content-Disposition"]
    response = E.xlsx_response("fordeling", E.Sheet("Ark", ["A"], [[1]]))
    assert response["Content-Type"] == E.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="fordeling.xlsx"'
    with pytest.raises(ValueError):
        E.download("json", "x", E.Sheet("Ark", ["A"], []))


class _Table(tables.Table):
    name = tables.Column("Indsats")
    amount = tables.Column("Beløb")
    day = tables.Column("Dato")
    hidden = tables.Column("Handling", exclude_from_export=True, empty_values=())

    export_kinds = {"amount": E.MONEY}

    def render_amount(self, value):
        return f"{value} kr."

    def value_amount(self, value):
        return value

    def render_hidden(self):
        return "<a href='#'>Slet</a>"


def test_table_download_takes_the_verbose_names_and_the_values():
    data = [{"name": HYPERLINK, "amount": D("-5"), "day": datetime.date(2022, 1, 2)}]
    response = E.table_download(_Table(data), "csv", "tabel")
    assert read_csv(response.content.decode()) == [["Indsats", "Beløb", "Dato"], ["'" + HYPERLINK, "-5,00", "02.01.2022"]]
    sheet = read_xlsx(E.table_download(_Table(data), "xlsx", "tabel", title="Indsatser").content)["Indsatser"]
    assert [c.value for c in sheet[1]] == ["Indsats", "Beløb", "Dato"]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "d"]


# --- every download the portal serves -----------------------------------------------------

# Every download the walk must find (URL name, format): if one is missing, the walk is broken.
EXPECTED_DOWNLOADS = {
    ("accounts:entry_list", "csv"),
    ("allocation:round_list", "csv"), ("allocation:round_list", "xlsx"),
    ("allocation:round_export", "csv"), ("allocation:round_export", "xlsx"),
    ("allocation:round_export_municipalities", "csv"), ("allocation:round_export_municipalities", "xlsx"),
    ("allocation:round_reconciliation_export", "csv"), ("allocation:round_reconciliation_export", "xlsx"),
    ("review:collection", "csv"), ("review:collection", "xlsx"),
    ("geography:region_list", "csv"), ("geography:region_list", "xlsx"),
    ("geography:region_detail", "csv"), ("geography:region_detail", "xlsx"),
    ("geography:cluster_detail", "csv"), ("geography:cluster_detail", "xlsx"),
    ("geography:municipality_detail", "csv"), ("geography:municipality_detail", "xlsx"),
    ("geography:table2", "csv"), ("geography:table2", "xlsx"),
}
# Where each hostile text must show up (inert), so that the walk provably read user text.
HOSTILE_IN = {
    ("accounts:entry_list", "csv"): HOSTILE,
    ("review:collection", "csv"): HOSTILE,
    ("review:collection", "xlsx"): HOSTILE,
    ("allocation:round_list", "csv"): (HYPERLINK,),
    ("allocation:round_list", "xlsx"): (HYPERLINK,),
}
# The Excel template of the accounts (workbook app) is a workbook with formulas of its own by design; only
# the user's text in it is checked here.
TEMPLATE_NAMESPACE = "workbook:"
# django-tables2's ExportMixin answered these too, unchecked; the portal serves csv and xlsx only.
OTHER_FORMATS = ("json", "ods", "xls", "tsv", "yaml", "latex")
ROLE_ORDER = ("secretariat_a", "national", "admin", "ssu_a")
ENGLISH_HEADERS = {
    "match", "rounding", "deviation", "row_kind", "cluster", "municipality", "municipalities", "amount", "total",
    "name", "year", "kind", "code", "population", "date", "text", "region_kr", "municipalities_kr", "total_kr",
    "computed", "published", "difference", "column", "share", "funding_share", "amount_kr",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
DANISH_DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}( \d{2}:\d{2})?$")
CSV_NUMBER = re.compile(r"^-?\d+(,\d+)?$")
THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
POINT_DECIMAL = re.compile(r"^-?\d+\.\d+$")
NUMBER_AS_TEXT = re.compile(r"^-?\d+([.,]\d+)?$|^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def _raw_choice_values() -> set[str]:
    """Every stored value of a model choice that differs from its Danish label (match, expense, ...)."""
    raw, labels = set(), set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str):
                    raw.add(value)
                    labels.add(str(label))
    from allocation.reconciliation import COLUMN_LABELS, KIND_LABELS
    raw |= set(KIND_LABELS) | set(COLUMN_LABELS)
    labels |= set(KIND_LABELS.values()) | set(COLUMN_LABELS.values())
    return {v for v in raw - labels if v and not v.isdigit()}


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker):
    """The permission matrix's world, with formula-looking text in every user text field of cluster A."""
    from allocation import services as allocation_services
    from review import services as review_services

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            world = factories.build_world()
            sek_a, cy_a = world.users["secretariat_a"], world.cy_a
            hostile = factories.initiative(cy_a, by=sek_a, name=HYPERLINK, description=SUM)
            factories.entry(cy_a, hostile, by=sek_a, municipality=world.municipality_a, amount=D("1234.50"),
                            text=HYPERLINK, voucher=SUM)
            factories.entry(cy_a, hostile, by=sek_a, municipality=world.municipality_a, amount=D("0.10"),
                            text=ARITHMETIC, voucher=ARITHMETIC, kind="income")
            evaluation = review_services.evaluation_save(
                initiative=hostile, year=cy_a.year, by=sek_a, challenge=HYPERLINK, success_criteria=SUM,
                measurement=ARITHMETIC, measured_when="\tVed årets udgang", follow_up_responsible=SUM,
                result=ARITHMETIC, status="completed",
            )
            review_services.spreading_decide(evaluation=evaluation, decision="recommended", reasons=HYPERLINK,
                                             by=world.users["ssu_a"])
            factories.comment(cy_a, by=world.users["ssu_a"], text=ARITHMETIC)
            allocation_services.round_copy(source=world.round, name=HYPERLINK, by=world.users["admin"])
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _rules(name: str) -> list[Rule]:
    found = RULES[name]
    return list(found) if isinstance(found, list | tuple) else [found]


def _with_query(path: str, param: str) -> str:
    return path + ("&" if "?" in path else "?") + param


def _download_format(response) -> str | None:
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/csv"):
        return "csv"
    if content_type.startswith(E.XLSX_CONTENT_TYPE):
        return "xlsx"
    if "attachment" in response.get("Content-Disposition", ""):
        return "other"
    return None


def _check_csv(where: str, text: str, raw_values: set[str]) -> tuple[list[str], str]:
    problems = []
    if not text.startswith(E.BOM):
        return [f"{where}: starter ikke med BOM"], text
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    header = rows[0] if rows else []
    if len(header) < 2:
        problems.append(f"{where}: overskriften er ikke semikolonsepareret: {header}")
    for title in header:
        if title.strip().lower() in ENGLISH_HEADERS or "_" in title:
            problems.append(f"{where}: engelsk overskrift {title!r}")
    for row in rows[1:]:
        for cell in row:
            if cell.startswith(TRIGGERS) and not CSV_NUMBER.match(cell):
                problems.append(f"{where}: levende formel {cell!r}")
            if cell in raw_values:
                problems.append(f"{where}: rå værdi {cell!r} i stedet for den danske betegnelse")
            if ISO_DATE.match(cell):
                problems.append(f"{where}: dato som ISO {cell!r} (skal være dd.mm.åååå)")
            if THOUSANDS.match(cell) or POINT_DECIMAL.match(cell):
                problems.append(f"{where}: tal med punktum {cell!r} (decimalkomma, ingen tusindtalsskilletegn)")
    return problems, "\n".join(cell for row in rows for cell in row)


def _check_xlsx(where: str, content: bytes, raw_values: set[str], *, template: bool) -> tuple[list[str], str]:
    problems, texts = [], []
    workbook = read_xlsx(content)
    for sheet in workbook.worksheets:
        for row_number, row in enumerate(sheet.iter_rows(), start=1):
            for cell in row:
                value = cell.value
                if isinstance(value, str):
                    texts.append(value)
                if template:
                    if isinstance(value, str) and any(h in value for h in HOSTILE) and cell.data_type == "f":
                        problems.append(f"{where}: brugerens tekst som formel i {sheet.title}!{cell.coordinate}")
                    continue
                if cell.data_type == "f":
                    problems.append(f"{where}: formel i {sheet.title}!{cell.coordinate}: {value!r}")
                if not isinstance(value, str):
                    continue
                if row_number == 1:
                    if not cell.font.bold:
                        problems.append(f"{where}: overskriften {value!r} er ikke fed")
                    if value.strip().lower() in ENGLISH_HEADERS or "_" in value:
                        problems.append(f"{where}: engelsk overskrift {value!r}")
                    continue
                if NUMBER_AS_TEXT.match(value) or DANISH_DATE.match(value) or ISO_DATE.match(value):
                    problems.append(f"{where}: tal eller dato som tekst i {sheet.title}!{cell.coordinate}: {value!r}")
                if value in raw_values:
                    problems.append(f"{where}: rå værdi {value!r} i {sheet.title}!{cell.coordinate}")
        if not template and sheet.freeze_panes != "A2":
            problems.append(f"{where}: overskriften i {sheet.title} er ikke frosset")
    return problems, "\n".join(texts)


def _check_download(where: str, response, raw_values: set[str], *, template: bool, requested: str | None):
    """(problems, the file's text cells) of one response that is a download; None if it is no download."""
    fmt = _download_format(response)
    if fmt is None:
        return None
    if response.status_code != 200:
        return fmt, [f"{where}: svar {response.status_code}"], ""
    if fmt == "other":
        return fmt, [f"{where}: en download i et andet format end CSV og xlsx"], ""
    problems = []
    if requested is not None and requested != fmt:
        problems.append(f"{where}: formatet {requested} gav en {fmt}-fil")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        if response["Content-Type"] != E.CSV_CONTENT_TYPE:
            problems.append(f"{where}: Content-Type {response['Content-Type']}")
        found, text = _check_csv(where, content.decode("utf-8"), raw_values)
    else:
        found, text = _check_xlsx(where, content, raw_values, template=template)
    return fmt, problems + found, text


def test_every_download_opens_right_and_carries_no_live_formula(hostile_world, db):
    world = hostile_world
    raw_values = _raw_choice_values()
    assert {"match", "region_subtotal", "expense", "recommended"} <= raw_values
    problems: list[str] = []
    found: dict[tuple[str, str], str] = {}
    names = sorted({url.name for url in portal_urls() if url.name in RULES})
    for name in names:
        for rule in _rules(name):
            role = next((r for r in ROLE_ORDER if rule.get[r] is OK), None)
            if role is None:
                continue
            client = Client()
            client.force_login(world.users[role])
            with transaction.atomic():  # whatever a rule prepares or a GET writes is undone
                if rule.prepare is not None:
                    rule.prepare(world)
                query = rule.extra["query"](world) if "query" in rule.extra else rule.query
                path = reverse(name, kwargs=rule.kwargs(world)) + query
                template = name.startswith(TEMPLATE_NAMESPACE)
                # The URL as the page links it; then, unless it is a file at its own URL (fordeling.csv),
                # with each export parameter django-tables2 knows: only csv and xlsx may give a file.
                attempts = [(path, None)]
                if "_export=" not in path:
                    attempts += [(_with_query(path, f"_export={fmt}"), fmt) for fmt in (*E.FORMATS, *OTHER_FORMATS)]
                for attempt, requested in attempts:
                    where = f"{name} ({attempt} som {role})"
                    result = _check_download(where, client.get(attempt), raw_values, template=template,
                                             requested=requested)
                    if result is None:
                        continue
                    fmt, found_problems, text = result
                    problems += found_problems
                    found[(name, fmt)] = found.get((name, fmt), "") + "\n" + text
                    if requested is None:
                        break  # the URL itself is the file
                transaction.set_rollback(True)
    missing = EXPECTED_DOWNLOADS - set(found)
    assert not missing, f"Downloads, som gennemgangen ikke fandt: {sorted(missing)}"
    for key, texts in HOSTILE_IN.items():
        prefix = "'" if key[1] == "csv" else ""
        for hostile in texts:
            if prefix + hostile not in found[key].split("\n"):
                problems.append(f"{key}: den fjendtlige tekst {hostile!r} findes ikke som {prefix + hostile!r}")
    assert not problems, "\n".join(problems)


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200 and _download_format(response) in E.FORMATS
    return len(captured)


def test_downloads_take_the_same_queries_whatever_the_data_size(hostile_world, db):
    world = hostile_world
    sek_a, cy_a = world.users["secretariat_a"], world.cy_a
    client = Client()
    client.force_login(sek_a)
    paths = [
        reverse("accounts:entry_list", args=[cy_a.pk]) + "?_export=csv",
        reverse("review:collection") + "?_export=csv",
        reverse("review:collection") + "?_export=xlsx",
    ]
    before = [_queries(client, path) for path in paths]
    for n in range(12):
        initiative = factories.initiative(cy_a, by=sek_a, name=f"Syntetisk indsats {n}")
        factories.entry(cy_a, initiative, by=sek_a, municipality=world.municipality_a, amount=D("10.00"))
        factories.evaluation(initiative, cy_a.year, by=sek_a)
    assert [_queries(client, path) for path in paths] == before
