"""Import a filled template into a cluster-year as a named user: a preview, then everything or nothing."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ClusterYear, ReviewStatus
from accounts.services import cluster_year_get_or_create
from klyngeportal.formats import format_kr
from users.access import action_problem, permission_problem
from workbook.export import acting_user, find_cluster
from workbook.importer import (
    NOTHING_TO_IMPORT,
    ImportRefused,
    OverrunsNotConfirmed,
    counts_line,
    import_workbook,
)
from workbook.plan import problem_json


class Command(BaseCommand):
    help = ("Indlæs en udfyldt Excel-skabelon (.xlsx) i et klyngeregnskab som en navngiven bruger. "
            "Ved blot én fejl gemmes intet; med --dry-run vises kun forhåndsvisningen.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Den udfyldte skabelon (.xlsx)")
        parser.add_argument("--region", required=True, help="Regionens navn eller DST-kode")
        parser.add_argument("--cluster", required=True, help="Klyngens navn i regionen")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true",
                            help="Vis forhåndsvisningen; intet gemmes, heller ikke et nyt klyngeregnskab")
        parser.add_argument("--json", action="store_true",
                            help="Skriv forhåndsvisningen eller resultatet som JSON (antal pr. ark og problemerne)")
        parser.add_argument("--reverse-removed", action="store_true",
                            help="Tilbagefør rækker, der er slettet i filen (ellers vises de som «ikke i filen»)")
        parser.add_argument("--accept-warnings", action="store_true",
                            help="Bogfør også rækker med advarsler (fx «ser ud til at være bogført allerede»)")
        parser.add_argument("--confirm-overruns", action="store_true",
                            help="Jeg bekræfter overskridelserne: bogfør også rækker, der overskrider budgettet "
                                 "(budgetkontrol «Advar») eller grænsen for en enkelt postering")
        parser.add_argument("--user", help="Brugernavnet på den, der indlæser (skal kunne redigere regnskabet)")

    def handle(self, *args, file, region, cluster, year, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {path} findes ikke.")
        as_json, reverse_removed = options["json"], options["reverse_removed"]
        acting = acting_user(user)
        cluster_obj = find_cluster(region, cluster)
        cluster_year = ClusterYear.objects.filter(cluster=cluster_obj, year=year).select_related("cluster__region").first()
        if cluster_year is not None:
            refusal = permission_problem(acting, "edit_accounts", cluster_year)
        else:
            # A new cluster-year starts as a draft: ask for that, without creating anything yet.
            refusal = action_problem(acting, "edit_accounts", cluster=cluster_obj, status=ReviewStatus.DRAFT, year=year)
        if refusal:
            raise CommandError(f"{acting.username} må ikke indlæse i regnskabet for {cluster_obj} {year}: {refusal}")
        new = cluster_year is None
        if new:
            # A dry run checks against an unsaved cluster-year; only a real import creates it.
            cluster_year = ClusterYear(cluster=cluster_obj, year=year) if dry_run else (
                cluster_year_get_or_create(cluster=cluster_obj, year=year))
        accepted = frozenset()
        with path.open("rb") as handle:
            try:
                if options["accept_warnings"]:
                    preview = import_workbook(cluster_year=cluster_year, fileobj=handle, filename=path.name,
                                              size=path.stat().st_size, user=acting, dry_run=True,
                                              reverse_removed=reverse_removed)
                    accepted = frozenset(f"{w.sheet}!{w.cell}" for w in preview.plan.warnings)
                result = import_workbook(cluster_year=cluster_year, fileobj=handle, filename=path.name,
                                         size=path.stat().st_size, user=acting, dry_run=dry_run,
                                         reverse_removed=reverse_removed, accepted=accepted,
                                         confirm_overruns=options["confirm_overruns"])
            except ImportRefused as exc:
                if as_json:
                    control = exc.control.as_json() if isinstance(exc, OverrunsNotConfirmed) else None
                    self.stdout.write(json.dumps({
                        "file": path.name, "booked": False, "errors": len(exc.problems),
                        "problems": [problem_json(p, "error") for p in exc.problems],
                        **({"budget_control": control} if control else {}),
                    }, ensure_ascii=False, indent=2))
                for problem in exc.problems:
                    self.stderr.write(f"  {problem}")
                raise CommandError(f"Filen er ikke indlæst: {len(exc.problems)} fejl. Intet er gemt.") from exc
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        for sheet in result.plan.sheets:
            self.stdout.write(f"{sheet.sheet}: {counts_line(sheet)}")
            for warning in sheet.warnings:
                self.stdout.write(f"  advarsel {warning}")
            for action in sheet.actions:
                self.stdout.write(f"  {action.description}")
        control = result.plan.control
        if control and control.found:
            self.stdout.write(f"Budgetkontrol ({control.control_label}): {len(control.found)} overskridelser")
            for cell, overrun in control.rows():
                self.stdout.write(f"  overskridelse {cell}: {overrun.message}")
        summary = (f"{result.rows} rækker bogføres, i alt {format_kr(result.total, 2)} "
                   f"(udgifter {format_kr(result.expenses, 2)}, indtægter {format_kr(result.income, 2)})")
        if result.nothing_to_import:
            self.stdout.write(NOTHING_TO_IMPORT)
        elif dry_run:
            also = f" {cluster_obj} har endnu intet regnskab for {year}; det oprettes ved indlæsningen." if new else ""
            self.stdout.write(f"Forhåndsvisning uden fejl: {summary}. Intet er gemt (--dry-run).{also}")
        else:
            self.stdout.write(f"Indlæst i {cluster_year}: {summary}. Import nr. {result.batch.pk}.")
