from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import reference as accounts_reference
from allocation import reference as allocation_reference
from geography import reference as geography_reference
from geography.population import PopulationFileError


class Command(BaseCommand):
    help = (
        "Indlæser referencedata: klyngekortet 2022, finansierende indbyggertal, kommunernes indbyggertal "
        "2022K1 (FOLK1A), fordelingsrunden 2022 med Københavns andele og indsatsområder."
    )

    def handle(self, *args, **options):
        changes = geography_reference.Changes()
        try:
            with transaction.atomic():
                geography_reference.load(changes)
                allocation_reference.load(changes)
                accounts_reference.load(changes)
        except PopulationFileError as exc:
            listed = "\n".join(f"  - {problem}" for problem in exc.problems)
            raise CommandError(f"De medfølgende indbyggertal er afvist; intet er gemt:\n{listed}") from exc
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
