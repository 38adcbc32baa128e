"""«Tilbagefør import» undoes the import's budget lines, commitments and new initiatives too, or nothing.

The import keeps what Budget and Videreførelse changed (``ImportChange``: old and new values); undoing
puts each line back through the browser's services as an ordinary recorded change («Tilbageført
indlæsning nr. N»), and refuses with a Danish reason, changing nothing, when the status no longer allows
changes or when someone changed a line or commitment after the import.
"""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import BudgetLine, BudgetMonth, BudgetRevision, CarryOverCommitment, Entry, Initiative
from accounts.models_import import ImportChange
from accounts.services.import_undo import import_batch_undo
from geography.models import Municipality
from tests import factories
from workbook import layout as L

from .helpers import commit as commit_file
from .helpers import edit, export_bytes
from .test_import_undo import standing
from .test_rows import NEW, append_row

pytestmark = pytest.mark.django_db

BILLUND = ("Syntetisk akutteam", "Billund")
VEJEN = ("Syntetisk: hvad virker?", "Vejen")
KOLDING = ("Syntetisk psykiatri-samarbejde", "Kolding")
NEW_LINE = ["Syntetisk akutteam", "Akutområdet", "Decentrale midler", "Vejle", 5000]
NEW_INITIATIVE = ["Syntetisk ny indsats", "De sårbare ældre", "Opstartsmidler", "Middelfart", "7.500,00"]


def budget(cy) -> dict[tuple, tuple]:
    """Every budget line field by field, with its stored months."""
    months: dict[int, dict] = {}
    for m in BudgetMonth.objects.filter(budget_line__cluster_year=cy):
        months.setdefault(m.budget_line_id, {})[m.month] = m.amount
    return {(line.initiative.name, line.source, line.party_label): (line.amount, months.get(line.pk))
            for line in BudgetLine.objects.filter(cluster_year=cy).select_related("initiative", "municipality",
                                                                                  "region")}


def commitments(cy) -> dict[str, tuple]:
    return {c.party_label: (c.amount, c.committed_by, c.committed_on, c.note)
            for c in CarryOverCommitment.objects.filter(cluster_year=cy).select_related("municipality", "region")}


def _budget_row(ws, line: tuple) -> int:
    name, party = line
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == name and ws.cell(r, 4).value == party)


def set_budget(line: tuple, amount, months=None):
    def change(wb):
        ws = wb[L.SHEET_BUDGET]
        row = _budget_row(ws, line)
        ws.cell(row, 5, amount)
        for number, value in enumerate(months or [], start=6):
            ws.cell(row, number, value)
    return change


def add_budget(values: list):
    def change(wb):
        ws = wb[L.SHEET_BUDGET]
        row = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value) + 1
        for column, value in enumerate(values, start=1):
            ws.cell(row, column, value)
    return change


def drop_budget(line: tuple):
    def change(wb):
        ws = wb[L.SHEET_BUDGET]
        ws.delete_rows(_budget_row(ws, line))
    return change


def give(party: str, amount, by="Syntetisk direktør", on=datetime.date(2022, 12, 15), note="Syntetisk råderum"):
    def change(wb):
        ws = wb[L.SHEET_CARRYOVER]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == party)
        for column, value in enumerate([amount, by, on, note], start=5):
            ws.cell(row, column, value)
    return change


def commit(cy, data: bytes, user, **kwargs):
    """Past the budget control's «Advar» (tests/workbook/test_import_control.py tests it)."""
    return commit_file(cy, data, user, **{"confirm_overruns": True, **kwargs})


def changed(cy, *changes) -> bytes:
    return edit(export_bytes(cy), lambda wb: [c(wb) for c in changes])


# The confirm page: session, user, batch, cluster-year (scope), entries to reverse and to book again, the
# refusal check, the import's changes, and the budget lines, months, commitments and initiatives now.
CONFIRM_QUERIES = 13



def test_created_changed_and_removed_budget_lines_come_back_as_recorded_changes(ledger):
    cy, user = ledger.cy, ledger.secretariat
    before, entries = budget(cy), standing(cy)
    data = changed(cy, append_row(NEW), set_budget(BILLUND, "123.456,78"), set_budget(KOLDING, 0),
                   drop_budget(VEJEN), add_budget(NEW_LINE))
    batch = commit(cy, data, user, reverse_removed=True).batch
    records = {(c.label, c.action) for c in ImportChange.objects.filter(import_batch=batch)}
    assert records == {
        ("Syntetisk akutteam · Opstartsmidler · Billund", "changed"),
        ("Syntetisk psykiatri-samarbejde · Opstartsmidler · Kolding", "removed"),
        ("Syntetisk: hvad virker? · Opstartsmidler · Vejen", "removed"),
        ("Syntetisk akutteam · Decentrale midler · Vejle", "created"),
    }
    billund = ImportChange.objects.get(import_batch=batch, label__endswith="Billund")
    assert (billund.old["amount"], billund.new["amount"]) == ("100000.00", "123456.78")
    assert budget(cy) != before

    undone = import_batch_undo(import_batch=batch, by=ledger.admin)
    assert budget(cy) == before  # every line as before, øre for øre
    assert standing(cy) == entries
    assert "4 budgetlinjer sat tilbage" in undone.message
    reason = f"Tilbageført indlæsning nr. {batch.pk} (regnskab.xlsx)"
    undo_history = list(BudgetLine.history.filter(cluster_year_id=cy.pk, history_user_id=ledger.admin.pk))
    assert sorted(h.history_type for h in undo_history) == ["+", "+", "-", "~"]
    removal = next(h for h in undo_history if h.history_type == "-")
    assert removal.history_change_reason == reason and removal.amount == Decimal("5000.00")
    assert not BudgetRevision.objects.exists()  # before the first submission: no revisions, as in the browser
    batch.refresh_from_db()
    assert batch.reversed_by == ledger.admin


def test_after_a_return_the_undo_is_recorded_as_budget_revisions(ledger):
    cy, user = ledger.cy, ledger.secretariat
    factories.transition(cy, "submit", by=user)
    factories.transition(cy, "return", by=ledger.admin, comment="Syntetisk retur")
    cy.refresh_from_db()
    before = budget(cy)
    batch = commit(cy, changed(cy, set_budget(BILLUND, 1), add_budget(NEW_LINE)), user).batch
    import_batch_undo(import_batch=batch, by=user)
    assert budget(cy) == before
    revisions = list(BudgetRevision.objects.filter(reason__startswith="Tilbageført indlæsning").order_by("id"))
    assert {(r.old_amount, r.new_amount) for r in revisions} == {(Decimal("1.00"), Decimal("100000.00")),
                                                                 (Decimal("5000.00"), None)}
    assert all(r.by == user and r.reason == f"Tilbageført indlæsning nr. {batch.pk} (regnskab.xlsx)"
               for r in revisions)


def test_a_phasing_changed_by_the_import_is_put_back(ledger):
    cy, user = ledger.cy, ledger.secretariat
    phased = [Decimal("10000.00")] * 10 + [Decimal("0.00"), Decimal("0.00")]
    before = budget(cy)
    batch = commit(cy, changed(cy, set_budget(BILLUND, 100000, months=phased)), user).batch
    assert budget(cy)[("Syntetisk akutteam", "startup", "Billund")][1] is not None
    import_batch_undo(import_batch=batch, by=user)
    assert budget(cy) == before


def test_a_new_initiative_is_removed_unless_something_uses_it_now(ledger):
    cy, user = ledger.cy, ledger.secretariat
    first = commit(cy, changed(cy, add_budget(NEW_INITIATIVE)), user).batch
    assert ImportChange.objects.filter(import_batch=first, kind="initiative").get().label == "Syntetisk ny indsats"
    undone = import_batch_undo(import_batch=first, by=user)
    assert not Initiative.objects.filter(name="Syntetisk ny indsats").exists()
    assert "nye indsatser fjernet: «Syntetisk ny indsats»" in undone.message
    assert Initiative.history.filter(name="Syntetisk ny indsats", history_type="-").get().history_user_id == user.pk

    second = commit(cy, changed(cy, add_budget(NEW_INITIATIVE)), user).batch
    initiative = Initiative.objects.get(name="Syntetisk ny indsats")
    factories.entry(cy, initiative, by=user, municipality=Municipality.objects.get(name="Middelfart"),
                    amount=Decimal("100.00"))  # booked by hand after the import
    undone = import_batch_undo(import_batch=second, by=user)
    assert Initiative.objects.filter(pk=initiative.pk).exists()
    assert not BudgetLine.objects.filter(initiative=initiative).exists()  # its budget line is undone all the same
    assert "Indsatsen «Syntetisk ny indsats», som importen oprettede, er bevaret, fordi den nu bruges af: " \
           "posteringer." in undone.message


def test_a_created_commitment_is_removed_and_a_replaced_one_restored(ledger, fredericia):
    cy, user = ledger.cy, ledger.secretariat
    created = commit(cy, changed(cy, give("Fredericia", "20.000,00")), user).batch
    assert commitments(cy) == {"Fredericia": (Decimal("20000.00"), "Syntetisk direktør", datetime.date(2022, 12, 15),
                                              "Syntetisk råderum")}
    undone = import_batch_undo(import_batch=created, by=user)
    assert commitments(cy) == {} and "1 tilsagn sat tilbage" in undone.message
    assert CarryOverCommitment.history.filter(history_type="-").get().history_change_reason == (
        f"Tilbageført indlæsning nr. {created.pk}")

    factories.commitment(cy, by=user, municipality=fredericia, amount=Decimal("10000.00"),
                         committed_by="Syntetisk borgmester", committed_on=datetime.date(2022, 11, 1))
    before = commitments(cy)
    replaced = commit(cy, changed(cy, give("Fredericia", 30000)), user).batch
    assert commitments(cy)["Fredericia"][0] == Decimal("30000.00")
    import_batch_undo(import_batch=replaced, by=user)
    assert commitments(cy) == before


def test_refused_when_the_status_no_longer_allows_changes(ledger, fredericia, client):
    cy, user = ledger.cy, ledger.secretariat
    batch = commit(cy, changed(cy, append_row(NEW), set_budget(BILLUND, 1), give("Fredericia", 20000)), user).batch
    factories.transition(cy, "submit", by=user)
    state = (budget(cy), commitments(cy), Entry.objects.count())
    with pytest.raises(ValidationError) as refused:
        import_batch_undo(import_batch=batch, by=user)
    assert "Importen kan ikke tilbageføres: Regnskabet kan ikke ændres i status «Indsendt»." in refused.value.messages
    assert (budget(cy), commitments(cy), Entry.objects.count()) == state
    batch.refresh_from_db()
    assert batch.reversed_at is None
    client.force_login(user)
    page = client.get(reverse("workbook:import_reverse", args=[batch.pk])).content.decode()
    assert "Importen kan ikke tilbageføres nu." in page and "status «Indsendt»" in page
    assert 'Tilbagefør import</button>' not in page
    client.post(reverse("workbook:import_reverse", args=[batch.pk]))
    assert (budget(cy), commitments(cy), Entry.objects.count()) == state


def test_refused_when_a_line_or_commitment_was_changed_after_the_import(ledger, fredericia):
    cy, user = ledger.cy, ledger.secretariat
    batch = commit(cy, changed(cy, append_row(NEW), set_budget(BILLUND, "123.456,78"), add_budget(NEW_LINE),
                               give("Fredericia", 20000)), user).batch
    line = BudgetLine.objects.get(cluster_year=cy, initiative__name=BILLUND[0], municipality__name="Billund")
    services.budget_line_update(line=line, by=ledger.admin, amount=Decimal("1000.00"), reason="Syntetisk rettelse")
    services.commitment_record(cluster_year=cy, by=ledger.admin, party_kind="municipality", municipality=fredericia,
                               amount=Decimal("15000.00"), committed_by="Syntetisk borgmester",
                               committed_on=datetime.date(2022, 12, 20), replace=True)
    state = (budget(cy), commitments(cy), Entry.objects.count())
    with pytest.raises(ValidationError) as refused:
        import_batch_undo(import_batch=batch, by=user)
    assert refused.value.messages == [
        "Importen kan ikke tilbageføres: Budgetlinjen «Syntetisk akutteam · Opstartsmidler · Billund» er ændret "
        "efter importen (importen satte 123.456,78 kr., nu 1.000,00 kr.); en tilbageførsel ville overskrive den "
        "senere ændring. Ret den i stedet på budgetsiden.",
        "Importen kan ikke tilbageføres: Tilsagnet for Fredericia er ændret efter importen (importen satte "
        "20.000,00 kr., nu 15.000,00 kr.); en tilbageførsel ville overskrive den senere ændring. Ret det i stedet "
        "under videreførelse.",
    ]
    assert (budget(cy), commitments(cy), Entry.objects.count()) == state
    batch.refresh_from_db()
    assert batch.reversed_at is None


def test_the_confirm_page_lists_budget_lines_and_commitments_in_a_fixed_number_of_queries(
        ledger, fredericia, client, django_assert_num_queries):
    cy, user = ledger.cy, ledger.secretariat
    small = commit(cy, changed(cy, set_budget(BILLUND, 1)), user).batch
    large = commit(cy, changed(cy, append_row(NEW), set_budget(VEJEN, 2), set_budget(KOLDING, 0),
                               add_budget(NEW_LINE), add_budget(NEW_INITIATIVE), give("Fredericia", 20000)), user).batch
    client.force_login(user)
    pages = {}
    for batch in (small, large):
        with django_assert_num_queries(CONFIRM_QUERIES):
            pages[batch.pk] = client.get(reverse("workbook:import_reverse", args=[batch.pk])).content.decode()
    page = pages[large.pk]
    assert "tilbageføres ikke" not in page
    assert ("Budgetlinjen «Syntetisk: hvad virker? · Opstartsmidler · Vejen» ændres tilbage fra 2,00 kr. til "
            "40.000,50 kr.</li>") in page
    assert "Budgetlinjen «Syntetisk psykiatri-samarbejde · Opstartsmidler · Kolding», som importen fjernede, " \
           "genskabes med 25.000,00 kr.</li>" in page
    assert "Budgetlinjen «Syntetisk akutteam · Decentrale midler · Vejle» (5.000,00 kr.), som importen oprettede, " \
           "fjernes." in page
    assert "Indsatsen «Syntetisk ny indsats», som importen oprettede, fjernes, hvis intet andet bruger den." in page
    assert "Tilsagnet for Fredericia (20.000,00 kr.), som importen registrerede, fjernes." in page
    assert 'Tilbagefør import</button>' in page
    response = client.post(reverse("workbook:import_reverse", args=[large.pk]), follow=True)
    assert "er tilbageført: 1 modpostering, 4 budgetlinjer sat tilbage, 1 tilsagn sat tilbage, nye indsatser " \
           "fjernet: «Syntetisk ny indsats»." in response.content.decode()

