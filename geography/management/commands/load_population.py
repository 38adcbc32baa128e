from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geography.population import PopulationFileError, population_quarter_load
from geography.population_file import read_path


class Command(BaseCommand):
    help = (
        "Indlæser ét kvartal af Danmarks Statistiks FOLK1A (CSV fra Statistikbanken, semikolonsepareret, "
        "OMRÅDE;KØN;ALDER;TID;INDHOLD, totaler over køn og alder). Et kvartal, der allerede er indlæst, "
        "erstattes i én transaktion."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="stien til FOLK1A-filen (CSV)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = read_path(path)  # a file over the limit is refused without being read
        except OSError as exc:
            raise CommandError(f"Filen {path} kan ikke læses: {exc.strerror}.") from exc
        except PopulationFileError as exc:
            raise CommandError(f"{path.name} er afvist; intet er gemt. {' '.join(exc.problems)}") from exc
        try:
            result = population_quarter_load(data=data, source_name=path.name)
        except PopulationFileError as exc:
            listed = "\n".join(f"  - {problem}" for problem in exc.problems)
            raise CommandError(
                f"{path.name} er afvist; intet er gemt. {len(exc.problems)} problem(er):\n{listed}"
            ) from exc
        for line in result.changes:
            self.stdout.write(line)
        for line in result.notes:
            self.stdout.write(line)
