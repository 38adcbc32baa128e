"""python manage.py reconcile 2022 [--csv] [--round SLUG]"""
from django.core.management.base import BaseCommand, CommandError

from allocation import exports
from allocation.reconciliation import KIND_LABELS, reconcile
from allocation.selectors import compute_round
from klyngeportal.exports import csv_text
from klyngeportal.formats import format_number

from ._common import pick_round


class Command(BaseCommand):
    help = "Afstemmer den beregnede fordeling med den offentliggjorte tabel, celle for celle."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--round", dest="slug", help="rundens kortnavn (standard: årets offentliggjorte runde)")
        parser.add_argument("--csv", dest="as_csv", action="store_true", help="skriv CSV")

    def handle(self, *args, year, slug, as_csv, **options):
        round_ = pick_round(year, slug)
        comp = compute_round(round_)
        if comp.error:
            raise CommandError(comp.error)
        rec = reconcile(comp)
        if not rec.cells:
            raise CommandError(f"Runden «{round_.name}» har ingen offentliggjort tabel at afstemme med.")
        header, rows = exports.reconciliation_table(rec)
        if as_csv:
            self.stdout.write(csv_text(header, rows), ending="")  # the same CSV as the download
            return
        counts = rec.counts
        self.stdout.write(
            f"{len(rec.cells)} celler: " + ", ".join(f"{counts[k]} {KIND_LABELS[k].lower()}" for k in KIND_LABELS)
        )
        for cell in rec.deviations:
            self.stdout.write(
                f"  afvigelse: {cell.region_name} {cell.cluster_name} {cell.column_label}: beregnet "
                f"{format_number(cell.computed)}, offentliggjort {format_number(cell.published)}, "
                f"forskel {format_number(cell.difference)}"
            )
        for check in rec.internal_deviations:
            self.stdout.write(
                f"  tabellen er ikke internt konsistent: {check.region_name} {check.column_label}: "
                f"{check.parts} celler summerer til {format_number(check.parts_sum)}, subtotal "
                f"{format_number(check.printed)} (forskel {format_number(check.difference)})"
            )
