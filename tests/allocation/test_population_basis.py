"""Both population bases agree; København's shares; contributions per municipality (synthetic 2022K1)."""
import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from allocation import services
from allocation.models import AllocationRound
from allocation.selectors import compute_round, startup_contributions
from allocation.shares import derive_shares, shares_save
from geography.models import Membership, MembershipKind, MunicipalityPopulation
from tests.allocation.synthetic import KOEBENHAVN, load_synthetic_quarter
from tests.conftest import get_cluster
from tests.geography.folk1a import forget_loaded_quarters
from users.models import Role

D = Decimal


def shared_memberships():
    return {
        m.cluster.name: m
        for m in Membership.objects.filter(year=2022, kind=MembershipKind.SHARED_FUNDING).select_related("cluster")
    }


@pytest.fixture
def quarter(ref, tmp_path):
    return load_synthetic_quarter(tmp_path)


@pytest.mark.django_db
def test_shares_are_unknown_until_derived_never_fifty_fifty(quarter):
    assert all(m.funding_share is None for m in shared_memberships().values())
    comp = compute_round(AllocationRound.objects.get(slug="2022"))
    assert not comp.contributions_complete
    # clusters without a shared funder already show their municipalities' contributions
    aarhus = get_cluster(1082, "Aarhusklyngen")
    assert sum(c.amount for c in comp.result.contributions_for(aarhus.pk)) == D(2_444_638)
    assert comp.result.contributions_for(get_cluster(1084, "Klynge By").pk) == []
    assert "København" in comp.contributions_note and "ingen 50/50" in comp.contributions_note


@pytest.mark.django_db
def test_derived_shares_from_funding_populations(quarter):
    derivation = derive_shares(2022, "2022-01-01")
    assert derivation.problems == []
    by_cluster = {d.membership.cluster.name: d for d in derivation.shares}
    syd, by = by_cluster["Klynge Syd"], by_cluster["Klynge By"]
    kbh = quarter[KOEBENHAVN]
    others = sum(v for code, v in quarter.items() if 20_000 < v < 21_000)  # Klynge Syd's other funders
    assert syd.share == ((D("577977.33") - others) / kbh).quantize(D("1E-12"))
    assert not syd.complement and by.complement
    assert syd.share + by.share == 1
    assert abs(by.difference_inhabitants) < D("0.001")


@pytest.mark.django_db
def test_both_population_bases_give_the_same_allocation(quarter):
    derivation = derive_shares(2022, "2022-01-01")
    shares_save(year=2022, shares={d.membership.pk: d.share for d in derivation.shares}, by=None)
    official = AllocationRound.objects.get(slug="2022")
    by_funding = compute_round(official)
    scenario = services.round_copy(source=official, name="Syntetisk: kommunernes indbyggertal", by=None)
    AllocationRound.objects.filter(pk=scenario.pk).update(population_basis="municipality_quarter")
    scenario.refresh_from_db()
    by_municipality = compute_round(scenario)
    assert by_municipality.error is None
    cells = lambda comp: [(c.key, c.municipal, c.regional) for c in comp.result.clusters]  # noqa: E731
    assert cells(by_municipality) == cells(by_funding)
    # and the contributions add up to each cluster's municipal amount
    for c in by_municipality.result.clusters:
        assert sum(x.amount for x in by_municipality.result.contributions_for(c.key)) == c.municipal


@pytest.mark.django_db
def test_allocate_municipalities_csv(quarter, capsys):
    derivation = derive_shares(2022, "2022-01-01")
    shares_save(year=2022, shares={d.membership.pk: d.share for d in derivation.shares}, by=None)
    call_command("allocate", "2022", "--municipalities", "--csv")
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")  # the download's CSV (klyngeportal.exports): BOM, semicolons, Danish
    rows = list(csv.DictReader(io.StringIO(out[1:], newline=""), delimiter=";"))

    def number(text: str) -> D:
        return D(text.replace(",", "."))

    assert list(rows[0]) == [
        "Kommunekode", "Kommune", "Region", "Klynge", "Indbyggertal", "Finansieringsandel", "Bidrag (kr.)",
    ]
    assert len(rows) == 99  # 98 municipalities, København twice
    assert sum(number(r["Bidrag (kr.)"]) for r in rows) == D(40_000_000)
    kbh = [r for r in rows if r["Kommunekode"] == "101"]
    assert {r["Klynge"] for r in kbh} == {"Klynge Syd", "Klynge By"}
    assert sum(number(r["Finansieringsandel"]) for r in kbh) == 1
    aarhus = [r for r in rows if r["Klynge"] == "Aarhusklyngen"]
    assert sum(number(r["Bidrag (kr.)"]) for r in aarhus) == D(2_444_638)


@pytest.mark.django_db
def test_allocate_municipalities_without_quarter_says_what_is_missing(ref, capsys):
    forget_loaded_quarters()
    assert not MunicipalityPopulation.objects.exists()
    with pytest.raises(CommandError) as excinfo:
        call_command("allocate", "2022", "--municipalities", "--csv")
    message = str(excinfo.value)
    assert "\n" not in message
    assert "2022K1" in message and "python manage.py load_population FIL" in message


@pytest.mark.django_db
def test_allocate_municipalities_with_unknown_shares_says_so(quarter):
    with pytest.raises(CommandError) as excinfo:
        call_command("allocate", "2022", "--municipalities", "--csv")
    assert "København" in str(excinfo.value) and "--derive-shares" in str(excinfo.value)


@pytest.mark.django_db
def test_allocate_derive_shares_command(quarter, capsys, make_user):
    admin = make_user(Role.ADMIN, username="kortansvarlig")
    call_command("allocate", "2022", "--derive-shares", "--user", "kortansvarlig")
    out = capsys.readouterr().out
    assert "2 andele ændret (2022K1)" in out
    shares = shared_memberships()
    assert shares["Klynge Syd"].funding_share + shares["Klynge By"].funding_share == 1
    # the history names who set each share
    for membership in shares.values():
        latest = membership.history.latest()
        assert (latest.history_type, latest.history_user, latest.funding_share) == (
            "~", admin, membership.funding_share
        )


@pytest.mark.django_db
def test_allocate_derive_shares_acts_only_as_a_named_administrator(quarter, make_user):
    make_user(Role.NATIONAL, username="analytiker")
    with pytest.raises(CommandError, match="--user BRUGERNAVN"):
        call_command("allocate", "2022", "--derive-shares")
    with pytest.raises(CommandError, match="ingen bruger «ukendt»"):
        call_command("allocate", "2022", "--derive-shares", "--user", "ukendt")
    with pytest.raises(CommandError, match="«analytiker» må ikke ændre fordelingen"):
        call_command("allocate", "2022", "--derive-shares", "--user", "analytiker")
    assert all(m.funding_share is None for m in shared_memberships().values())


@pytest.mark.django_db
def test_shares_save_refuses_shares_not_summing_to_one(ref):
    shares = shared_memberships()
    with pytest.raises(Exception, match="summere til præcis 1"):
        shares_save(
            year=2022, shares={shares["Klynge Syd"].pk: D("0.5"), shares["Klynge By"].pk: D("0.4")}, by=None
        )


@pytest.mark.django_db
def test_startup_contributions_per_municipality_with_quarter(quarter):
    derivation = derive_shares(2022, "2022-01-01")
    shares_save(year=2022, shares={d.membership.pk: d.share for d in derivation.shares}, by=None)
    klynge_by = get_cluster(1084, "Klynge By")
    lines = startup_contributions(klynge_by, 2022)
    assert [line.party_kind for line in lines] == ["municipality", "municipality", "region"]
    assert {line.municipality.name for line in lines[:2]} == {"København", "Frederiksberg"}
    assert sum(line.amount for line in lines[:2]) == D(3_134_317)
    assert lines[2].amount == D(3_079_269) and lines[2].region == klynge_by.region


@pytest.mark.django_db
def test_municipality_weight_scenario_moves_money_to_the_weighted(quarter):
    derivation = derive_shares(2022, "2022-01-01")
    shares_save(year=2022, shares={d.membership.pk: d.share for d in derivation.shares}, by=None)
    official = AllocationRound.objects.get(slug="2022")
    scenario = services.round_copy(source=official, name="Syntetisk sundhedsindeks", by=None)
    scenario = services.round_update(
        round_=scenario, by=None, name=scenario.name, description="", pot=scenario.pot,
        municipal_pot=scenario.municipal_pot, population_basis="municipality_quarter",
        reference_date=scenario.reference_date,
    )
    aarhus_kommune = Membership.objects.get(year=2022, municipality__name="Aarhus").municipality
    services.municipality_weights_set(round_=scenario, by=None, weights={aarhus_kommune.pk: D("1.5")})
    before = compute_round(official).result
    after_comp = compute_round(scenario)
    assert after_comp.error is None, after_comp.error
    after = after_comp.result
    aarhus = get_cluster(1082, "Aarhusklyngen")
    assert after.cluster(aarhus.pk).municipal > before.cluster(aarhus.pk).municipal
    assert after.cluster(aarhus.pk).regional > before.cluster(aarhus.pk).regional  # larger share within Midtjylland
    assert after.municipal_total == before.municipal_total == D(40_000_000)
    assert after.regional_total == D(40_000_000)
    # only Midtjylland's regional split moves: the other regions' amounts are the keys times the pot
    bornholm = get_cluster(1084, "Bornholm")
    assert after.cluster(bornholm.pk).regional == before.cluster(bornholm.pk).regional
    assert after.cluster(bornholm.pk).municipal < before.cluster(bornholm.pk).municipal
