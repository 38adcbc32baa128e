"""Synthetic FOLK1A statbank exports for tests.

Every figure written here is SYNTHETIC (1000 + the municipality code, unless a
test says otherwise): no real Statistics Denmark figure is stored or shipped.
"""
from __future__ import annotations

from pathlib import Path

from geography.models import Membership, MembershipKind, Municipality, PopulationQuarter

TEXT_HEADER = ["OMRÅDE", "KØN", "ALDER", "TID", "INDHOLD"]


def forget_loaded_quarters() -> None:
    """The database as before any FOLK1A quarter was loaded, and København's shares unknown.

    load_reference ships the real 2022K1 and derives København's shares from it. A test of the
    importer, of a missing quarter or of a synthetic quarter starts without them, as after an
    administrator deleted the quarter in the admin (there is no service for it).
    """
    PopulationQuarter.objects.all().delete()
    Membership.objects.filter(kind=MembershipKind.SHARED_FUNDING).update(funding_share=None)


def synthetic_population(code: int) -> int:
    """Syntetisk indbyggertal: 1000 + kommunekoden."""
    return 1000 + code


def folk1a_rows(
    quarter: str = "2022K1",
    *,
    form: str = "text",  # "text" (101 København / I alt / Alder i alt), "name" (København) or "code" (101 / TOT / IALT)
    values: dict[int, object] | None = None,
    leave_out: tuple[int, ...] = (),
    aggregates: bool = True,
) -> list[list[str]]:
    """Data rows of a synthetic export covering every municipality in the database."""
    values = values or {}
    sex, age = ("TOT", "IALT") if form == "code" else ("I alt", "Alder i alt")
    municipalities = list(Municipality.objects.order_by("code"))
    rows = []
    if aggregates:
        total = sum(synthetic_population(m.code) for m in municipalities) + 93
        rows.append(["000" if form == "code" else "Hele landet", sex, age, quarter, str(total)])
        rows.append(["084" if form == "code" else "Region Hovedstaden", sex, age, quarter, "12345"])
    for m in municipalities:
        if m.code in leave_out:
            continue
        area = {"text": f"{m.code} {m.name}", "name": m.name, "code": str(m.code)}[form]
        rows.append([area, sex, age, quarter, str(values.get(m.code, synthetic_population(m.code)))])
    if aggregates:
        rows.append(["411" if form == "code" else "411 Christiansø", sex, age, quarter, "93"])
    return rows


def folk1a_bytes(rows, *, header=None, encoding="utf-8", delimiter=";", quote=True, bom=False) -> bytes:
    def line(cells):
        return delimiter.join(f'"{c}"' if quote else c for c in cells)

    text = "\r\n".join([line(header or TEXT_HEADER), *(line(r) for r in rows)]) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def write_folk1a(tmp_path: Path, name: str = "FOLK1A_syntetisk.csv", **kwargs) -> Path:
    rows = kwargs.pop("rows", None)
    byte_kwargs = {k: kwargs.pop(k) for k in ("header", "encoding", "delimiter", "quote", "bom") if k in kwargs}
    path = tmp_path / name
    path.write_bytes(folk1a_bytes(rows if rows is not None else folk1a_rows(**kwargs), **byte_kwargs))
    return path
