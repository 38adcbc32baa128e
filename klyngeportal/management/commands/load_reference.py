from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import reference as accounts_reference
from allocation import reference as allocation_reference
from geography import reference as geography_reference


class Command(BaseCommand):
    help = "Indlæser referencedata: klyngekortet 2022, finansierende indbyggertal, fordelingsrunden 2022 og indsatsområder."

    def handle(self, *args, **options):
        changes = geography_reference.Changes()
        with transaction.atomic():
            geography_reference.load(changes)
            allocation_reference.load(changes)
            accounts_reference.load(changes)
        if not changes.lines:
            self.stdout.write("Referencedata er allerede indlæst; intet ændret.")
            return
        # "oprettet kommune 101 København" -> counted as (oprettet, kommune)
        counts = Counter(tuple(line.split(" ", 2)[:2]) for line in changes.lines)
        for (verb, noun), count in sorted(counts.items()):
            self.stdout.write(f"{verb}: {count} × {noun}")
        if options["verbosity"] >= 2:
            for line in changes.lines:
                self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Referencedata indlæst: {len(changes.lines)} ændringer."))
