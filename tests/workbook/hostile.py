"""Hostile .xlsx files, made by small code from a minimal workbook with the template's Regnskab headers.

Each maker returns the bytes of one file of a class that must be refused quickly: archive
members that inflate far beyond their stored size (shared strings and sheets), DTD entities
(billion laughs, an external entity), malformed or truncated XML, absurd row counts, and a
member that lies about its size. The big ones are written in chunks, so that the test itself
never holds the inflated content. Every text in them is synthetic.
"""
from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import xlsxwriter

from workbook import layout as L

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
WORKBOOK = "xl/workbook.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}">'.encode()
LAUGHS = "".join('<!ENTITY l%d "%s">' % (i, f"&l{i - 1};" * 10) for i in range(1, 10))  # noqa: UP031
BILLION_LAUGHS_DTD = f'<!DOCTYPE lolz [<!ENTITY l0 "Syntetisk">{LAUGHS}]>'


def base() -> bytes:
    """A plain workbook: Regnskab with the template's headers in shared strings, as XlsxWriter (the builder) saves it."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    wb.add_worksheet(L.SHEET_ENTRIES).write_row(0, 0, L.ENTRY_HEADERS)
    wb.close()
    return out.getvalue()


def header_row() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{header}</t></is></c>' for header in L.ENTRY_HEADERS)
    return f'<row r="1">{cells}</row>'.encode()


def rebuild(data: bytes, replace: dict, stored: tuple[str, ...] = ()) -> bytes:
    """The workbook with members replaced: bytes, or a function writing chunks to the member's handle."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = [info.filename for info in source.infolist()]
        for name in names + [n for n in replace if n not in names]:
            content = replace.get(name, source.read(name) if name in names else b"")
            info = zipfile.ZipInfo(name, date_time=(2022, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.compress_level = 9
            with target.open(info, "w") as handle:
                if callable(content):
                    content(handle)
                else:
                    handle.write(content)
    return out.getvalue()


def repeat(head: bytes, unit: bytes, size: int, tail: bytes):
    """A writer of head + as many units as fit in ``size`` bytes + tail, in chunks of about 1 MB."""
    def write(handle):
        handle.write(head)
        per_chunk = max(1, MB // len(unit))
        left = size // len(unit)
        while left > 0:
            handle.write(unit * min(per_chunk, left))
            left -= per_chunk
        handle.write(tail)
    return write


def strings_bomb(size: int = 250 * MB) -> bytes:
    """The issue's file: shared strings that inflate to 250 MB from well under 1 MB."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN_NS}">'.encode()
    return rebuild(base(), {STRINGS: repeat(head, b"<si><t>Syntetisk</t></si>", size, b"</sst>")})


def sheet_bomb(size: int = 200 * MB) -> bytes:
    """A sheet of rows that inflates to 200 MB, beyond the size of any sheet the portal reads."""
    unit = b'<row><c t="inlineStr"><is><t>Syntetisk</t></is></c></row>'
    return rebuild(base(), {SHEET: repeat(HEAD + b"<sheetData>" + header_row(), unit, size,
                                          b"</sheetData></worksheet>")})


def ratio_bomb(member: str = SHEET, size: int = 30 * MB) -> bytes:
    """A member within the size limits that inflates a thousand times its stored size."""
    if member == STRINGS:
        head = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN_NS}">'.encode()
        return rebuild(base(), {STRINGS: repeat(head, b"<si><t>Syntetisk</t></si>", size, b"</sst>")})
    return rebuild(base(), {SHEET: repeat(HEAD + b"<sheetData>" + header_row(), b"<row/>", size,
                                          b"</sheetData></worksheet>")})


def billion_laughs(member: str = STRINGS) -> bytes:
    """An entity that expands to a billion copies of a word, in the shared strings, the workbook or a sheet."""
    if member == STRINGS:
        xml = f'<?xml version="1.0"?>{BILLION_LAUGHS_DTD}<sst xmlns="{MAIN_NS}"><si><t>&l9;</t></si></sst>'
    elif member == WORKBOOK:
        xml = (f'<?xml version="1.0"?>{BILLION_LAUGHS_DTD}<workbook xmlns="{MAIN_NS}" xmlns:r='
               '"http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
               '<sheet name="Regnskab" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName '
               'name="Syntetisk">&l9;</definedName></definedNames></workbook>')
    else:
        xml = (f'<?xml version="1.0"?>{BILLION_LAUGHS_DTD}<worksheet xmlns="{MAIN_NS}"><sheetData>'
               f'{header_row().decode()}<row r="2"><c t="inlineStr"><is><t>&l9;</t></is></c></row>'
               '</sheetData></worksheet>')
    return rebuild(base(), {member: xml.encode()})


def external_entity(member: str = SHEET) -> bytes:
    """XXE: an entity that names a file on the server, used in a cell (or in the shared strings)."""
    dtd = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    if member == STRINGS:
        xml = f'<?xml version="1.0"?>{dtd}<sst xmlns="{MAIN_NS}"><si><t>&xxe;</t></si></sst>'
    else:
        xml = (f'<?xml version="1.0"?>{dtd}<worksheet xmlns="{MAIN_NS}"><sheetData>{header_row().decode()}'
               '<row r="2"><c t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
    return rebuild(base(), {member: xml.encode()})


def truncated(member: str = SHEET) -> bytes:
    """A member cut off in the middle of its XML (as a broken download or a disk full leaves it)."""
    with zipfile.ZipFile(io.BytesIO(base())) as archive:
        xml = archive.read(member)
    if member == SHEET:
        rows = b"".join(b'<row r="%d"><c t="inlineStr"><is><t>Syntetisk %d</t></is></c></row>' % (n, n)
                        for n in range(2, 400))
        xml = HEAD + b"<sheetData>" + header_row() + rows + b"</sheetData></worksheet>"
    return rebuild(base(), {member: xml[: len(xml) * 2 // 3]})


def malformed_strings() -> bytes:
    """Shared strings whose tags do not match."""
    return rebuild(base(), {STRINGS: f'<sst xmlns="{MAIN_NS}"><si><t>Syntetisk</si></t></sst>'.encode()})


def far_row(number: int = 1_048_576) -> bytes:
    """Data in the sheet's last row (1.048.576): openpyxl would hand out every empty row before it."""
    row = f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>Syntetisk</t></is></c></row>'.encode()
    return rebuild(base(), {SHEET: HEAD + b"<sheetData>" + header_row() + row + b"</sheetData></worksheet>"})


def many_rows(rows: int = 250_000) -> bytes:
    """250.000 rows, stored uncompressed (no ratio to refuse), and broken XML after them.

    The refusal must be the row limit, not the broken XML: the reading stopped at the limit.
    """
    body = b"".join(b'<row r="%d"/>' % n for n in range(2, rows + 2))
    xml = HEAD + b'<dimension ref="A1:M2"/><sheetData>' + header_row() + body + b"<row><c>broken</row>"
    return rebuild(base(), {SHEET: xml}, stored=(SHEET,))


def claims_rows(claimed: int = 10_000_000) -> bytes:
    """A sheet whose dimension claims 10 million rows."""
    xml = (HEAD + f'<dimension ref="A1:M{claimed}"/>'.encode() + b"<sheetData>" + header_row()
           + b"</sheetData></worksheet>")
    return rebuild(base(), {SHEET: xml})


def lying_size(size: int = 50 * MB) -> bytes:
    """A sheet member whose zip directory says it is 1 KB, while its stream inflates to 50 MB."""
    data = bytearray(ratio_bomb(SHEET, size))
    name = SHEET.encode()
    at = data.find(b"PK\x01\x02")  # the central directory: the uncompressed size at offset 24
    while bytes(data[at + 46: at + 46 + struct.unpack_from("<H", data, at + 28)[0]]) != name:
        at = data.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, 1024)
    return bytes(data)


CHILD = textwrap.dedent("""
    import json, os, sys, time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django
    django.setup()
    from accounts.models import ClusterYear
    from geography.models import Cluster
    from workbook.importer import Lookups, read_entries
    from workbook import layout as L
    from workbook.safety import ImportRefused, check_file, open_workbook

    path = sys.argv[1]
    start = time.perf_counter()
    refused, messages = False, []
    cluster_year = ClusterYear(cluster=Cluster(name="Syntetisk klynge"), year=2022)
    lookups = Lookups(cluster_year, {}, {}, {}, {}, set())
    try:
        with open(path, "rb") as handle:
            check_file(handle, "regnskab.xlsx", os.path.getsize(path))
            wb = open_workbook(handle)
            try:
                out = read_entries(wb[L.SHEET_ENTRIES], lookups)
                messages = [p.message for p in out.problems]
            finally:
                wb.close()
    except ImportRefused as exc:
        refused, messages = True, [p.message for p in exc.problems]
    seconds = time.perf_counter() - start
    # the child's own peak: VmHWM starts anew at exec, ru_maxrss keeps the parent's peak from before it
    with open("/proc/self/status") as status:
        peak_mb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    print(json.dumps({"refused": refused, "messages": messages, "seconds": seconds, "peak_mb": peak_mb}))
""")


def refuse_in_child(path: Path, code: str = CHILD, timeout: int = 60) -> dict:
    """Run the reading of the importer (the file checks, the opening, the rows) on ``path`` in a child process.

    Returns what the child reports: refused, the Danish messages, its seconds and its own peak
    memory (ru_maxrss, the whole process with Python and Django included).
    """
    import json

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=root, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
