"""Import a filled template into a cluster-year as a named user: every row checked, all or nothing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ClusterYear, ReviewStatus
from accounts.services import cluster_year_get_or_create
from klyngeportal.formats import format_kr
from users.access import action_problem, permission_problem
from workbook.export import acting_user, find_cluster
from workbook.importer import ImportRefused, import_workbook


class Command(BaseCommand):
    help = ("Indlæs en udfyldt Excel-skabelon (.xlsx) i et klyngeregnskab som en navngiven bruger. "
            "Ved blot én fejl gemmes intet; med --dry-run gemmes aldrig noget.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Den udfyldte skabelon (.xlsx)")
        parser.add_argument("--region", required=True, help="Regionens navn eller DST-kode")
        parser.add_argument("--cluster", required=True, help="Klyngens navn i regionen")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true",
                            help="Kontrollér kun; intet gemmes, heller ikke et nyt klyngeregnskab")
        parser.add_argument("--user", help="Brugernavnet på den, der indlæser (skal kunne redigere regnskabet)")

    def handle(self, *args, file, region, cluster, year, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {path} findes ikke.")
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
        with path.open("rb") as handle:
            try:
                result = import_workbook(cluster_year=cluster_year, fileobj=handle, filename=path.name,
                                         size=path.stat().st_size, user=acting, dry_run=dry_run)
            except ImportRefused as exc:
                for problem in exc.problems:
                    self.stderr.write(f"  {problem}")
                raise CommandError(f"Filen er ikke indlæst: {len(exc.problems)} fejl. Intet er gemt.") from exc
        summary = (f"{result.rows} rækker, i alt {format_kr(result.total, 2)} "
                   f"(udgifter {format_kr(result.expenses, 2)}, indtægter {format_kr(result.income, 2)})")
        if dry_run:
            also = f" {cluster_obj} har endnu intet regnskab for {year}; det oprettes ved indlæsningen." if new else ""
            self.stdout.write(f"Kontrol uden fejl: {summary}. Intet er gemt (--dry-run).{also}")
        else:
            self.stdout.write(f"Indlæst i {cluster_year}: {summary}. Import nr. {result.batch.pk}.")
