"""Shared by the allocation commands: pick the round of a year."""
from django.core.management.base import CommandError

from allocation.models import AllocationRound
from allocation.selectors import published_round


def pick_round(year: int, slug: str | None) -> AllocationRound:
    if slug:
        round_ = AllocationRound.objects.filter(slug=slug, year=year).first()
        if round_ is None:
            raise CommandError(f"Der er ingen fordelingsrunde «{slug}» for {year}.")
        return round_
    round_ = published_round(year)
    if round_ is None:
        raise CommandError(
            f"Der er ingen offentliggjort fordelingsrunde for {year}; angiv en runde med --round "
            "(indlæs 2022-runden med: python manage.py load_reference)."
        )
    return round_
