"""Import a filled template into a cluster-year: every row checked, all or nothing."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import cluster_year_get_or_create
from klyngeportal.formats import format_kr
from users.access import permission_problem
from users.models import Role
from workbook.export import find_cluster
from workbook.importer import ImportRefused, import_workbook


class Command(BaseCommand):
    help = "Indlæs en udfyldt Excel-skabelon (.xlsx) i et klyngeregnskab. Ved blot én fejl gemmes intet."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Den udfyldte skabelon (.xlsx)")
        parser.add_argument("--region", required=True, help="Regionens navn eller DST-kode")
        parser.add_argument("--cluster", required=True, help="Klyngens navn i regionen")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Kontrollér kun; gem intet")
        parser.add_argument("--user", help="Brugernavn, der står som den, der har indlæst (standard: en administrator)")

    def _user(self, username):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"Ukendt bruger «{username}».")
            return user
        user = (User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
                or User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first())
        if user is None:
            raise CommandError("Der findes ingen administrator; angiv --user.")
        return user

    def handle(self, *args, file, region, cluster, year, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Filen {path} findes ikke.")
        cluster_obj = find_cluster(region, cluster)
        acting = self._user(user)
        cluster_year = cluster_year_get_or_create(cluster=cluster_obj, year=year)
        refusal = permission_problem(acting, "edit_accounts", cluster_year)
        if refusal:
            raise CommandError(refusal)
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
            self.stdout.write(f"Kontrol uden fejl: {summary}. Intet er gemt (--dry-run).")
        else:
            self.stdout.write(f"Indlæst i {cluster_year}: {summary}. Import nr. {result.batch.pk}.")
