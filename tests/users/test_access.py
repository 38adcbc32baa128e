"""users.access: which clusters and cluster-years each role sees, with ClusterYear rows made directly."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import ClusterYear
from geography.models import Cluster
from tests.factories import matrix_users
from users import access
from users.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(aarhus, randers, bornholm):
    """The six roles, without passwords (fast): cluster A = Aarhusklyngen, B = Randers Klyngen."""
    return matrix_users(aarhus=aarhus, randers=randers, bornholm=bornholm)


@pytest.fixture
def years(aarhus, randers, bornholm):
    """Three synthetic cluster-years: two in Midtjylland, one in Hovedstaden."""
    return {
        "aarhus": ClusterYear.objects.create(cluster=aarhus, year=2022),
        "randers": ClusterYear.objects.create(cluster=randers, year=2022, status="submitted"),
        "bornholm": ClusterYear.objects.create(cluster=bornholm, year=2022),
    }


def names(qs):
    return sorted(c.name for c in qs)


def test_account_clusters_per_role(users, aarhus, randers):
    midtjylland = sorted(Cluster.objects.filter(region=aarhus.region).values_list("name", flat=True))
    assert names(access.account_clusters(users["secretariat_a"])) == ["Aarhusklyngen"]
    assert names(access.account_clusters(users["secretariat_b"])) == ["Randers Klyngen"]
    assert names(access.account_clusters(users["ssu_a"])) == midtjylland
    assert len(midtjylland) == 5
    assert names(access.account_clusters(users["ssu_other"])) == sorted(
        Cluster.objects.filter(region__code=1084).values_list("name", flat=True)
    )
    assert access.account_clusters(users["national"]).count() == 22
    assert access.account_clusters(users["admin"]).count() == 22
    assert access.account_clusters(AnonymousUser()).count() == 0


def test_writable_clusters_per_role(users):
    assert names(access.writable_clusters(users["secretariat_a"])) == ["Aarhusklyngen"]
    assert access.writable_clusters(users["ssu_a"]).count() == 0
    assert access.writable_clusters(users["national"]).count() == 0
    assert access.writable_clusters(users["admin"]).count() == 22


def test_cluster_years_for(users, years):
    def seen(user):
        return sorted(cy.cluster.name for cy in access.cluster_years_for(user))

    assert seen(users["secretariat_a"]) == ["Aarhusklyngen"]
    assert seen(users["ssu_a"]) == ["Aarhusklyngen", "Randers Klyngen"]
    assert seen(users["ssu_other"]) == ["Bornholm"]
    assert seen(users["national"]) == ["Aarhusklyngen", "Bornholm", "Randers Klyngen"]


def test_get_cluster_year_or_404(users, years):
    own = access.get_cluster_year_or_404(users["secretariat_a"], years["aarhus"].pk)
    assert own == years["aarhus"]
    with pytest.raises(Http404):
        access.get_cluster_year_or_404(users["secretariat_a"], years["randers"].pk)  # another cluster
    with pytest.raises(Http404):
        access.get_cluster_year_or_404(users["ssu_a"], years["bornholm"].pk)  # another region
    with pytest.raises(Http404):
        access.get_cluster_year_or_404(users["national"], "ikke-et-tal")
    assert access.get_cluster_year_or_404(users["ssu_a"], years["randers"].pk) == years["randers"]


def test_get_cluster_year_or_404_refuses_an_action_with_a_danish_reason(users, years):
    # seen, but a secretariat cannot approve, and a submitted year cannot be edited
    with pytest.raises(PermissionDenied, match="Du har ikke adgang til denne handling."):
        access.get_cluster_year_or_404(users["secretariat_a"], years["aarhus"].pk, "approve")
    with pytest.raises(PermissionDenied, match="Regnskabet kan ikke ændres i status «Indsendt»."):
        access.get_cluster_year_or_404(users["secretariat_b"], years["randers"].pk, "edit_accounts")
    assert access.get_cluster_year_or_404(users["ssu_a"], years["randers"].pk, "approve") == years["randers"]


def test_superuser_counts_as_admin(make_user):
    user = make_user(Role.NATIONAL, username="super")
    user.is_superuser = True
    assert access.role_of(user) == Role.ADMIN
    assert access.can_use_admin(user)
    assert not access.can_use_admin(make_user(Role.NATIONAL))
