"""Reference data of the accounts app: initiative areas per year.

Areas are data, not code: 2022 has section A's five areas and "Andet"; later
years may bring seed 004's task areas through the same loader or the admin.
"""
from django.db import transaction

from accounts.models import InitiativeArea

SECTION_A_AREAS = [
    "Borgere med kroniske sygdomme",
    "Akutområdet",
    "Borgere med psykiske lidelser",
    "Unge med mental mistrivsel",
    "De sårbare ældre",
    "Andet",
]
# 2023 spends the carried-over 2022 funds under the same section A rules, so it keeps the same areas.
# Later years (e.g. seed 004's task areas) are added as data in the admin, not in code.
AREAS = {
    2022: SECTION_A_AREAS,
    2023: SECTION_A_AREAS,
}


@transaction.atomic
def load(changes) -> None:
    """Create the initiative areas of each known year; idempotent, records what changed."""
    for year, names in AREAS.items():
        existing = {area.name: area for area in InitiativeArea.objects.filter(year=year)}
        for order, name in enumerate(names, start=1):
            area = existing.get(name)
            if area is None:
                area = InitiativeArea(year=year, name=name, sort_order=order)
                area.full_clean()
                area.save()
                changes.add(f"oprettet indsatsområde {year} {name}")
            elif area.sort_order != order:
                area.sort_order = order
                area.full_clean()
                area.save()
                changes.add(f"opdateret indsatsområde {year} {name}: sort_order")
