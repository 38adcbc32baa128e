"""Write a cluster-year's accounts (or the blank template) to an .xlsx file, as a named user."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import ClusterYear
from users.access import NO_ACCESS, permission_problem, role_may
from workbook.builder import build_for
from workbook.export import acting_user, find_cluster


class Command(BaseCommand):
    help = "Eksportér et klyngeregnskab (eller den tomme skabelon) til Excel (.xlsx) som en navngiven bruger."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="Regionens navn eller DST-kode (fx Midtjylland eller 1082)")
        parser.add_argument("--cluster", required=True, help="Klyngens navn i regionen (fx Aarhusklyngen)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--blank", action="store_true", help="Den tomme skabelon med klyngens lister")
        parser.add_argument("--out", required=True, help="Filnavn, fx regnskab.xlsx")
        parser.add_argument("--user", help="Brugernavnet på den, der eksporterer (skal have adgang til regnskabet)")

    def handle(self, *args, region, cluster, year, blank, out, user, **options):
        acting = acting_user(user)
        cluster_obj = find_cluster(region, cluster)
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Filnavnet skal slutte på .xlsx.")
        cluster_year = ClusterYear.objects.filter(cluster=cluster_obj, year=year).select_related("cluster__region").first()
        if cluster_year is None and not blank:
            raise CommandError(f"{cluster_obj} har intet regnskab for {year}; brug --blank for den tomme skabelon.")
        if cluster_year is not None:
            refusal = permission_problem(acting, "view_accounts", cluster_year)
        else:
            refusal = None if role_may(acting, "view_accounts", cluster_obj) else NO_ACCESS
        if refusal:
            raise CommandError(f"{acting.username} må ikke se regnskabet for {cluster_obj} {year}: {refusal}")
        count = build_for(cluster=cluster_obj, year=year, cluster_year=cluster_year, blank=blank, out=path)
        what = "Tom skabelon" if blank else f"Regnskab med {count} posteringer"
        self.stdout.write(f"{what} for {cluster_obj} {year} skrevet til {path}.")
