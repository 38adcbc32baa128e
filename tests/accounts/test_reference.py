"""The initiative areas: section A's five areas and «Andet» for 2022 (and 2023), loaded idempotently."""
from accounts import reference
from accounts.models import InitiativeArea
from geography.reference import Changes


def test_areas_2022_are_loaded_in_order_and_idempotent(ref):
    names = list(InitiativeArea.objects.filter(year=2022).values_list("name", flat=True))
    assert names == ["Borgere med kroniske sygdomme", "Akutområdet", "Borgere med psykiske lidelser",
                     "Unge med mental mistrivsel", "De sårbare ældre", "Andet"]
    changes = Changes()
    reference.load(changes)
    assert changes.lines == []
    InitiativeArea.objects.filter(year=2022, name="Andet").update(sort_order=99)
    reference.load(changes)
    assert changes.lines == ["opdateret indsatsområde 2022 Andet: sort_order"]
