"""A second commitment for the same party replaces the first only when confirmed (issue 15, part 7)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import CarryOverCommitment


@pytest.fixture
def funded(entry_kwargs, users, cy_a, aarhus_kommune):
    """Aarhus pays 50.000 in local funds and spends 1.500: 48.500 unspent."""
    services.funding_line_create(cluster_year=cy_a, by=users["secretariat_a"], source="local",
                                 party_kind="municipality", municipality=aarhus_kommune, paid=Decimal("50000.00"),
                                 text="Syntetiske decentrale midler")
    services.entry_create(**entry_kwargs(amount=Decimal("1500.00")))
    return cy_a


def commit(cy, user, municipality, amount, *, by_whom="Syntetisk økonomichef", replace=False):
    return services.commitment_record(
        cluster_year=cy, by=user, party_kind="municipality", municipality=municipality, amount=Decimal(amount),
        committed_by=by_whom, committed_on=datetime.date(2022, 12, 1), note="", replace=replace,
    )


def test_second_commitment_is_refused_without_replace(funded, users, aarhus_kommune):
    first = commit(funded, users["secretariat_a"], aarhus_kommune, "10000.00")
    with pytest.raises(ValidationError) as excinfo:
        commit(funded, users["secretariat_a"], aarhus_kommune, "20000.00", by_whom="En anden")
    error = excinfo.value
    assert error.code == "commitment_exists"
    assert error.messages == [
        "Aarhus har allerede et tilsagn på 10.000,00 kr. givet af Syntetisk økonomichef den "
        "01.12.2022. Det eksisterende tilsagn erstattes kun, når du bekræfter det."
    ]
    first.refresh_from_db()
    assert (first.amount, first.committed_by) == (Decimal("10000.00"), "Syntetisk økonomichef")
    assert first.history.count() == 1


def test_replace_true_replaces_and_is_in_the_history(funded, users, aarhus_kommune):
    first = commit(funded, users["secretariat_a"], aarhus_kommune, "10000.00")
    second = commit(funded, users["admin"], aarhus_kommune, "20000.00", by_whom="En anden", replace=True)
    assert second.pk == first.pk
    assert CarryOverCommitment.objects.filter(cluster_year=funded).count() == 1
    versions = list(second.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.amount, v.committed_by) for v in versions] == [
        ("+", Decimal("10000.00"), "Syntetisk økonomichef"), ("~", Decimal("20000.00"), "En anden")]
    assert (versions[1].history_change_reason, versions[1].history_user) == ("Erstattet", users["admin"])


def test_replace_true_for_a_party_without_commitment_records_it(funded, users, aarhus_kommune):
    commitment = commit(funded, users["secretariat_a"], aarhus_kommune, "5000.00", replace=True)
    assert commitment.history.get().history_type == "+"


def post(client, cy, municipality, amount, **extra):
    return client.post(reverse("accounts:carryover", args=[cy.pk]), {
        "party": f"m:{municipality.pk}", "amount": amount, "committed_by": "Syntetisk direktør",
        "committed_on": "2022-12-10", "note": "", **extra,
    })


def test_page_shows_the_existing_commitment_and_asks_to_confirm(client_for, funded, users, aarhus_kommune):
    client = client_for(users["secretariat_a"])
    body = client.get(reverse("accounts:carryover", args=[funded.pk])).content.decode()
    assert "Erstat det eksisterende tilsagn" not in body  # nothing to replace yet
    assert post(client, funded, aarhus_kommune, "10.000,00").status_code == 302

    body = client.get(reverse("accounts:carryover", args=[funded.pk])).content.decode()
    assert "Aarhus (uforbrugt 48.500,00 kr.; har tilsagn på 10.000,00 kr.)" in body
    assert 'name="replace"' in body and "Erstat det eksisterende tilsagn" in body

    response = post(client, funded, aarhus_kommune, "20.000,00")
    assert response.status_code == 200
    body = response.content.decode()
    assert ('<a href="#id_replace">Erstat det eksisterende tilsagn: Aarhus har allerede et tilsagn på '
            "10.000,00 kr. givet af Syntetisk direktør den 10.12.2022.") in body
    assert funded.commitments.get().amount == Decimal("10000.00")

    response = post(client, funded, aarhus_kommune, "20.000,00", replace="on")
    assert response.status_code == 302
    assert funded.commitments.get().amount == Decimal("20000.00")
    body = client.get(response.url).content.decode()
    assert "Tilsagnet er erstattet." in body
    history = client.get(reverse("accounts:history", args=[funded.pk])).content.decode()
    assert "10.000,00" in history and "20.000,00" in history
