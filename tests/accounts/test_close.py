"""Carry-over and year close (synthetic data): per party unspent, commitments, idempotent close, reopen."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import ClusterYear, Entry, FundingLine, StatusChange
from accounts.selectors import unspent_by_party
from review.workflow import cluster_year_transition


@pytest.fixture
def funded(entry_kwargs, users, cy_a, aarhus_kommune):
    """Aarhus pays 50.000 in local funds and spends 1.000 net: 49.000 unspent."""
    services.funding_line_create(cluster_year=cy_a, by=users["secretariat_a"], source="local",
                                 party_kind="municipality", municipality=aarhus_kommune, paid=Decimal("50000.00"),
                                 text="Syntetiske decentrale midler")
    services.entry_create(**entry_kwargs(amount=Decimal("1500.00")))
    services.entry_create(**entry_kwargs(amount=Decimal("500.00"), kind="income"))
    return cy_a


def approve(cy, users):
    """Submitted by the secretariat and approved by the SSU: what a secretariat's close needs."""
    cluster_year_transition(cluster_year=cy, action="submit", by=users["secretariat_a"])
    cluster_year_transition(cluster_year=cy, action="approve", by=users["ssu_a"])
    cy.refresh_from_db()


def commit(cy, user, municipality, amount, *, replace=False):
    return services.commitment_record(
        cluster_year=cy, by=user, party_kind="municipality", municipality=municipality, amount=amount,
        committed_by="Syntetisk økonomichef", committed_on=datetime.date(2022, 12, 1), note="Syntetisk",
        replace=replace,
    )


def test_unspent_is_contribution_plus_local_funds_minus_net_spend(funded, aarhus_kommune):
    assert unspent_by_party(funded)[f"m:{aarhus_kommune.pk}"] == Decimal("49000.00")


def test_commitment_cannot_exceed_unspent(funded, users, aarhus_kommune):
    with pytest.raises(ValidationError) as excinfo:
        commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("49000.01"))
    assert "højst være det uforbrugte beløb, 49.000,00 kr." in " ".join(excinfo.value.messages)
    commitment = commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("49000.00"))
    assert commitment.recorded_by == users["secretariat_a"]


def test_closing_twice_makes_one_carry_over(funded, users, aarhus_kommune, aarhus):
    commitment = commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("30000.00"))
    approve(funded, users)
    next_year = services.year_close(cluster_year=funded, by=users["secretariat_a"])
    again = services.year_close(cluster_year=funded, by=users["secretariat_a"])
    assert next_year.pk == again.pk and next_year.year == 2023
    lines = FundingLine.objects.filter(source="carryover", cluster_year__cluster=aarhus)
    assert lines.count() == 1
    line = lines.get()
    assert (line.paid, line.text, line.carried_from, line.municipality) == (
        Decimal("30000.00"), "Videreført fra 2022", commitment, aarhus_kommune)
    assert ClusterYear.objects.filter(cluster=aarhus, year=2023).count() == 1
    assert StatusChange.objects.filter(cluster_year=funded, action="close_year").count() == 1


def test_closed_year_refuses_entries(funded, entry_kwargs, users):
    services.year_close(cluster_year=funded, by=users["admin"], reason="Syntetisk: før godkendelse")
    before = Entry.objects.count()
    for user in (users["secretariat_a"], users["admin"]):
        with pytest.raises(PermissionDenied) as excinfo:
            services.entry_create(**entry_kwargs(created_by=user))
        assert "Året 2022 er afsluttet for klyngen" in str(excinfo.value)
    with pytest.raises(PermissionDenied):
        services.entry_reverse(entry=Entry.objects.first(), by=users["secretariat_a"])
    assert Entry.objects.count() == before


def test_close_refuses_a_commitment_above_unspent_at_close(funded, users, aarhus_kommune, entry_kwargs):
    commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("49000.00"))
    services.entry_create(**entry_kwargs(amount=Decimal("10.00")))  # spend after the commitment
    approve(funded, users)
    with pytest.raises(ValidationError) as excinfo:
        services.year_close(cluster_year=funded, by=users["secretariat_a"])
    assert "større end det uforbrugte beløb" in " ".join(excinfo.value.messages)
    funded.refresh_from_db()
    assert funded.closed_at is None
    assert not FundingLine.objects.filter(source="carryover").exists()


def test_only_own_secretariat_and_admin_close(funded, users):
    for name in ("secretariat_b", "ssu_a", "national"):
        with pytest.raises(PermissionDenied):
            services.year_close(cluster_year=funded, by=users[name])
    funded.refresh_from_db()
    assert funded.closed_at is None


def test_reopen_is_admin_only_with_a_reason_and_recorded(funded, users, aarhus_kommune):
    commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("20000.00"))
    approve(funded, users)
    services.year_close(cluster_year=funded, by=users["secretariat_a"])
    with pytest.raises(PermissionDenied):
        services.year_reopen(cluster_year=funded, by=users["secretariat_a"], reason="Syntetisk")
    with pytest.raises(ValidationError) as excinfo:
        services.year_reopen(cluster_year=funded, by=users["admin"], reason="  ")
    assert "begrundelse" in " ".join(excinfo.value.messages)
    services.year_reopen(cluster_year=funded, by=users["admin"], reason="Syntetisk: manglende bilag")
    funded.refresh_from_db()
    assert funded.closed_at is None
    change = StatusChange.objects.get(cluster_year=funded, action="reopen_year")
    assert (change.by, change.comment) == (users["admin"], "Syntetisk: manglende bilag")
    # change the commitment and close again: still one carry-over line, now with the new amount
    commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("25000.00"), replace=True)
    services.year_close(cluster_year=funded, by=users["secretariat_a"])
    line = FundingLine.objects.get(source="carryover")
    assert line.paid == Decimal("25000.00")


def test_close_and_reopen_pages(client_for, funded, users, aarhus_kommune):
    client = client_for(users["secretariat_a"])
    response = client.post(reverse("accounts:carryover", args=[funded.pk]), {
        "party": f"m:{aarhus_kommune.pk}", "amount": "10.000,00", "committed_by": "Syntetisk direktør",
        "committed_on": "2022-12-10", "note": "",
    })
    assert response.status_code == 302
    assert funded.commitments.get().amount == Decimal("10000.00")
    approve(funded, users)
    assert client.post(reverse("accounts:year_close", args=[funded.pk])).status_code == 302
    body = client.get(reverse("accounts:carryover", args=[funded.pk])).content.decode()
    assert "Ja, til 2023" in body
    assert client.get(reverse("accounts:year_reopen", args=[funded.pk])).status_code == 403
    admin = client_for(users["admin"])
    assert "Angiv en begrundelse" in admin.post(reverse("accounts:year_reopen", args=[funded.pk]),
                                                 {"reason": ""}).content.decode()
    assert admin.post(reverse("accounts:year_reopen", args=[funded.pk]), {"reason": "Syntetisk"}).status_code == 302
    funded.refresh_from_db()
    assert not funded.is_closed


# --- the close after the SSU's approval (issue 13) -----------------------------------------------------

@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_secretariat_cannot_close_accounts_the_ssu_has_not_approved(funded, users, status):
    if status == "returned":
        cluster_year_transition(cluster_year=funded, action="submit", by=users["secretariat_a"])
        cluster_year_transition(cluster_year=funded, action="return", by=users["ssu_a"], comment="Syntetisk")
        funded.refresh_from_db()
    label = {"draft": "Kladde", "returned": "Sendt retur"}[status]
    with pytest.raises(PermissionDenied) as excinfo:
        services.year_close(cluster_year=funded, by=users["secretariat_a"])
    assert str(excinfo.value).startswith(
        f"Året kan først afsluttes, når SSU har godkendt regnskabet; det har status «{label}»."
    )
    funded.refresh_from_db()
    assert funded.closed_at is None and not StatusChange.objects.filter(action="close_year").exists()


def test_the_close_page_refuses_a_draft_with_the_reason(funded, users, client_for):
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:year_close", args=[funded.pk])
    page = client.get(url).content.decode()
    assert "Året kan først afsluttes, når SSU har godkendt regnskabet" in page
    assert '<button class="button" type="submit">Afslut året</button>' not in page
    response = client.post(url)
    assert response.status_code == 403
    assert "Året kan først afsluttes, når SSU har godkendt regnskabet" in response.content.decode()
    funded.refresh_from_db()
    assert funded.closed_at is None


def test_an_administrator_closes_a_draft_with_a_recorded_reason(funded, users, client_for):
    with pytest.raises(ValidationError) as excinfo:
        services.year_close(cluster_year=funded, by=users["admin"], reason="  ")
    assert "angiv en begrundelse" in " ".join(excinfo.value.messages)
    funded.refresh_from_db()
    assert funded.closed_at is None
    admin = client_for(users["admin"])
    url = reverse("accounts:year_close", args=[funded.pk])
    page = admin.get(url).content.decode()
    assert "ikke godkendt af SSU" in page and 'name="reason"' in page
    assert "angiv en begrundelse" in admin.post(url, {"reason": ""}).content.decode()
    assert admin.post(url, {"reason": "Syntetisk: SSU holder ikke møde før fristen"}).status_code == 302
    funded.refresh_from_db()
    assert funded.is_closed and funded.closed_by == users["admin"]
    change = StatusChange.objects.get(cluster_year=funded, action="close_year")
    assert change.comment == ("Året 2022 afsluttet før SSU's godkendelse (status «Kladde»). "
                              "Begrundelse: Syntetisk: SSU holder ikke møde før fristen")


def test_a_secretariat_closes_approved_accounts_without_a_reason(funded, users):
    approve(funded, users)
    services.year_close(cluster_year=funded, by=users["secretariat_a"])
    funded.refresh_from_db()
    assert funded.is_closed
    assert StatusChange.objects.get(cluster_year=funded, action="close_year").comment == "Året 2022 afsluttet"


def test_the_close_page_states_the_unspent_money_not_carried_over(funded, users, client_for, aarhus_kommune):
    commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("30000.00"))  # of 49.000,00 unspent
    approve(funded, users)
    page = client_for(users["secretariat_a"]).get(reverse("accounts:year_close", args=[funded.pk])).content.decode()
    assert "19.000,00 kr. er ikke forbrugt og har intet tilsagn om videreførelse" in page
    assert "videreføres ikke til 2023" in page
    row = page[page.index(f'<tr data-key="m:{aarhus_kommune.pk}">'):]
    assert row[:row.index("</tr>")].endswith('<td class="num">19.000,00</td>')
    commit(funded, users["secretariat_a"], aarhus_kommune, Decimal("49000.00"), replace=True)
    page = client_for(users["secretariat_a"]).get(reverse("accounts:year_close", args=[funded.pk])).content.decode()
    assert "Alle uforbrugte midler har et tilsagn om videreførelse" in page
