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


# --- the access questions asked outside accounts: every role -----------------------------

ROLES = ("secretariat_a", "secretariat_b", "ssu_a", "ssu_other", "national", "admin")


def who(users, name):
    return AnonymousUser() if name == "anonymous" else users[name]


@pytest.mark.parametrize(("action", "allowed"), [
    # on Aarhusklyngen (cluster A, Region Midtjylland), whatever the status
    ("view_accounts", {"secretariat_a", "ssu_a", "national", "admin"}),
    ("edit_accounts", {"secretariat_a", "admin"}),
    ("submit", {"secretariat_a", "admin"}),
    ("approve", {"ssu_a", "admin"}),
    ("return", {"ssu_a", "admin"}),
    ("reopen_review", {"ssu_a", "admin"}),
    ("close_year", {"secretariat_a", "admin"}),
    ("reopen_year", {"admin"}),
    ("comment", {"secretariat_a", "ssu_a", "admin"}),
    ("edit_evaluation", {"secretariat_a", "admin"}),
    ("decide_spreading", {"ssu_a", "admin"}),
])
def test_role_may_by_role_and_scope(users, aarhus, action, allowed):
    seen = {name for name in (*ROLES, "anonymous") if access.role_may(who(users, name), action, aarhus)}
    assert seen == allowed


def test_action_problem_needs_no_cluster_year(users, aarhus):
    # Aarhusklyngen has no ClusterYear for 2031: the rule is asked with its cluster, status and year.
    assert not ClusterYear.objects.filter(cluster=aarhus, year=2031).exists()
    sek, ssu = users["secretariat_a"], users["ssu_a"]
    assert access.action_problem(sek, "edit_evaluation", cluster=aarhus, status="draft", year=2031) is None
    assert access.action_problem(ssu, "decide_spreading", cluster=aarhus, status="draft", year=2031) is None
    assert access.action_problem(users["secretariat_b"], "edit_evaluation", cluster=aarhus, status="draft",
                                 year=2031) == "Du har ikke adgang til denne handling."
    assert access.action_problem(users["national"], "comment", cluster=aarhus, status="approved",
                                 year=2031) == "Du har ikke adgang til denne handling."
    assert access.action_problem(sek, "submit", cluster=aarhus, status="submitted", year=2031) == (
        "Regnskabet kan kun indsendes fra kladde eller efter retursendelse (status er «Indsendt»)."
    )
    assert access.action_problem(ssu, "approve", cluster=aarhus, status="submitted", year=2031) is None
    assert access.action_problem(users["admin"], "edit_accounts", cluster=aarhus, status="draft", year=2031,
                                 closed=True) == (
        "Året 2031 er afsluttet for klyngen; det kan kun genåbnes af en administrator."
    )
    # a closed year still takes a comment, and an administrator reopens it
    assert access.action_problem(sek, "comment", cluster=aarhus, status="draft", year=2031, closed=True) is None
    assert access.action_problem(users["admin"], "reopen_year", cluster=aarhus, status="approved", year=2031,
                                 closed=True) is None


def test_action_problem_agrees_with_permission_problem(users, years):
    for cluster_year in years.values():
        for name in ROLES:
            for action in access.PERMISSIONS:
                assert access.action_problem(
                    users[name], action, cluster=cluster_year.cluster, status=cluster_year.status,
                    year=cluster_year.year, closed=cluster_year.closed_at is not None,
                ) == access.permission_problem(users[name], action, cluster_year)


def test_region_scope_per_role(users, aarhus, bornholm):
    def codes(name):
        return sorted(access.region_scope(who(users, name)).values_list("code", flat=True))

    every_region = [1081, 1082, 1083, 1084, 1085]
    assert codes("ssu_a") == [aarhus.region.code] == [1082]
    assert codes("ssu_other") == [bornholm.region.code] == [1084]
    assert codes("national") == every_region
    assert codes("admin") == every_region
    assert codes("secretariat_a") == []
    assert codes("secretariat_b") == []
    assert codes("anonymous") == []


def test_region_problem_per_role(users, aarhus, bornholm):
    midt = aarhus.region
    hidden = (404, "Regionen findes ikke, eller du har ikke adgang til dens klyngeregnskaber.")
    not_for_role = (403, "Regionsoversigten er for SSU, nationale læsere og administratorer.")
    assert access.region_problem(users["ssu_a"], midt) is None
    assert access.region_problem(users["ssu_a"], bornholm.region) == hidden
    assert access.region_problem(users["ssu_other"], midt) == hidden
    assert access.region_problem(users["ssu_other"], bornholm.region) is None
    for name in ("national", "admin"):
        assert access.region_problem(users[name], midt) is None
        assert access.region_problem(users[name], bornholm.region) is None
    for name in ("secretariat_a", "secretariat_b", "anonymous"):
        assert access.region_problem(who(users, name), midt) == not_for_role
        assert access.region_problem(who(users, name), bornholm.region) == not_for_role


def test_region_problem_agrees_with_region_scope(users, aarhus):
    from geography.models import Region

    for name in (*ROLES, "anonymous"):
        user = who(users, name)
        readable = set(access.region_scope(user).values_list("pk", flat=True))
        for region in Region.objects.all():
            assert (access.region_problem(user, region) is None) == (region.pk in readable), (name, region)


@pytest.mark.parametrize(("name", "sections"), [
    ("secretariat_a", {access.INBOX_TO_MEND}),
    ("secretariat_b", {access.INBOX_TO_MEND}),
    ("ssu_a", {access.INBOX_TO_REVIEW, access.INBOX_REGIONS}),
    ("ssu_other", {access.INBOX_TO_REVIEW, access.INBOX_REGIONS}),
    ("national", {access.INBOX_REGIONS}),
    ("admin", {access.INBOX_TO_REVIEW, access.INBOX_TO_MEND, access.INBOX_REGIONS}),
    ("anonymous", set()),
])
def test_inbox_sections_per_role(users, name, sections):
    assert access.inbox_sections(who(users, name)) == frozenset(sections)


def test_users_in_scope_per_audience(users, aarhus, randers, bornholm):
    def usernames(cluster, audiences):
        return sorted(access.users_in_scope(cluster, audiences).values_list("username", flat=True))

    assert usernames(aarhus, {access.NOTIFY_SECRETARIAT}) == ["sek_a"]
    assert usernames(aarhus, {access.NOTIFY_SSU}) == ["ssu_a"]
    assert usernames(aarhus, {access.NOTIFY_SECRETARIAT, access.NOTIFY_SSU}) == ["sek_a", "ssu_a"]
    assert usernames(randers, {access.NOTIFY_SECRETARIAT, access.NOTIFY_SSU}) == ["sek_b", "ssu_a"]
    assert usernames(bornholm, {access.NOTIFY_SECRETARIAT, access.NOTIFY_SSU}) == ["ssu_other"]
    assert usernames(aarhus, set()) == []
    # national readers and administrators are nobody's audience


def test_users_in_scope_leaves_out_inactive_users_and_users_without_e_mail(users, aarhus):
    from users.models import User

    User.objects.filter(pk=users["secretariat_a"].pk).update(email="")
    User.objects.filter(pk=users["ssu_a"].pk).update(is_active=False)
    assert list(access.users_in_scope(aarhus, {access.NOTIFY_SECRETARIAT, access.NOTIFY_SSU})) == []


def test_can_use_admin_and_allocation_rights_per_role(users):
    for name in (*ROLES, "anonymous"):
        expected = name == "admin"
        user = who(users, name)
        assert access.can_use_admin(user) is expected, name
        assert access.can_manage_allocation(user) is expected, name
        assert access.can_publish_allocation(user) is expected, name


def test_allowed_actions_lists_every_action_per_role(users, years):
    randers = years["randers"]  # submitted
    assert set(access.allowed_actions(users["ssu_a"], randers)) == set(access.PERMISSIONS)
    assert {a for a, ok in access.allowed_actions(users["ssu_a"], randers).items() if ok} == {
        "view_accounts", "return", "approve", "comment", "decide_spreading",
    }
    assert {a for a, ok in access.allowed_actions(users["secretariat_b"], randers).items() if ok} == {
        "view_accounts", "comment", "edit_evaluation",
    }
    assert {a for a, ok in access.allowed_actions(users["national"], randers).items() if ok} == {"view_accounts"}
    assert not any(access.allowed_actions(users["secretariat_a"], randers).values())
    assert not any(access.allowed_actions(users["ssu_other"], randers).values())
    assert access.allowed_actions(users["admin"], randers) == {
        action: action not in {"edit_accounts", "submit", "reopen_review", "close_year"}
        for action in access.PERMISSIONS
    }
