"""Revised budgets (issue 13 part 3): the original budget frozen at the first submission, every later change a
revision (who, when, why, old → new), and the four figures on the cluster-year and review pages."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services
from accounts.models import BudgetRevision, OriginalBudgetLine, PartyKind
from accounts.selectors import cluster_year_summary
from review.workflow import cluster_year_transition

LABELS = ("Oprindeligt budget", "Korrigeret budget", "Forbrug", "Rest", "Prognose")


@pytest.fixture
def budgeted(users, cy_a, initiative_a, aarhus_kommune):
    line = services.budget_line_set(
        cluster_year=cy_a, by=users["secretariat_a"], initiative=initiative_a, source="startup",
        party_kind=PartyKind.MUNICIPALITY, municipality=aarhus_kommune, amount=Decimal("1000.00"),
    )
    return cy_a, line


def submit_and_return(cy, users):
    cluster_year_transition(cluster_year=cy, action="submit", by=users["secretariat_a"])
    cluster_year_transition(cluster_year=cy, action="return", by=users["ssu_a"], comment="Ret budgettet")
    cy.refresh_from_db()  # the workflow moves the caller's status only; the original budget's time is re-read


def test_no_revision_and_original_follows_the_budget_before_submission(budgeted, users):
    cy, line = budgeted
    services.budget_line_update(line=line, by=users["secretariat_a"], amount="1500,00")
    assert not BudgetRevision.objects.exists()
    summary = cluster_year_summary(cy)
    assert summary.has_original_budget is False
    assert summary.totals.original == summary.totals.budget == Decimal("1500.00")


def test_original_budget_frozen_at_first_submission(budgeted, users):
    cy, line = budgeted
    submit_and_return(cy, users)
    cy.refresh_from_db()
    assert cy.original_budget_at is not None
    frozen_at = cy.original_budget_at
    assert list(OriginalBudgetLine.objects.filter(cluster_year=cy).values_list("amount", flat=True)) == [
        Decimal("1000.00")]
    services.budget_line_update(line=line, by=users["secretariat_a"], amount="1200,50", reason="Flere timer")
    # The resubmission keeps the first original budget.
    cluster_year_transition(cluster_year=cy, action="submit", by=users["secretariat_a"])
    cy.refresh_from_db()
    assert cy.original_budget_at == frozen_at
    assert OriginalBudgetLine.objects.filter(cluster_year=cy).count() == 1
    summary = cluster_year_summary(cy)
    assert summary.totals.original == Decimal("1000.00")
    assert summary.totals.budget == Decimal("1200.50")
    assert summary.by_initiative[0].original == Decimal("1000.00")
    assert summary.by_initiative[0].revision == Decimal("200.50")


def test_revision_records_who_when_why_old_new(budgeted, users, initiative_a):
    cy, line = budgeted
    submit_and_return(cy, users)
    services.budget_line_update(line=line, by=users["secretariat_a"], amount="999,99", reason="Én øre mindre")
    revision = BudgetRevision.objects.get()
    assert (revision.old_amount, revision.new_amount) == (Decimal("1000.00"), Decimal("999.99"))
    assert revision.reason == "Én øre mindre"
    assert revision.by == users["secretariat_a"]
    assert revision.at is not None
    assert revision.initiative == initiative_a and revision.source == "startup"
    assert revision.difference == Decimal("-0.01")


def test_new_and_removed_lines_are_revisions_and_unchanged_amount_is_not(budgeted, users, initiative_a, cy_a):
    cy, line = budgeted
    submit_and_return(cy, users)
    services.budget_line_set(cluster_year=cy, by=users["secretariat_a"], initiative=initiative_a, source="startup",
                             party_kind=PartyKind.MUNICIPALITY, municipality=line.municipality,
                             amount="1000,00", reason="Uændret")
    assert not BudgetRevision.objects.exists()
    new = services.budget_line_set(cluster_year=cy, by=users["secretariat_a"], initiative=initiative_a,
                                   source="local", party_kind=PartyKind.REGION, region=cy.cluster.region,
                                   amount="250,00", reason="Regionen bidrager")
    services.budget_line_remove(line=line, by=users["secretariat_a"], reason="Kommunen trækker sig")
    revisions = list(BudgetRevision.objects.order_by("id").values_list("old_amount", "new_amount", "reason"))
    assert revisions == [(None, Decimal("250.00"), "Regionen bidrager"),
                         (Decimal("1000.00"), None, "Kommunen trækker sig")]
    summary = cluster_year_summary(cy)
    # The removed line keeps its original budget; the new line has none.
    assert summary.totals.original == Decimal("1000.00")
    assert summary.totals.budget == new.amount


def test_revisions_are_append_only(budgeted, users):
    cy, line = budgeted
    submit_and_return(cy, users)
    services.budget_line_update(line=line, by=users["secretariat_a"], amount="10,00", reason="Ned")
    revision = BudgetRevision.objects.get()
    revision.reason = "Ændret bagefter"
    with pytest.raises(IntegrityError), transaction.atomic():
        revision.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetRevision.objects.all().delete()


def test_budget_form_asks_for_a_reason_after_submission(budgeted, users, client_for):
    cy, line = budgeted
    client = client_for(users["secretariat_a"])
    url = reverse("accounts:budget_edit", args=[cy.pk, line.pk])
    assert "Begrundelse" not in client.get(url).content.decode()
    submit_and_return(cy, users)
    response = client.post(url, {"amount": "1.100,00", "reason": ""})
    assert response.status_code == 200
    assert "Skriv en begrundelse" in response.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal("1000.00")
    response = client.post(url, {"amount": "1.100,00", "reason": "Ny aftale med kommunen"})
    assert response.status_code == 302
    revision = BudgetRevision.objects.get()
    assert (revision.old_amount, revision.new_amount, revision.reason) == (
        Decimal("1000.00"), Decimal("1100.00"), "Ny aftale med kommunen")


def test_cluster_year_page_shows_the_labels_and_figures(budgeted, users, client_for, entry_kwargs):
    cy, line = budgeted
    services.entry_create(**entry_kwargs(amount=Decimal("400.00")))
    submit_and_return(cy, users)
    services.budget_line_update(line=line, by=users["secretariat_a"], amount="1500,00",
                                reason="Syntetisk revision op")
    html = client_for(users["ssu_a"]).get(reverse("accounts:cluster_year_detail", args=[cy.pk])).content.decode()
    for label in LABELS:
        assert label in html
    assert "Budgetrevisioner" in html and "Syntetisk revision op" in html  # who, when, why, old → new
    assert 'data-original="1000.00"' in html
    assert 'data-revised="1500.00"' in html
    assert "Prognose = forbrug bogført til dato" in html
    assert "<svg" in html and "cumulative" in html


def test_review_page_shows_the_revised_budget(budgeted, users, client_for, entry_kwargs):
    cy, line = budgeted
    services.entry_create(**entry_kwargs(amount=Decimal("400.00")))
    submit_and_return(cy, users)
    services.budget_line_update(line=line, by=users["secretariat_a"], amount="1500,00", reason="Op")
    html = client_for(users["ssu_a"]).get(reverse("review:cluster_year", args=[cy.pk])).content.decode()
    for label in LABELS[:4]:
        assert label in html
    assert "1.000,00" in html and "1.500,00" in html and "1.100,00" in html  # original, revised, rest


@pytest.mark.parametrize("changes", [1, 12])
def test_submitted_page_query_count_is_constant_in_revisions(budgeted, users, client_for, django_assert_num_queries,
                                                            changes):
    from tests.accounts.test_query_counts import DETAIL_QUERIES

    cy, line = budgeted
    submit_and_return(cy, users)
    for i in range(changes):
        services.budget_line_update(line=line, by=users["secretariat_a"], amount=f"{1001 + i},00", reason=f"R{i}")
    client = client_for(users["secretariat_a"])
    # Once submitted: + the original budget (cluster_year_summary) and + the revisions' list.
    with django_assert_num_queries(DETAIL_QUERIES + 2):
        response = client.get(reverse("accounts:cluster_year_detail", args=[cy.pk]))
    assert response.content.decode().count("<td>R") == changes
