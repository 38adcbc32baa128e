"""Budget control per cluster-year: «Advar» asks for a confirmation, «Stop» refuses with the figures.

Boundaries: exactly at budget books, one øre over warns or stops, a reversal brings spend back under
budget, an income never overruns; the pure ``overruns`` over a list of rows (as the import calls it).
"""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import BudgetControl, ClusterYear, Entry, EntryConfirmation
from accounts.services.budget_control import (
    BudgetState,
    BudgetStopped,
    ConfirmationNeeded,
    budget_control_set,
    overruns,
)
from review.workflow import cluster_year_transition
from tests import factories

BUDGET = Decimal("1000.00")


@pytest.fixture
def budgeted(cy_a, initiative_a, aarhus_kommune, users):
    """Aarhusklyngen 2022 with a budget of 1.000,00 kr. for Aarhus on the initiative, and no funding yet."""
    factories.budget_line(cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune, amount=BUDGET)
    return cy_a


def book(entry_kwargs, amount, **overrides):
    return services.entry_create(**entry_kwargs(amount=Decimal(amount), **{"confirmed": False, **overrides}))


def set_control(cy, control):
    ClusterYear.objects.filter(pk=cy.pk).update(budget_control=control)


def test_the_default_control_is_advar(cy_a):
    assert cy_a.budget_control == BudgetControl.WARN == "warn"
    assert BudgetControl.WARN.label == "Advar" and cy_a.large_entry_share == Decimal("25.00")


def test_exactly_at_budget_books_without_confirmation(budgeted, entry_kwargs):
    entry = book(entry_kwargs, "1000.00")
    assert entry.pk and not EntryConfirmation.objects.exists()


def test_one_ore_over_budget_asks_for_confirmation_with_the_figures(budgeted, entry_kwargs):
    with pytest.raises(ConfirmationNeeded) as caught:
        book(entry_kwargs, "1000.01")
    message = " ".join(caught.value.message_dict["confirm"])
    assert "Indsatsen «Syntetisk akutteam»: forbruget bliver 1.000,01 kr. mod et budget på 1.000,00 kr." in message
    assert "Aarhus: partens forbrug bliver 1.000,01 kr." in message and "overskridelse 0,01 kr." in message
    assert not Entry.objects.exists()


def test_a_confirmed_overrun_is_booked_and_the_confirmation_recorded(budgeted, entry_kwargs, users):
    entry = book(entry_kwargs, "1000.01", confirmed=True)
    confirmation = EntryConfirmation.objects.get()
    assert confirmation.entry == entry and confirmation.confirmed_by == users["secretariat_a"]
    assert confirmation.confirmed_at is not None
    assert {o["kind"] for o in confirmation.overruns} == {"initiative", "party"}
    assert {o["over"] for o in confirmation.overruns} == {"0.01"}
    assert entry.confirmation == confirmation


def test_stop_refuses_one_ore_over_even_confirmed(budgeted, entry_kwargs):
    set_control(budgeted, BudgetControl.STOP)
    with pytest.raises(BudgetStopped) as caught:
        book(entry_kwargs, "1000.01", confirmed=True)
    messages = caught.value.message_dict["amount"]
    assert messages[0] == "Budgetkontrollen står på «Stop»: posteringen bogføres ikke."
    assert any("1.000,01 kr." in m and "1.000,00 kr." in m for m in messages)
    assert not Entry.objects.exists()
    assert book(entry_kwargs, "1000.00").pk  # at the budget: booked under «Stop» too


def test_no_control_books_over_budget_without_confirmation(budgeted, entry_kwargs):
    set_control(budgeted, BudgetControl.NONE)
    assert book(entry_kwargs, "5000.00").pk
    assert not EntryConfirmation.objects.exists()


def test_a_reversal_brings_spend_back_under_budget(budgeted, entry_kwargs, users):
    set_control(budgeted, BudgetControl.STOP)
    first = book(entry_kwargs, "900.00")
    with pytest.raises(BudgetStopped):
        book(entry_kwargs, "200.00")
    services.entry_reverse(entry=first, by=users["secretariat_a"])  # lowers spend: never checked
    assert book(entry_kwargs, "1000.00").pk
    assert Entry.objects.count() == 3


def test_an_income_never_overruns(budgeted, entry_kwargs):
    book(entry_kwargs, "1000.00")
    set_control(budgeted, BudgetControl.STOP)
    assert book(entry_kwargs, "300.00", kind="income").pk


def test_overruns_of_a_list_of_rows_count_the_rows_before(budgeted, initiative_a, aarhus_kommune):
    """As the import calls it: one state, every row in order; the row numbers name the overrunning rows."""
    state = BudgetState.load(budgeted)
    rows = [
        {"row_number": n, "initiative_id": initiative_a.pk, "party_kind": "municipality",
         "municipality_id": aarhus_kommune.pk, "region_id": None, "kind": kind, "amount": Decimal(amount)}
        for n, kind, amount in [(2, "expense", "600.00"), (3, "expense", "400.00"), (4, "expense", "0.01"),
                                (5, "income", "50.00"), (6, "expense", "49.99")]
    ]
    found = overruns(state, rows)
    assert [(o.row_number, o.kind) for o in found] == [(4, "initiative"), (4, "party")]
    assert found[0].message.startswith("Række 4: Indsatsen «Syntetisk akutteam»: forbruget bliver 1.000,01 kr.")
    assert state.initiative_spend[initiative_a.pk] == Decimal("0.00")  # the state is not changed


def test_a_large_entry_needs_confirmation_in_every_setting(budgeted, entry_kwargs, users, aarhus_kommune,
                                                            initiative_a):
    factories.funding_line(budgeted, by=users["secretariat_a"], municipality=aarhus_kommune,
                           paid=Decimal("10000.00"))
    factories.budget_line(budgeted, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                          amount=Decimal("20000.00"))
    assert book(entry_kwargs, "2500.00").pk  # 25 % of 10.000,00 kr.: at the limit
    for control in (BudgetControl.NONE, BudgetControl.STOP, BudgetControl.WARN):
        set_control(budgeted, control)
        with pytest.raises(ConfirmationNeeded) as caught:
            book(entry_kwargs, "2500.01")
        assert "Posteringen på 2.500,01 kr. er større end grænsen for en enkelt postering, 25,00 % af " \
               "finansieringen 10.000,00 kr. (2.500,00 kr.)." in caught.value.message_dict["confirm"][0]
    assert book(entry_kwargs, "2500.01", confirmed=True).confirmation.overruns[0]["kind"] == "large_entry"


def test_the_secretariat_sets_the_control_while_a_draft(cy_a, users):
    cy = budget_control_set(cluster_year=cy_a, by=users["secretariat_a"], budget_control="stop", large_entry_share="10,5")
    cy.refresh_from_db()
    assert cy.budget_control == "stop" and cy.large_entry_share == Decimal("10.50")
    with pytest.raises(ValidationError) as caught:
        budget_control_set(cluster_year=cy_a, by=users["secretariat_a"], budget_control="stop", large_entry_share="101")
    assert "højst være 100 %" in str(caught.value)
    cluster_year_transition(cluster_year=cy_a, action="submit", by=users["secretariat_a"])
    with pytest.raises(Exception) as caught:
        budget_control_set(cluster_year=cy_a, by=users["secretariat_a"], budget_control="none", large_entry_share="25")
    assert "Indsendt" in str(caught.value) or "kladde" in str(caught.value)
    cy_a.refresh_from_db()
    assert cy_a.budget_control == "stop"


def test_the_page_shows_and_sets_the_control(budgeted, client_for, users):
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:cluster_year_detail", args=[budgeted.pk])
    body = client.get(url).content.decode()
    assert "Budgetkontrol" in body and "Advar" in body
    response = client.post(url, {"budget_control": "stop", "large_entry_share": "30,00"})
    assert response.status_code == 302
    budgeted.refresh_from_db()
    assert budgeted.budget_control == "stop" and budgeted.large_entry_share == Decimal("30.00")
    assert "Budgetkontrol: <strong>Stop</strong>" in client.get(url).content.decode()
    ssu = client_for(users["ssu_a"])
    assert ssu.post(url, {"budget_control": "none", "large_entry_share": "25"}).status_code == 403
    budgeted.refresh_from_db()
    assert budgeted.budget_control == "stop"


def test_the_entry_form_shows_the_confirm_checkbox_when_needed(budgeted, client_for, users, initiative_a,
                                                                aarhus_kommune):
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:entry_create", args=[budgeted.pk])
    assert 'type="checkbox" name="confirm"' not in client.get(url).content.decode()
    data = {"initiative": initiative_a.pk, "party": f"m:{aarhus_kommune.pk}", "booking_date": "2022-04-01",
            "kind": "expense", "amount": "1.000,01", "account_code": "4.62.82", "cost_kind": "development"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and 'type="checkbox" name="confirm"' in body
    assert "overskridelse 0,01 kr." in body and not Entry.objects.exists()
    assert client.post(url, {**data, "confirm": "on"}).status_code == 302
    assert Entry.objects.get().confirmation.confirmed_by == users["secretariat_a"]


def test_overruns_take_the_unsaved_entries_of_check_entry_rows(budgeted, initiative_a, aarhus_kommune):
    """The import's path: ``check_entry_rows`` gives unsaved entries; a mix of ordinary and overrunning rows."""
    rows = [factories.booking_row(initiative_a, aarhus_kommune, datetime.date(2022, 3, day), "expense", amount,
                                  "4.62.82", "Syntetisk", f"SYN-{day}")
            for day, amount in [(1, "400.00"), (2, "600.00"), (3, "250.00")]]
    entries, problems = services.check_entry_rows(cluster_year=budgeted, rows=rows)
    assert problems == []
    found = overruns(BudgetState.load(budgeted), entries)
    assert [(o.kind, o.spend_after, o.over) for o in found] == [
        ("initiative", Decimal("1250.00"), Decimal("250.00")), ("party", Decimal("1250.00"), Decimal("250.00")),
    ]
