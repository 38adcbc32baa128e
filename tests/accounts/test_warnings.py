"""The one list of warnings (accounts.selectors.warnings): each warning, the same list from the accounts
page's summary and from an overview's figures, and where it is shown (cluster-year page, region overview,
review page, «Mine opgaver»). All data synthetic."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Entry, FundingLine, Initiative
from accounts.selectors import cluster_year_summary
from accounts.selectors.warnings import cluster_year_warnings
from geography.selectors import cluster_municipalities
from review.workflow import cluster_year_transition
from tests import factories

D = Decimal


@pytest.fixture
def funded(cy_a, initiative_a, aarhus_kommune, users):
    """Aarhus has paid 10.000,00 kr. and budgets 8.000,00 kr. on the initiative."""
    factories.funding_line(cy_a, by=users["secretariat_a"], municipality=aarhus_kommune, paid=D("10000.00"))
    factories.budget_line(cy_a, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                          amount=D("8000.00"))
    return cy_a


def book(entry_kwargs, amount, **fields):
    return services.entry_create(**entry_kwargs(amount=D(amount), **fields))


def warnings_of(cy):
    """The list from the page's summary, checked against the list from the overview's figures."""
    from_summary = cluster_year_warnings(cy, cluster_year_summary(cy))
    assert from_summary == cluster_year_warnings(cy)  # one rule set, whichever figures it is given
    return from_summary


def codes(cy) -> list[str]:
    return [w.code for w in warnings_of(cy)]


def test_an_ordinary_year_has_no_warnings(funded, entry_kwargs):
    book(entry_kwargs, "1000.00")
    assert warnings_of(funded) == []


def test_a_single_entry_above_the_share_of_funding(funded, entry_kwargs):
    book(entry_kwargs, "2500.00")  # 25 % of 10.000,00 kr.: not above
    assert codes(funded) == []
    book(entry_kwargs, "2500.01")
    (warning,) = warnings_of(funded)
    assert warning.code == "large_entry"
    assert warning.text == ("En enkelt postering på 2.500,01 kr. er over 25,00 % af finansieringen 10.000,00 kr. "
                            "(grænse 2.500,00 kr.)")
    assert warning.link == reverse("accounts:entry_list", args=[funded.pk]) + "?sort=-amount"


def test_a_party_spending_more_than_it_paid(funded, entry_kwargs, aarhus_kommune, initiative_a, users):
    factories.budget_line(funded, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                          amount=D("10000.00"))  # replaces the 8.000,00: budget = funding
    for _ in range(4):
        book(entry_kwargs, "2500.00")
    assert "party_unspent_negative" not in codes(funded)  # exactly the funding: unspent 0
    book(entry_kwargs, "0.01")
    warning = next(w for w in warnings_of(funded) if w.code == "party_unspent_negative")
    assert warning.kind == "bad"
    assert warning.text == "Aarhus: ikke forbrugt er -0,01 kr. (forbrug 10.000,01 kr. mod indbetalt 10.000,00 kr.)"
    assert f"party=m%3A{aarhus_kommune.pk}" in warning.link
    assert "spend_above_funding" in codes(funded)


def test_a_budget_above_the_party_funding(funded, initiative_a, aarhus_kommune, users):
    factories.budget_line(funded, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                          amount=D("10000.00"))
    assert codes(funded) == []
    factories.budget_line(funded, initiative_a, by=users["secretariat_a"], municipality=aarhus_kommune,
                          amount=D("10000.01"))
    (warning,) = warnings_of(funded)
    assert warning.code == "party_budget_above_funding"
    assert warning.text == "Aarhus: budgettet 10.000,01 kr. er større end finansieringen 10.000,00 kr."


def test_spend_on_an_initiative_without_a_budget(funded, entry_kwargs, users, area):
    other = services.initiative_create(
        cluster_year=funded, by=users["secretariat_a"], name="Syntetisk indsats uden budget", area=area,
        responsible=Initiative.Responsible.REGION, status="planned",
    )
    assert codes(funded) == []  # an initiative without budget and without spend is no warning
    book(entry_kwargs, "300.00", initiative=other)
    (warning,) = warnings_of(funded)
    assert warning.code == "initiative_without_budget"
    assert warning.text == "Forbrug uden budget på indsatsen «Syntetisk indsats uden budget»: 300,00 kr."
    assert warning.link.endswith(f"?initiative={other.pk}")


def test_secretariat_and_running_costs(funded, entry_kwargs, client_for, users):
    book(entry_kwargs, "1500.00", cost_kind="secretariat")
    book(entry_kwargs, "250.50", cost_kind="running")
    texts = {w.code: w.text for w in warnings_of(funded)}
    assert texts == {"secretariat_spend": "Forbrug på sekretariatsbetjening: 1.500 kr.",
                     "running_spend": "Forbrug på drift: 251 kr."}
    body = client_for(users["secretariat_a"]).get(reverse("accounts:cluster_year_detail", args=[funded.pk]))
    assert "Sekretariat og drift: 100,0 % af forbruget" in body.content.decode()  # section A explained


def test_entries_dated_outside_the_year(funded, entry_kwargs, users):
    book(entry_kwargs, "100.00")
    assert codes(funded) == []
    # The services refuse such dates; an entry from before that rule (inserted as it was) is still found.
    fields = {k: v for k, v in entry_kwargs(amount=D("100.00")).items() if k != "confirmed"}
    for date in (datetime.date(2021, 12, 31), datetime.date(2023, 1, 1)):
        Entry.objects.create(**{**fields, "booking_date": date})
    (warning,) = warnings_of(funded)
    assert (warning.code, warning.text) == ("entries_outside_year", "2 posteringer dateret uden for 2022")


def test_an_allocated_funding_line_not_paid(funded, aarhus_kommune, users):
    services.funding_line_create(cluster_year=funded, by=users["secretariat_a"], source="local",
                                 party_kind="region", region=funded.cluster.region, paid=D("0"),
                                 allocated=D("5000.00"))
    (warning,) = warnings_of(funded)
    assert warning.code == "funding_not_paid"
    assert warning.text == "Decentrale midler: Region Midtjylland har fået tildelt 5.000,00 kr., men intet er indbetalt"
    assert warning.link.endswith("#finansiering")


def test_a_joint_municipal_line_split_in_full_is_no_shortfall(cy_a, users, client_for):
    factories.without_municipal_populations(2022)
    proposed = services.funding_propose(cluster_year=cy_a, by=users["secretariat_a"])
    joint = next(line for line in proposed if line.party_kind == "municipalities")
    funders = sorted(cluster_municipalities(cy_a.cluster, 2022, funding_only=True))
    half = (joint.allocated / 2).quantize(D("0.01"))
    services.funding_split(line=joint, by=users["secretariat_a"],
                           amounts={funders[0]: half, funders[-1]: joint.allocated - half})
    assert FundingLine.objects.get(pk=joint.pk).paid == 0
    assert "funding_not_paid" not in codes(cy_a)
    body = client_for(users["secretariat_a"]).get(reverse("accounts:cluster_year_detail", args=[cy_a.pk]))
    html = body.content.decode()
    joint_row = html[html.index('<tr data-key="joint">'):]
    joint_row = joint_row[:joint_row.index("</tr>")]
    minus_allocated = "-" + f"{joint.allocated:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert minus_allocated not in joint_row and 'class="num diff"' not in joint_row
    assert minus_allocated not in html


def test_the_warnings_show_on_every_page(funded, entry_kwargs, users, client_for, initiative_a):
    book(entry_kwargs, "3000.00")  # a large entry
    book(entry_kwargs, "200.00", cost_kind="secretariat")
    text = "En enkelt postering på 3.000,00 kr. er over 25,00 % af finansieringen"
    secretariat = client_for(users["secretariat_a"])
    page = secretariat.get(reverse("accounts:cluster_year_detail", args=[funded.pk])).content.decode()
    assert "Advarsler (2)" in page and text in page
    assert f'href="{reverse("accounts:entry_list", args=[funded.pk])}?sort=-amount"' in page
    cluster_year_transition(cluster_year=funded, action="submit", by=users["secretariat_a"])
    ssu = client_for(users["ssu_a"])
    region = ssu.get(reverse("review:region", args=[funded.cluster.region.slug, 2022])).content.decode()
    row = region[region.index('data-cluster="Aarhusklyngen"'):]
    row = row[:row.index("</tr>")]
    assert 'data-warnings="2"' in row and "2 advarsler" in row and text in row
    review = ssu.get(reverse("review:cluster_year", args=[funded.pk])).content.decode()
    assert "Advarsler (2)" in review and text in review
    inbox = ssu.get(reverse("review:inbox")).content.decode()
    assert 'data-warnings="2"' in inbox and text in inbox
