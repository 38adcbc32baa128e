"""Shared by the allocation commands: pick the round of a year, and the user a write acts as."""
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from allocation.models import AllocationRound
from allocation.selectors import published_round
from users.access import can_manage_allocation


def acting_user(username: str | None):
    """The user named by --user, who must exist and may manage the allocation (users.access)."""
    if not username:
        raise CommandError("Angiv den bruger, der ændrer fordelingen, med --user BRUGERNAVN.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Der er ingen bruger «{username}».")
    if not can_manage_allocation(user):
        raise CommandError(f"«{username}» må ikke ændre fordelingen; kun administratorer må.")
    return user


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
