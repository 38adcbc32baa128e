"""Property: any well-formed synthetic FOLK1A export reads back to exactly its figures (no database)."""
import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from geography.models import Municipality
from geography.population import parse
from geography.reference import MAP_2022
from tests.geography.folk1a import TEXT_HEADER, folk1a_bytes


def municipalities():
    with MAP_2022.open(encoding="utf-8") as handle:
        pairs = sorted({(int(r["municipality_code"]), r["municipality"]) for r in csv.DictReader(handle)})
    return [Municipality(pk=code, code=code, name=name) for code, name in pairs]


MUNICIPALITIES = municipalities()


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.integers(min_value=0, max_value=2_000_000), min_size=98, max_size=98),
    form=st.sampled_from(["text", "name", "code"]),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
    bom=st.booleans(),
    quote=st.booleans(),
    year=st.integers(min_value=2008, max_value=2040),
    k=st.integers(min_value=1, max_value=4),
    shuffle=st.randoms(use_true_random=False),
)
def test_wellformed_synthetic_exports_read_back_exactly(values, form, encoding, bom, quote, year, k, shuffle):
    quarter = f"{year}K{k}"
    sex, age = ("TOT", "IALT") if form == "code" else ("I alt", "Alder i alt")
    rows = []
    for m, value in zip(MUNICIPALITIES, values, strict=True):
        area = {"text": f"{m.code} {m.name}", "name": m.name, "code": str(m.code)}[form]
        rows.append([area, sex, age, quarter, str(value)])
    rows.append(["411" if form == "code" else "Christiansø", sex, age, quarter, "93"])
    shuffle.shuffle(rows)
    data = folk1a_bytes(rows, header=TEXT_HEADER, encoding=encoding, bom=bom and encoding == "utf-8", quote=quote)
    parsed = parse(data, MUNICIPALITIES)
    assert parsed.quarter_code == quarter
    assert parsed.reference_date.month == {1: 1, 2: 4, 3: 7, 4: 10}[k]
    assert parsed.populations == {m.pk: v for m, v in zip(MUNICIPALITIES, values, strict=True)}
