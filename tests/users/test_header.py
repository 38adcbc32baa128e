"""The header's admin link: users.access.can_use_admin decides, through a context processor, at no query."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from klyngeportal.context_processors import access
from tests.factories import matrix_users
from users.models import Role, User

pytestmark = pytest.mark.django_db

ADMIN_LINK = f'<a href="{reverse("admin:index")}">Administration</a>'


@pytest.fixture
def users(aarhus, randers, bornholm):
    return matrix_users(aarhus=aarhus, randers=randers, bornholm=bornholm)


@pytest.mark.parametrize(("name", "shown"), [
    ("secretariat_a", False),
    ("secretariat_b", False),
    ("ssu_a", False),
    ("ssu_other", False),
    ("national", False),
    ("admin", True),
])
def test_admin_link_only_for_administrators(users, client_for, name, shown):
    html = client_for(users[name]).get(reverse("home")).content.decode()
    assert (ADMIN_LINK in html) is shown
    assert "Mine opgaver" in html  # the header is there either way


def test_a_superuser_of_another_role_gets_the_admin_link(users, client_for):
    superuser = users["national"]
    User.objects.filter(pk=superuser.pk).update(is_superuser=True)
    superuser.refresh_from_db()
    assert superuser.role == Role.NATIONAL
    assert ADMIN_LINK in client_for(superuser).get(reverse("home")).content.decode()


def test_no_header_and_no_link_before_login(client):
    html = client.get(reverse("login")).content.decode()
    assert "Administration" not in html


def test_the_context_processor_costs_no_query(users, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = users["admin"]  # loaded already, as the header has it when it asks
    with django_assert_num_queries(0):
        answer = access(request)["can_use_admin"]
        assert answer() is True
    request.user = users["national"]
    with django_assert_num_queries(0):
        assert access(request)["can_use_admin"]() is False
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert access(request)["can_use_admin"]() is False


def test_the_context_processor_asks_nothing_until_the_template_does(django_assert_num_queries):
    from django.utils.functional import SimpleLazyObject

    asked = []
    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(lambda: asked.append(True) or AnonymousUser())
    with django_assert_num_queries(0):
        context = access(request)
    assert asked == []  # a page that never shows the link never loads the user for it
    assert context["can_use_admin"]() is False
    assert asked == [True]
