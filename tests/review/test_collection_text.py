"""The collection says who reads it: everyone logged in, since a login is required (issue 15, part 7)."""
from django.urls import reverse


def test_collection_says_a_login_is_needed_to_read_it(world, client, client_for):
    url = reverse("review:collection")
    assert client.get(url).status_code == 302  # anonymous: sent to the login
    html = client_for(world.users["national"]).get(url).content.decode()
    assert "Alle, der er logget ind på portalen, kan læse med" in html
    assert "Alle kan læse med" not in html
