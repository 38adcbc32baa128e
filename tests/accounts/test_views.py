"""The accounts pages: what each role sees and may do; forms in Danish (synthetic data)."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import BudgetLine, ClusterYear, Entry, FundingLine, Initiative


@pytest.fixture
def booked(entry_kwargs, users, cy_a, initiative_a, aarhus_kommune):
    """A few synthetic entries, a budget line and a funding line in Aarhusklyngen 2022."""
    services.budget_line_set(cluster_year=cy_a, by=users["secretariat_a"], initiative=initiative_a, source="startup",
                             party_kind="municipality", municipality=aarhus_kommune, amount=Decimal("100000.00"))
    services.funding_line_create(cluster_year=cy_a, by=users["secretariat_a"], source="local",
                                 party_kind="municipality", municipality=aarhus_kommune, paid=Decimal("50000.00"),
                                 text="Syntetiske decentrale midler")
    first = services.entry_create(**entry_kwargs(amount=Decimal("1000.00")))
    services.entry_create(**entry_kwargs(amount=Decimal("250.25"), cost_kind="secretariat"))
    services.entry_create(**entry_kwargs(amount=Decimal("100.00"), kind="income"))
    return first


def test_cluster_year_page_shows_figures_and_panels(client_for, users, cy_a, booked):
    response = client_for(users["secretariat_a"]).get(reverse("accounts:cluster_year_detail", args=[cy_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1.150,25 kr." in body  # net spend: 1.000 + 250,25 - 100
    assert 'id="gennemgang"' in body and 'id="excel"' in body
    assert "<svg" in body and "bar-budget" in body
    assert "Sekretariat og drift: 21,8 %" in body  # 250,25 / 1.150,25


@pytest.mark.parametrize(("role", "status"), [
    ("secretariat_a", 200), ("ssu_a", 200), ("national", 200), ("admin", 200),
    ("secretariat_b", 404), ("ssu_other", 404),
])
def test_who_sees_the_cluster_year(client_for, users, cy_a, role, status):
    for name in ("cluster_year_detail", "entry_list", "history", "carryover", "budget_list"):
        response = client_for(users[role]).get(reverse(f"accounts:{name}", args=[cy_a.pk]))
        assert response.status_code == status, name


def test_cluster_year_list_is_scoped(client_for, users, cy_a, cy_b):
    body = client_for(users["secretariat_b"]).get(reverse("accounts:cluster_year_list")).content.decode()
    assert "Randers Klyngen" in body and "Aarhusklyngen" not in body
    body = client_for(users["national"]).get(reverse("accounts:cluster_year_list")).content.decode()
    assert "Randers Klyngen" in body and "Aarhusklyngen" in body and "Bornholm" in body


def entry_post(initiative, municipality, **overrides):
    data = {
        "initiative": initiative.pk, "party": f"m:{municipality.pk}", "booking_date": "2022-04-01",
        "kind": "expense", "amount": "1.234,50", "account_code": "4.62.82", "voucher": "SYN-9",
        "text": "Syntetisk", "cost_kind": "development", "confirm": "on",  # past the budget control's «Advar»
    }
    data.update(overrides)
    return data


def test_entry_form_takes_danish_decimal_comma(client_for, users, cy_a, initiative_a, aarhus_kommune):
    url = reverse("accounts:entry_create", args=[cy_a.pk])
    response = client_for(users["secretariat_a"]).post(url, entry_post(initiative_a, aarhus_kommune))
    assert response.status_code == 302
    assert Entry.objects.get().amount == Decimal("1234.50")


@pytest.mark.parametrize(("amount", "message"), [
    ("1234.50", "brug komma som decimaltegn"),
    ("12,345", "højst have to decimaler"),
    ("tusind", "er ikke et beløb"),
    ("0", "større end 0"),
    ("", "Angiv beløbet."),
])
def test_entry_form_gives_danish_errors(client_for, users, cy_a, initiative_a, aarhus_kommune, amount, message):
    url = reverse("accounts:entry_create", args=[cy_a.pk])
    response = client_for(users["secretariat_a"]).post(url, entry_post(initiative_a, aarhus_kommune, amount=amount))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Entry.objects.count() == 0


def test_entry_form_date_outside_year_and_account_shape(client_for, users, cy_a, initiative_a, aarhus_kommune):
    url = reverse("accounts:entry_create", args=[cy_a.pk])
    response = client_for(users["secretariat_a"]).post(
        url, entry_post(initiative_a, aarhus_kommune, booking_date="2023-01-05", account_code="Konto for kaffe"))
    body = response.content.decode()
    assert "Datoen skal ligge i regnskabsåret 2022." in body
    assert Entry.objects.count() == 0


def test_entry_form_account_shape_comes_from_the_service(client_for, users, cy_a, initiative_a, aarhus_kommune):
    url = reverse("accounts:entry_create", args=[cy_a.pk])
    body = client_for(users["secretariat_a"]).post(
        url, entry_post(initiative_a, aarhus_kommune, account_code="Konto for kaffe")).content.decode()
    assert "ligner ikke en konto i den kommunale kontoplan" in body
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [
    ("secretariat_b", 404), ("ssu_a", 403), ("ssu_other", 404), ("national", 403),
])
def test_forged_posts_change_nothing(client_for, users, cy_a, booked, initiative_a, aarhus_kommune, role, status):
    client = client_for(users[role])
    counts = (Entry.objects.count(), BudgetLine.objects.count(), FundingLine.objects.count(),
              Initiative.objects.count())
    posts = [
        ("entry_create", [cy_a.pk], entry_post(initiative_a, aarhus_kommune)),
        ("entry_reverse", [cy_a.pk, booked.pk], {}),
        ("initiative_create", [cy_a.pk], {"name": "Syntetisk forfalsket", "area": initiative_a.area_id,
                                          "responsible": "cluster", "status": "active", "first_year": 2022,
                                          "last_year": 2022}),
        ("budget_create", [cy_a.pk], {"initiative": initiative_a.pk, "source": "startup",
                                      "party": f"m:{aarhus_kommune.pk}", "amount": "5,00"}),
        ("funding_create", [cy_a.pk], {"source": "local", "party": f"m:{aarhus_kommune.pk}", "paid": "5,00"}),
        ("funding_propose", [cy_a.pk], {}),
        ("carryover", [cy_a.pk], {"party": f"m:{aarhus_kommune.pk}", "amount": "1,00", "committed_by": "x",
                                  "committed_on": "2022-12-01"}),
        ("year_close", [cy_a.pk], {}),
        ("year_reopen", [cy_a.pk], {"reason": "Syntetisk"}),
    ]
    for name, args, data in posts:
        response = client.post(reverse(f"accounts:{name}", args=args), data)
        expected = 403 if name == "year_reopen" and status == 403 else status
        assert response.status_code == expected, name
    assert counts == (Entry.objects.count(), BudgetLine.objects.count(), FundingLine.objects.count(),
                      Initiative.objects.count())
    cy_a.refresh_from_db()
    assert cy_a.closed_at is None and not cy_a.commitments.exists()


def test_reverse_then_enter_the_correct_one(client_for, users, cy_a, booked):
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:entry_reverse", args=[cy_a.pk, booked.pk])
    assert "Tilbagefør postering" in client.get(url).content.decode()
    response = client.post(url, {"text": ""})
    assert response.status_code == 302
    assert reverse("accounts:entry_create", args=[cy_a.pk]) in response["Location"]
    assert "account_code=4.62.82" in response["Location"]
    assert Entry.objects.filter(reverses=booked, amount=-booked.amount).exists()
    # the list marks both rows, and the reversed one has no «Tilbagefør» button any more
    body = client.get(reverse("accounts:entry_list", args=[cy_a.pk])).content.decode()
    assert "Tilbageført" in body and "Tilbageførsel" in body


def test_closed_year_refuses_entries_with_a_clear_message(client_for, users, cy_a, initiative_a, aarhus_kommune):
    services.year_close(cluster_year=cy_a, by=users["admin"], reason="Syntetisk: afsluttet før godkendelse")
    client = client_for(users["secretariat_a"])
    response = client.post(reverse("accounts:entry_create", args=[cy_a.pk]), entry_post(initiative_a, aarhus_kommune))
    assert response.status_code == 403
    assert "Året 2022 er afsluttet for klyngen" in response.content.decode()
    assert Entry.objects.count() == 0
    page = client.get(reverse("accounts:cluster_year_detail", args=[cy_a.pk])).content.decode()
    assert "Året 2022 er afsluttet for klyngen" in page
    assert "Ny postering" not in page


def test_entry_list_filters_sorts_and_exports_csv(client_for, users, cy_a, booked):
    client = client_for(users["ssu_a"])
    url = reverse("accounts:entry_list", args=[cy_a.pk])
    body = client.get(url, {"cost_kind": "secretariat"}).content.decode()
    assert "250,25" in body and "1.000,00" not in body
    response = client.get(url, {"kind": "expense", "sort": "amount", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = [line for line in text.splitlines() if line]
    assert len(lines) == 3  # header + two expenses
    assert "250,25" in lines[1] and "1000,00" in lines[2]
    assert "Tilbagefør" not in lines[0]


def test_initiative_create_and_edit(client_for, users, cy_a, area, aarhus_kommune):
    client = client_for(users["secretariat_a"])
    data = {"name": "Syntetisk ny indsats", "area": area.pk, "description": "", "responsible": "municipality",
            "responsible_municipality": "", "status": "planned", "first_year": 2022, "last_year": 2023}
    body = client.post(reverse("accounts:initiative_create", args=[cy_a.pk]), data).content.decode()
    assert "Vælg den ansvarlige kommune." in body
    data["responsible_municipality"] = aarhus_kommune.pk
    assert client.post(reverse("accounts:initiative_create", args=[cy_a.pk]), data).status_code == 302
    initiative = Initiative.objects.get(name="Syntetisk ny indsats")
    assert (initiative.first_year, initiative.last_year, initiative.responsible_municipality) == (2022, 2023,
                                                                                                  aarhus_kommune)
    data["status"] = "active"
    url = reverse("accounts:initiative_edit", args=[cy_a.pk, initiative.pk])
    assert client.post(url, data).status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == "active"
    assert initiative.history.count() == 2


def test_budget_form_and_history_page(client_for, users, cy_a, initiative_a, aarhus_kommune, booked):
    client = client_for(users["secretariat_a"])
    line = BudgetLine.objects.get()
    response = client.post(reverse("accounts:budget_edit", args=[cy_a.pk, line.pk]), {"amount": "120.000,00"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("120000.00")
    body = client.get(reverse("accounts:history", args=[cy_a.pk])).content.decode()
    assert "100.000,00 → 120.000,00" in body
    assert "Postering" in body and "sek_a" in body


def test_cluster_year_open_only_for_writers(client_for, users, aarhus):
    url = reverse("accounts:cluster_year_open", args=[aarhus.pk, 2023])
    assert client_for(users["ssu_a"]).post(url).status_code == 403
    assert client_for(users["secretariat_b"]).post(url).status_code == 404
    assert not ClusterYear.objects.filter(cluster=aarhus, year=2023).exists()
    assert client_for(users["secretariat_a"]).post(url).status_code == 302
    assert ClusterYear.objects.filter(cluster=aarhus, year=2023).exists()


def test_booking_date_is_kept(entry_kwargs):
    entry = services.entry_create(**entry_kwargs(booking_date=datetime.date(2022, 12, 31)))
    assert entry.booking_date == datetime.date(2022, 12, 31)
