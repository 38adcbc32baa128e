"""The header says who is logged in: the person's name and the role once (issue 15, part 7)."""
import re

import pytest
from django.urls import reverse

from users.models import Role


def who(client) -> str:
    html = client.get(reverse("home")).content.decode()
    return re.search(r'<span class="who">(.*?)</span>', html).group(1)


@pytest.mark.parametrize(("role", "first", "last", "scope", "expected"), [
    # a name like the role: said once
    (Role.ADMIN, "Administrator", "", None, "Administrator"),
    (Role.NATIONAL, "National", "læser", None, "National læser"),
    # a person's name: name, role and scope
    (Role.ADMIN, "Syntetisk", "Admin", None, "Syntetisk Admin · Administrator"),
    (Role.SECRETARIAT, "Syntetisk", "Sekretær", "cluster",
     "Syntetisk Sekretær · Klyngesekretariat · Aarhusklyngen (Midtjylland)"),
    (Role.SSU, "Syntetisk", "Konsulent", "region",
     "Syntetisk Konsulent · Sundhedssamarbejdsudvalg (SSU) · Region Midtjylland"),
    # a name that already says the region: the region is not said again
    (Role.SSU, "SSU", "Region Midtjylland", "region", "SSU Region Midtjylland · Sundhedssamarbejdsudvalg (SSU)"),
    # no name: the username
    (Role.NATIONAL, "", "", None, "laeser_uden_navn · National læser"),
])
def test_header_names_the_person_and_the_role_once(make_user, client_for, aarhus, role, first, last, scope, expected):
    user = make_user(role, cluster=aarhus if scope == "cluster" else None,
                     region=aarhus.region if scope == "region" else None,
                     username="laeser_uden_navn", first_name=first, last_name=last)
    assert who(client_for(user)) == expected
