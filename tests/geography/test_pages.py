"""The cluster map pages: regions -> clusters -> a cluster -> a municipality, and Table 2.

Populations loaded here come from SYNTHETIC FOLK1A files (tests/geography/folk1a.py).
"""
import csv
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from geography.models import Membership, Region
from tests.conftest import get_cluster
from tests.geography.folk1a import forget_loaded_quarters, write_folk1a
from users.models import Role

pytestmark = pytest.mark.django_db

# Requests by a national reader: session + user, then the page's own queries.
# load_reference ships 2022K1, so a cluster page has a quarter by default ("cluster_detail_with_quarter").
QUERIES = {
    "region_list": 9,
    "region_detail": 10,
    "cluster_detail": 10,
    "cluster_detail_with_quarter": 11,
    "municipality_detail": 5,
    "table2": 7,
}


@pytest.fixture
def reader(make_user, client_for):
    return client_for(make_user(Role.NATIONAL, username="laeser"))


@pytest.fixture
def quarter_2022k1(ref, tmp_path):
    """A synthetic 2022K1 in place of the shipped one, København's shares unknown."""
    forget_loaded_quarters()
    call_command("load_population", str(write_folk1a(tmp_path)), stdout=io.StringIO())


def table_rows(html: str) -> list[str]:
    """The <tr> elements of the page's table body, tags stripped, whitespace collapsed."""
    body = html[html.index("<tbody"): html.index("</tbody>")]
    return [" ".join(re.sub(r"<[^>]+>", " ", "<tr" + row).split()) for row in body.split("<tr")[1:]]


def footer(html: str) -> str:
    foot = html[html.index("<tfoot"): html.index("</tfoot>")]
    return " ".join(re.sub(r"<[^>]+>", " ", foot).split())


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def csv_rows(response) -> list[dict]:
    """The portal's CSV (klyngeportal.exports): UTF-8 with BOM, semicolon-separated."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


# --- regions ---------------------------------------------------------------------------

def test_region_list(reader, django_assert_num_queries):
    with django_assert_num_queries(QUERIES["region_list"]):
        response = reader.get(reverse("geography:region_list"))
    html = response.content.decode()
    assert "<h1>Klyngekort 2022</h1>" in html
    rows = table_rows(html)
    assert rows == [
        "Nordjylland 1081 4 11 591.740",
        "Midtjylland 1082 5 19 1.341.857",
        "Syddanmark 1083 4 22 1.228.362",
        "Hovedstaden 1084 5 29 1.867.855",
        "Sjælland 1085 4 17 843.513",
    ]
    # 22 clusters, 98 municipalities, 5,873,327 funding inhabitants
    assert footer(html) == "I alt 22 98 5.873.327"
    assert "bryder reglerne" not in html


def test_region_list_exports_numbers_as_numbers(reader):
    rows = xlsx_rows(reader.get(reverse("geography:region_list") + "?_export=xlsx"))
    assert rows[0] == ("Region", "DST-kode", "Klynger", "Kommuner", "Finansierende indbyggertal")
    assert len(rows) == 6
    assert sum(r[2] for r in rows[1:]) == 22
    assert sum(r[3] for r in rows[1:]) == 98
    assert sum(r[4] for r in rows[1:]) == 5873327
    response = reader.get(reverse("geography:region_list") + "?_export=csv")
    assert response["Content-Disposition"].endswith('regioner-2022.csv"')
    assert csv_rows(response)[0]["Finansierende indbyggertal"] == "591740"


def test_region_detail_nordjylland(reader, django_assert_num_queries):
    with django_assert_num_queries(QUERIES["region_detail"]):
        response = reader.get(reverse("geography:region_detail", args=["nordjylland"]))
    html = response.content.decode()
    assert "Region Nordjylland: klynger 2022" in html
    assert table_rows(html) == [
        "Klynge Midt 2 2 259.269 01.01.2022",
        "Klynge Nord 4 4 160.680 01.01.2022",
        "Klynge Syd 3 3 108.634 01.01.2022",
        "Klynge Vest 2 2 63.157 01.01.2022",
    ]
    assert footer(html) == "I alt 11 11 591.740"


def test_region_detail_hovedstaden_and_sorting(reader):
    url = reverse("geography:region_detail", args=["hovedstaden"])
    rows = table_rows(reader.get(url).content.decode())
    assert rows[0] == "Bornholm 1 1 39.545 01.01.2022"
    # København's split makes Klynge Syd and Klynge By fractional
    assert "Klynge Syd 11 10 577.977,33 01.01.2022" in rows
    assert "Klynge By 2 2 460.221,67 01.01.2022" in rows
    by_size = table_rows(reader.get(url + "?sort=-funding_population").content.decode())
    assert [r.split(" 01.01.2022")[0].rsplit(" ", 3)[0] for r in by_size] == [
        "Klynge Syd", "Klynge Midt", "Klynge By", "Klynge Nord", "Bornholm",
    ]
    xlsx = xlsx_rows(reader.get(url + "?_export=xlsx"))
    syd = next(r for r in xlsx if r[0] == "Klynge Syd")
    assert float(syd[3]) == pytest.approx(577977.33)


def test_unknown_year_and_region_are_404(reader):
    assert reader.get(reverse("geography:region_list") + "?aar=1999").status_code == 404
    assert reader.get(reverse("geography:region_list") + "?aar=x").status_code == 404
    assert reader.get(reverse("geography:region_detail", args=["atlantis"])).status_code == 404


# --- a cluster -------------------------------------------------------------------------

def test_cluster_detail_horsens(reader, django_assert_num_queries):
    """Out of the box: the shipped 2022K1 (Statistics Denmark) beside the funding population of Table 1."""
    url = reverse("geography:cluster_detail", args=["midtjylland", "horsens-klyngen"])
    with django_assert_num_queries(QUERIES["cluster_detail_with_quarter"]):
        response = reader.get(url)
    html = response.content.decode()
    assert "Horsens Klyngen" in html
    names = [row.split(" ")[1] for row in table_rows(html)]
    assert sorted(names) == ["Hedensted", "Horsens", "Odder", "Skanderborg"]
    # the funding population with its reference date and source
    assert "<dd>229.164 pr. 01.01.2022</dd>" in html
    assert "Afledt af bilag 1, tabel 1" in html
    assert "FOLK1A 2022K1 (01.01.2022), Danmarks Statistik, Statistikbanken, tabel FOLK1A" in html
    # the four municipalities' real populations sum to the funding population Table 1 implies
    assert footer(html) == "I alt 229.164 229.164"


def test_cluster_detail_without_a_quarter(reader, django_assert_num_queries):
    forget_loaded_quarters()
    url = reverse("geography:cluster_detail", args=["midtjylland", "horsens-klyngen"])
    with django_assert_num_queries(QUERIES["cluster_detail"]):
        response = reader.get(url)
    html = response.content.decode()
    assert "<dd>229.164 pr. 01.01.2022</dd>" in html
    assert "intet kvartal af FOLK1A er indlæst endnu" in html
    assert "Indbyggertal</a>" not in html  # no population column without a quarter
    assert "<tfoot" not in html  # and so no totals


def test_cluster_detail_marks_and_legend(reader):
    html = reader.get(get_cluster(1083, "Lillebælt-klyngen").get_absolute_url()).content.decode()
    rows = table_rows(html)
    assert any(r.startswith("575 Vejen Politisk og administrativ deltagelse, ingen finansiering (***) ***") for r in rows)
    assert any(r.startswith("530 Billund Alene administrativ deltagelse, ingen finansiering (**) **") for r in rows)
    assert "Markeringer som i tabel 2" in html
    assert "<dt>***</dt>" in html and "<dt>**</dt>" in html and "<dt>*</dt>" not in html


def test_cluster_detail_with_quarter(reader, quarter_2022k1, django_assert_num_queries):
    url = reverse("geography:cluster_detail", args=["hovedstaden", "klynge-syd"])
    with django_assert_num_queries(QUERIES["cluster_detail_with_quarter"]):
        response = reader.get(url + "?kvartal=2022K1")
    html = response.content.decode()
    assert "FOLK1A 2022K1 (01.01.2022)" in html
    rows = table_rows(html)
    # synthetic populations: 1000 + code
    assert "101 København Politisk og administrativ deltagelse, delt finansiering (*) * 1.101" in rows
    assert "175 Rødovre Alene administrativ deltagelse, ingen finansiering (**) ** 1.175" in rows
    assert "165 Albertslund Politisk og administrativ deltagelse, finansierer klyngen 1.165 1.165" in rows
    # totals: all 11 municipalities; the funding part leaves out Rødovre and København (share not set)
    codes = [165, 153, 155, 161, 167, 169, 183, 187, 185, 175, 101]
    funding_codes = [c for c in codes if c not in (175, 101)]
    total = sum(1000 + c for c in codes)
    funding_total = sum(1000 + c for c in funding_codes)
    assert footer(html) == f"I alt {total:,} {funding_total:,}".replace(",", ".")
    assert "København: andelen af indbyggertallet, der finansierer denne klynge, er ikke fastsat" in html
    xlsx = xlsx_rows(reader.get(url + "?kvartal=2022K1&_export=xlsx"))
    assert xlsx[0][-2:] == ("Indbyggertal", "Heraf finansierende")
    kbh = next(r for r in xlsx if r[1] == "København")
    assert kbh[0] == 101 and kbh[5] == 1101 and kbh[6] is None


def test_cluster_detail_with_shares_set(reader, quarter_2022k1):
    from decimal import Decimal

    # synthetic shares, only to show the funding part
    Membership.objects.filter(year=2022, municipality__code=101, cluster__name="Klynge Syd").update(
        funding_share=Decimal("0.25"))
    Membership.objects.filter(year=2022, municipality__code=101, cluster__name="Klynge By").update(
        funding_share=Decimal("0.75"))
    html = reader.get(reverse("geography:cluster_detail", args=["hovedstaden", "klynge-syd"])).content.decode()
    assert "101 København Politisk og administrativ deltagelse, delt finansiering (*) * 25,0000 % 1.101 275,25" in table_rows(html)
    assert "er ikke fastsat" not in html


def test_cluster_detail_shows_share_problems(reader):
    from decimal import Decimal

    # of the two shares load_reference derived, one unknown and one changed
    Membership.objects.filter(year=2022, municipality__code=101, cluster__name="Klynge By").update(funding_share=None)
    Membership.objects.filter(year=2022, municipality__code=101, cluster__name="Klynge Syd").update(
        funding_share=Decimal("0.3"))
    html = reader.get(reverse("geography:cluster_detail", args=["hovedstaden", "klynge-by"])).content.decode()
    assert "Klyngekortet for 2022 bryder reglerne" in html
    assert "København: kun 1 af 2 andele er sat for 2022" in html
    # not shown on a cluster without København
    html = reader.get(reverse("geography:cluster_detail", args=["hovedstaden", "bornholm"])).content.decode()
    assert "bryder reglerne" not in html
    region = reader.get(reverse("geography:region_detail", args=["hovedstaden"])).content.decode()
    assert "København: kun 1 af 2 andele er sat for 2022" in region
    assert "bryder reglerne" not in reader.get(Region.objects.get(code=1085).get_absolute_url()).content.decode()


def test_unknown_quarter_is_404(reader, quarter_2022k1):
    url = reverse("geography:cluster_detail", args=["hovedstaden", "bornholm"])
    assert reader.get(url + "?kvartal=2030K1").status_code == 404
    assert reader.get(url + "?kvartal=2022k1").status_code == 200


def test_cluster_query_count_does_not_grow_with_municipalities(reader, quarter_2022k1, django_assert_num_queries):
    """Aarhusklyngen has 2 municipalities, Fynsklyngen 10: the same number of queries."""
    small = reverse("geography:cluster_detail", args=["midtjylland", "aarhusklyngen"])
    large = reverse("geography:cluster_detail", args=["syddanmark", "fynsklyngen"])
    for url, members in ((small, 2), (large, 10)):
        with django_assert_num_queries(QUERIES["cluster_detail_with_quarter"]):
            response = reader.get(url)
        assert len(table_rows(response.content.decode())) == members


def test_list_query_counts_do_not_grow_with_a_loaded_quarter(reader, tmp_path, django_assert_num_queries):
    pages = [
        (reverse("geography:region_list"), "region_list"),
        (reverse("geography:region_detail", args=["hovedstaden"]), "region_detail"),
        (reverse("geography:municipality_detail", args=[101]), "municipality_detail"),
        (reverse("geography:table2"), "table2"),
    ]
    for quarter in (None, "2022K1", "2022K2"):
        if quarter:
            call_command("load_population", str(write_folk1a(tmp_path, quarter=quarter)), stdout=io.StringIO())
        for url, key in pages:
            with django_assert_num_queries(QUERIES[key]):
                assert reader.get(url).status_code == 200


# --- a municipality ----------------------------------------------------------------------

def test_municipality_detail(reader, tmp_path, django_assert_num_queries):
    forget_loaded_quarters()  # synthetic quarters only
    call_command("load_population", str(write_folk1a(tmp_path)), stdout=io.StringIO())
    call_command("load_population", str(write_folk1a(tmp_path, quarter="2022K2", values={101: 2000})),
                 stdout=io.StringIO())
    with django_assert_num_queries(QUERIES["municipality_detail"]):
        response = reader.get(reverse("geography:municipality_detail", args=[101]))
    html = response.content.decode()
    assert "<h1>København Kommune</h1>" in html
    assert "<dd>101</dd>" in html
    rows = table_rows(html)
    assert "2022 Hovedstaden Klynge By Politisk og administrativ deltagelse, delt finansiering (*)" in rows
    assert "2022 Hovedstaden Klynge Syd Politisk og administrativ deltagelse, delt finansiering (*) *" in rows
    populations = html[html.index("Indbyggertal (FOLK1A)"):]
    assert table_rows(populations) == [
        "2022K2 01.04.2022 2.000 FOLK1A_syntetisk.csv",
        "2022K1 01.01.2022 1.101 FOLK1A_syntetisk.csv",
    ]
    export = csv_rows(reader.get(reverse("geography:municipality_detail", args=[101]) + "?_export=csv"))
    assert [r["Klynge"] for r in export] == ["Klynge By", "Klynge Syd"]


def test_municipality_detail_shows_the_shipped_quarter(reader):
    html = reader.get(reverse("geography:municipality_detail", args=[101])).content.decode()
    populations = html[html.index("Indbyggertal (FOLK1A)"):]
    assert table_rows(populations) == ["2022K1 01.01.2022 644.431 folk1a_2022k1_municipalities.csv"]


def test_municipality_detail_without_quarters_and_404(reader):
    forget_loaded_quarters()
    html = reader.get(reverse("geography:municipality_detail", args=[400])).content.decode()
    assert "Intet kvartal af FOLK1A er indlæst endnu." in html
    assert reader.get(reverse("geography:municipality_detail", args=[999])).status_code == 404


# --- Table 2 ------------------------------------------------------------------------------

TABLE2_2022 = [
    "Nordjylland Klynge Midt Aalborg, Jammerbugt 2",
    "Nordjylland Klynge Nord Frederikshavn, Brønderslev, Hjørring, Læsø 4",
    "Nordjylland Klynge Syd Mariagerfjord, Vesthimmerland, Rebild 3",
    "Nordjylland Klynge Vest Thisted, Morsø 2",
    "Midtjylland Aarhusklyngen Aarhus, Samsø 2",
    "Midtjylland Horsens Klyngen Horsens, Hedensted, Skanderborg, Odder 4",
    "Midtjylland Midtklyngen Silkeborg, Skive, Viborg 3",
    "Midtjylland Randers Klyngen Favrskov, Norddjurs, Randers, Syddjurs 4",
    "Midtjylland Vest Klyngen Herning, Holstebro, Ikast-Brande, Lemvig, Ringkøbing-Skjern, Struer 6",
    "Syddanmark Fynsklyngen Odense, Svendborg, Assens, Nyborg, Kerteminde, Nordfyns, Faaborg-Midtfyn, "
    "Langeland, Ærø, Middelfart ** 10",
    "Syddanmark Lillebælt-klyngen Fredericia, Kolding, Middelfart, Vejle, Vejen ***, Billund ** 6",
    "Syddanmark Sydvestjysk Klynge Billund, Varde, Vejen, Esbjerg, Fanø 5",
    "Syddanmark Sønderjysk Klynge Tønder, Haderslev, Sønderborg, Aabenraa 4",
    "Hovedstaden Bornholm Bornholm 1",
    "Hovedstaden Klynge By Frederiksberg, København 2",
    "Hovedstaden Klynge Midt Herlev, Gentofte, Ballerup, Egedal, Furesø, Gladsaxe, Lyngby-Taarbæk, "
    "Rudersdal, Rødovre 9",
    "Hovedstaden Klynge Nord Helsingør, Hørsholm, Hillerød, Frederikssund, Fredensborg, Allerød, Gribskov, "
    "Halsnæs 8",
    "Hovedstaden Klynge Syd Albertslund, Brøndby, Dragør, Glostrup, Tårnby, Hvidovre, Høje-Taastrup, Ishøj, "
    "Vallensbæk, Rødovre **, København * 11",
    "Sjælland Klyngen Holbæk Holbæk, Lejre, Kalundborg, Odsherred 4",
    "Sjælland Klyngen Nykøbing F Guldborgsund, Vordingborg, Lolland 3",
    "Sjælland Klyngen Næstved/Slagelse Slagelse, Næstved, Sorø, Ringsted 4",
    "Sjælland Klyngen Roskilde/Køge Faxe, Greve, Køge, Stevns, Roskilde, Solrød 6",
]


def test_table2_is_complete(reader, django_assert_num_queries):
    with django_assert_num_queries(QUERIES["table2"]):
        response = reader.get(reverse("geography:table2"))
    html = response.content.decode()
    rows = table_rows(html)
    assert rows == TABLE2_2022
    assert len(rows) == 22
    assert footer(html) == "I alt 103"
    for legend in ("<dt>*</dt>", "<dt>**</dt>", "<dt>***</dt>"):
        assert legend in html


def test_table2_exports(reader):
    response = reader.get(reverse("geography:table2") + "?aar=2022&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('tabel-2-2022.csv"')
    rows = csv_rows(response)
    assert len(rows) == 22
    horsens = next(r for r in rows if r["Klynge"] == "Horsens Klyngen")
    assert horsens["Kommuner (markering som i tabel 2)"] == "Horsens, Hedensted, Skanderborg, Odder"
    xlsx = xlsx_rows(reader.get(reverse("geography:table2") + "?_export=xlsx"))
    assert xlsx[0] == ("Region", "Klynge", "Kommuner (markering som i tabel 2)", "Antal kommuner")
    assert sum(r[3] for r in xlsx[1:]) == 103
    nord = next(r for r in xlsx if r[0] == "Hovedstaden" and r[1] == "Klynge Nord")
    assert "Gribskov" in nord[2] and "Halsnæs" in nord[2]


def test_region_list_links_to_table2(reader):
    html = reader.get(reverse("geography:region_list")).content.decode()
    assert 'href="/geografi/tabel-2/?aar=2022"' in html


# --- who may read -----------------------------------------------------------------------

def test_secretariat_reads_another_regions_cluster_but_not_the_admin(make_user, aarhus, client_for):
    secretariat = client_for(make_user(Role.SECRETARIAT, cluster=aarhus, username="sek_aarhus"))
    response = secretariat.get(reverse("geography:cluster_detail", args=["hovedstaden", "bornholm"]))
    assert response.status_code == 200
    assert "Bornholm" in response.content.decode()
    assert secretariat.get(reverse("geography:table2")).status_code == 200
    admin = secretariat.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"] == "/admin/login/?next=/admin/"
    assert secretariat.get("/admin/geography/membership/").status_code == 302


@pytest.mark.parametrize(
    "url",
    ["/geografi/", "/geografi/hovedstaden/", "/geografi/hovedstaden/bornholm/", "/geografi/kommune/101/",
     "/geografi/tabel-2/", "/geografi/tabel-2/?_export=csv"],
)
def test_anonymous_is_sent_to_login(client, ref, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/?next=")


def test_query_counts_by_role(make_user, client_for, aarhus, django_assert_num_queries):
    """The page's own queries are the same for every role; the header adds the user's cluster or region."""
    header = {Role.SECRETARIAT: 2, Role.SSU: 1, Role.ADMIN: 0}  # user.cluster (+ its region) or user.region
    people = {
        Role.SECRETARIAT: make_user(Role.SECRETARIAT, cluster=aarhus),
        Role.SSU: make_user(Role.SSU, region=aarhus.region),
        Role.ADMIN: make_user(Role.ADMIN),
    }
    url = reverse("geography:cluster_detail", args=["hovedstaden", "bornholm"])
    for role, person in people.items():
        logged_in = client_for(person)
        with django_assert_num_queries(QUERIES["cluster_detail_with_quarter"] + header[role]):
            assert logged_in.get(url).status_code == 200
