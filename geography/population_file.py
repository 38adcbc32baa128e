"""A FOLK1A file before a line of it is read: its size, its bytes, its encoding and its line lengths.

A sane FOLK1A quarter is a few kilobytes of text (about 110 lines under 100 characters).
Anything far from that is refused at once with a Danish ``UnreadableFile`` (a
``PopulationFileError``), before the CSV reader or the database is touched: a file over
``MAX_FILE_BYTES`` is not even read (the command looks at its size first and reads at most
one byte more than the limit), binary junk and UTF-16/UTF-32 are refused by their bytes,
text that is neither UTF-8 nor Windows-1252 by its decoding, and absurd lines by their length.
"""
from __future__ import annotations

import re
import stat
from pathlib import Path

from klyngeportal.formats import format_number

MAX_FILE_BYTES = 2 * 1024 * 1024  # one quarter with totals is about 10 KB; a full statbank table is refused
MAX_LINE_CHARS = 1000
MAX_LINES = 10_000
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DOWNLOAD_HINT = "hent FOLK1A som CSV fra Statistikbanken (ét kvartal, totaler over køn og alder)"


class PopulationFileError(Exception):
    """The file was refused; ``problems`` lists every problem in Danish."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class UnreadableFile(PopulationFileError):
    """Refused as a file (too big, binary, wrong encoding, absurd lines) before any line is checked."""


def _kb(size: int) -> str:
    return f"{format_number(round(size / 1024))} KB"


def too_big(size: int) -> UnreadableFile:
    return UnreadableFile([f"Filen fylder {_kb(size)}; en FOLK1A-fil for ét kvartal fylder nogle få KB "
                           f"(grænsen er {_kb(MAX_FILE_BYTES)}). Kontrollér, at du har valgt den rigtige fil, "
                           f"og {DOWNLOAD_HINT}."])


def read_path(path: Path) -> bytes:
    """The file's bytes, refusing a file over the limit without reading it. Raises OSError or UnreadableFile."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile([f"{path} er ikke en almindelig fil (fx en mappe eller en enhed)."])
    size = info.st_size
    if size > MAX_FILE_BYTES:
        raise too_big(size)
    with path.open("rb") as handle:
        return read_upload(handle, size)


def read_upload(handle, size: int | None = None) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of an open file or upload; refused when there is more."""
    if size is not None and size > MAX_FILE_BYTES:
        raise too_big(size)
    data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_big(size or len(data))
    return data


def _wide_text(data: bytes) -> bool:
    """UTF-16 or UTF-32 without a BOM: a zero byte at (nearly) every other position of the first bytes."""
    head = data[:400]
    return len(head) >= 8 and any(part.count(0) > 0.7 * len(part) for part in (head[0::2], head[1::2]))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; refuse what is not sane text."""
    if len(data) > MAX_FILE_BYTES:
        raise too_big(len(data))
    if not data.strip():
        raise UnreadableFile(["Filen er tom."])
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile([f"Filen er en Excel- eller zip-fil, ikke CSV; {DOWNLOAD_HINT}."])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _wide_text(data):
        raise UnreadableFile(["Filen er gemt som UTF-16 eller UTF-32; gem den som CSV i UTF-8 eller Windows-1252."])
    if b"\x00" in data:
        raise UnreadableFile([f"Filen er ikke en tekstfil (CSV) men binær; {DOWNLOAD_HINT}."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                [f"Filen kan ikke læses som tekst i UTF-8 eller Windows-1252; {DOWNLOAD_HINT}."]
            ) from exc
    controls = len(CONTROL_RE.findall(text))
    if controls:
        raise UnreadableFile([f"Filen indeholder {format_number(controls)} styretegn, som ikke hører til i en "
                              f"tekstfil (CSV); den er binær eller beskadiget. {DOWNLOAD_HINT.capitalize()}."])
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise UnreadableFile([f"Filen har {format_number(len(lines))} linjer; en FOLK1A-fil for ét kvartal har "
                              f"omkring 110 (grænsen er {format_number(MAX_LINES)}). {DOWNLOAD_HINT.capitalize()}."])
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise UnreadableFile([f"Linje {number} er {format_number(len(line))} tegn lang; en FOLK1A-linje er "
                                  f"under 100 tegn (grænsen er {format_number(MAX_LINE_CHARS)}). "
                                  f"Filen er ikke en FOLK1A-eksport; {DOWNLOAD_HINT}."])
    return text
