"""The one set of small factories for tests: state built through the portal's own services.

Every write goes through accounts.services, review.workflow, review.services or the workbook
importer, so no test holds a state the portal itself would refuse. The conftest fixtures of the
test folders are thin wrappers of these functions.

Everything made here is synthetic ("Syntetisk ..."): names and amounts only
exist so that pages and permissions have something to show and to refuse.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from users.models import Role

ROLES = ("anonymous", "secretariat_a", "secretariat_b", "ssu_a", "ssu_other", "national", "admin")
MUNICIPAL_ACCOUNT = "4.62.82.1.01"  # shape of the municipal chart of accounts
# The text of cluster B's entry: no page of cluster A's accounts may show it.
B_SECRET = "Syntetisk postering kun for Randers"
# Cluster A's entry text and review comment: no page shown to B's secretariat or another region's SSU may show them.
A_SECRET = "Syntetisk postering kun for Aarhus"
A_COMMENT = "Syntetisk kommentar kun for Aarhusklyngen"


def user(role: str, *, username: str, cluster=None, region=None, password: str | None = None,
         email: str | None = None, **fields):
    """A portal user; without a password it can only be logged in with force_login (fast).

    The e-mail is ``<username>@syntetisk.invalid`` unless given ("" for none); ``fields`` go to the user.
    """
    return get_user_model().objects.create_user(
        username=username,
        password=password,
        role=role,
        cluster=cluster,
        region=region,
        email=f"{username}@syntetisk.invalid" if email is None else email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        **fields,
    )


def matrix_users(*, aarhus, randers, bornholm, password: str | None = None, **fields) -> dict:
    """The six logged-in roles of the permission matrix (cluster A = Aarhusklyngen, B = Randers Klyngen)."""
    return {
        "secretariat_a": user(Role.SECRETARIAT, username="sek_a", cluster=aarhus, password=password, **fields),
        "secretariat_b": user(Role.SECRETARIAT, username="sek_b", cluster=randers, password=password, **fields),
        "ssu_a": user(Role.SSU, username="ssu_a", region=aarhus.region, password=password, **fields),
        "ssu_other": user(Role.SSU, username="ssu_other", region=bornholm.region, password=password, **fields),
        "national": user(Role.NATIONAL, username="national", password=password, **fields),
        "admin": user(Role.ADMIN, username="admin", password=password, **fields),
    }


def cluster(region_code: int, name: str):
    """A cluster of the reference data, by its region's code and its name."""
    from geography.models import Cluster

    return Cluster.objects.select_related("region").get(region__code=region_code, name=name)


def cluster_year(cluster, year: int):
    from accounts import services

    return services.cluster_year_get_or_create(cluster=cluster, year=year)


def area(year: int = 2022, name: str = "Akutområdet"):
    from accounts.models import InitiativeArea

    return InitiativeArea.objects.get(year=year, name=name)


def administrator():
    """An administrator to act where a test names no user: the first one there, else a synthetic one."""
    found = get_user_model().objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    return found or user(Role.ADMIN, username="syntetisk_administrator")


def member_municipality(cluster):
    """The first funding municipality of the cluster (by municipality code)."""
    from geography.models import Municipality

    return Municipality.objects.filter(memberships__cluster=cluster, memberships__kind="funding").order_by("code")[0]


def initiative(cy, *, by, name: str, last_year: int | None = None, area_name: str = "Akutområdet",
               status: str = "active", description: str = "Syntetisk indsats til test.",
               responsible: str = "cluster"):
    """An initiative running in the cluster-year's year (to ``last_year``), made by ``by``."""
    from accounts import services

    return services.initiative_create(
        cluster_year=cy, by=by, name=name, area=area(cy.year, area_name),
        description=description, responsible=responsible, status=status,
        first_year=cy.year, last_year=last_year or cy.year,
    )


def budget_line(cy, init, *, by, municipality=None, region=None, amount: Decimal, source: str = "startup"):
    """The budget of an initiative for one party: a municipality, or (with ``region``) the region."""
    from accounts import services

    return services.budget_line_set(
        cluster_year=cy, by=by, initiative=init, source=source,
        party_kind="region" if region is not None else "municipality",
        municipality=municipality, region=region, amount=Decimal(amount),
    )


def funding_line(cy, *, by, municipality, paid: Decimal, source: str = "startup",
                 text: str = "Syntetisk indbetaling"):
    """A municipality's paid contribution entered by hand (start-up funds by default)."""
    from accounts import services

    return services.funding_line_create(
        cluster_year=cy, by=by, source=source, party_kind="municipality", municipality=municipality,
        paid=Decimal(paid), text=text,
    )


def commitment(cy, *, by, municipality, amount: Decimal, committed_by: str = "Syntetisk kommunaldirektør",
               committed_on: datetime.date | None = None):
    """A municipality's commitment to carry unspent money over (at most what it has unspent)."""
    from accounts import services

    return services.commitment_record(
        cluster_year=cy, by=by, party_kind="municipality", municipality=municipality, amount=Decimal(amount),
        committed_by=committed_by, committed_on=committed_on or datetime.date(cy.year, 12, 1),
    )


def entry_kwargs(cy, init, *, by, municipality, amount: Decimal = Decimal("1234.50"),
                 text: str = "Syntetisk postering", kind: str = "expense", booking_date: datetime.date | None = None,
                 account_code: str = MUNICIPAL_ACCOUNT, voucher: str = "SYN-1", cost_kind: str = "development",
                 **overrides) -> dict:
    """The keyword arguments of ``accounts.services.entry_create`` for a valid municipal expense."""
    kwargs = dict(
        cluster_year=cy, initiative=init, party_kind="municipality", municipality=municipality,
        booking_date=booking_date or datetime.date(cy.year, 3, 15), kind=kind, amount=amount,
        account_code=account_code, voucher=voucher, text=text, cost_kind=cost_kind, created_by=by,
        confirmed=True,  # past the budget control's «Advar» (tests/accounts/test_budget_control.py tests it)
    )
    kwargs.update(overrides)
    return kwargs


def entry(cy, init, *, by, municipality, amount: Decimal, **fields):
    """One entry booked through the service (``fields`` as for ``entry_kwargs``)."""
    from accounts import services

    return services.entry_create(**entry_kwargs(cy, init, by=by, municipality=municipality, amount=amount, **fields))


def booking_row(init, party, booking_date: datetime.date, kind: str, amount, account_code: str, text: str,
                voucher: str, cost_kind: str = "development") -> dict:
    """One row for ``accounts.services.entries_create_bulk``; ``party`` a Municipality or a Region."""
    from geography.models import Municipality

    row = {
        "initiative": init, "booking_date": booking_date, "kind": kind, "amount": Decimal(amount),
        "account_code": account_code, "text": text, "voucher": voucher, "cost_kind": cost_kind,
    }
    if isinstance(party, Municipality):
        row.update(party_kind="municipality", municipality=party)
    else:
        row.update(party_kind="region", region=party)
    return row


def without_municipal_populations(year: int = 2022) -> None:
    """Take the year's shipped FOLK1A quarter away (inside the test's transaction, rolled back after it).

    With the quarter loaded the allocation tells each funding municipality's contribution, so a proposal
    is per municipality; without it the municipal side is one line for the cluster's municipalities
    jointly, which the secretariat splits as paid. Reference data, not ledger state: no service removes it.
    """
    import datetime

    from geography.models import MunicipalityPopulation, PopulationQuarter

    reference_date = datetime.date(year, 1, 1)
    MunicipalityPopulation.objects.filter(quarter__reference_date=reference_date).delete()
    PopulationQuarter.objects.filter(reference_date=reference_date).delete()


def propose_funding(cy, *, by):
    """The start-up contribution lines from the published allocation (a joint municipal line and the region)."""
    from accounts import services

    return services.funding_propose(cluster_year=cy, by=by)


def close_year(cy, *, by):
    """Close the year as ``by`` once the SSU has approved it; before that, as an administrator with a reason."""
    from accounts import services
    from accounts.models import ReviewStatus

    if cy.status != ReviewStatus.APPROVED and by.role != Role.ADMIN:
        by = administrator()
    return services.year_close(cluster_year=cy, by=by, reason="Syntetisk: afsluttet før godkendelse")


def template_bytes(cy, *, rows=(), blank: bool = True) -> bytes:
    """The portal's own template for the cluster-year, with rows typed into the Regnskab sheet.

    Each row is a dict keyed like workbook.layout.ENTRY_COLUMNS (values as a user types them).
    """
    import io

    from openpyxl import load_workbook

    from workbook import layout
    from workbook.builder import build_for

    out = io.BytesIO()
    build_for(cluster=cy.cluster, year=cy.year, cluster_year=cy, blank=blank, out=out)
    if not rows:
        return out.getvalue()
    wb = load_workbook(io.BytesIO(out.getvalue()))
    ws = wb[layout.SHEET_ENTRIES]
    first = ws.max_row + 1 if not blank else layout.FIRST_DATA_ROW
    for offset, row in enumerate(rows):
        for key, value in row.items():
            ws.cell(row=first + offset, column=layout.ENTRY_COL[key] + 1, value=value)
    again = io.BytesIO()
    wb.save(again)
    return again.getvalue()


def entry_row(cy, init, *, party: str, amount, text: str = "Syntetisk række", day: int = 1, **overrides) -> dict:
    """One Regnskab row as a secretariat types it."""
    row = {
        "booking_date": datetime.date(cy.year, 6, day), "initiative": init.name, "area": init.area.name,
        "party": party, "account_code": MUNICIPAL_ACCOUNT, "kind": "Udgift", "cost_kind": "Udvikling",
        "amount": amount, "text": text, "voucher": f"SYN-{day}",
    }
    row.update(overrides)
    return row


def import_template(cy, content: bytes, *, by, filename: str = "syntetisk.xlsx"):
    import io

    from workbook.importer import import_workbook

    return import_workbook(cluster_year=cy, fileobj=io.BytesIO(content), filename=filename, size=len(content),
                           user=by, confirm_overruns=True)  # past «Advar» (tests/workbook/test_import_control.py)


def comment(cy, *, by, text: str):
    from review import services

    return services.comment_add(cluster_year=cy, author=by, text=text)


def transition(cy, action: str, *, by, comment: str = ""):
    from review.workflow import cluster_year_transition

    return cluster_year_transition(cluster_year=cy, action=action, by=by, comment=comment)


def evaluation(init, year: int, *, by):
    from review import services

    return services.evaluation_save(
        initiative=init, year=year, by=by,
        challenge="Syntetisk udfordring", success_criteria="Syntetiske succeskriterier",
        measurement="Syntetisk måling", measured_when="Ved årets udgang",
        follow_up_responsible="Syntetisk ansvarlig", result="Syntetisk resultat", status="completed",
    )


@dataclass
class World:
    """Named objects the permission rules build URL kwargs and POST bodies from."""

    users: dict
    cluster_a: object
    cluster_b: object
    cluster_other: object
    region_a: object
    region_other: object
    cy_a: object  # A's 2022 accounts, draft: the secretariat may write
    cy_b: object  # B's 2022 accounts, draft
    cy_a_submitted: object  # A's 2023 accounts, submitted: the SSU may return or approve
    cy_a_approved: object  # A's 2024 accounts, approved: the SSU may reopen
    initiative_a: object
    initiative_b: object
    entry_a: object
    entry_b: object
    evaluation_a: object
    round: object
    municipality_a: object
    municipality_b: object
    scenario: object  # a draft copy of the 2022 round
    regions: list
    budget_a: object
    budget_b: object
    cy_a_closed: object  # A's 2025 accounts, closed: only an administrator reopens
    batch_a: object  # an Excel import into A's 2022 accounts
    extra: dict = field(default_factory=dict)


def build_world(*, password: str | None = None) -> World:
    """Clusters A and B with accounts, years in review for the SSU, and one user per role."""
    from allocation import services as allocation_services
    from allocation.models import AllocationRound
    from geography.models import Municipality, Region

    aarhus = cluster(1082, "Aarhusklyngen")
    randers = cluster(1082, "Randers Klyngen")
    bornholm = cluster(1084, "Bornholm")
    users = matrix_users(aarhus=aarhus, randers=randers, bornholm=bornholm, password=password)
    sek_a, sek_b, ssu_a = users["secretariat_a"], users["secretariat_b"], users["ssu_a"]
    aarhus_m = Municipality.objects.get(code=751)
    randers_m = Municipality.objects.get(code=730)

    cy_a = cluster_year(aarhus, 2022)
    cy_b = cluster_year(randers, 2022)
    init_a = initiative(cy_a, by=sek_a, name="Syntetisk indsats A")
    init_b = initiative(cy_b, by=sek_b, name="Syntetisk indsats B")
    budget_a = budget_line(cy_a, init_a, by=sek_a, municipality=aarhus_m, amount=Decimal("100000.00"))
    budget_b = budget_line(cy_b, init_b, by=sek_b, municipality=randers_m, amount=Decimal("50000.00"))
    entry_a = entry(cy_a, init_a, by=sek_a, municipality=aarhus_m, amount=Decimal("1234.50"), text=A_SECRET)
    entry(cy_a, init_a, by=sek_a, municipality=aarhus_m, amount=Decimal("200.00"), kind="income")
    entry_b = entry(cy_b, init_b, by=sek_b, municipality=randers_m, amount=Decimal("999.00"), text=B_SECRET)
    evaluation_a = evaluation(init_a, 2022, by=sek_a)
    comment(cy_a, by=ssu_a, text=A_COMMENT)
    content = template_bytes(cy_a, rows=[entry_row(cy_a, init_a, party=aarhus_m.name, amount=321.25)])
    batch_a = import_template(cy_a, content, by=sek_a, filename="syntetisk-import.xlsx").batch

    cy_a_submitted = cluster_year(aarhus, 2023)
    transition(cy_a_submitted, "submit", by=sek_a)
    cy_a_approved = cluster_year(aarhus, 2024)
    transition(cy_a_approved, "submit", by=sek_a)
    transition(cy_a_approved, "approve", by=ssu_a)
    cy_a_closed = cluster_year(aarhus, 2025)
    close_year(cy_a_closed, by=sek_a)

    round_2022 = AllocationRound.objects.filter(year=2022).order_by("-status", "pk").first()
    scenario = allocation_services.round_copy(source=round_2022, name="Syntetisk scenarie", by=users["admin"])

    return World(
        users=users, cluster_a=aarhus, cluster_b=randers, cluster_other=bornholm,
        region_a=aarhus.region, region_other=bornholm.region,
        cy_a=cy_a, cy_b=cy_b, cy_a_submitted=cy_a_submitted, cy_a_approved=cy_a_approved,
        initiative_a=init_a, initiative_b=init_b, entry_a=entry_a, entry_b=entry_b,
        evaluation_a=evaluation_a,
        round=round_2022, scenario=scenario, regions=list(Region.objects.order_by("code")),
        municipality_a=aarhus_m, municipality_b=randers_m,
        budget_a=budget_a, budget_b=budget_b, cy_a_closed=cy_a_closed, batch_a=batch_a,
    )
