"""python manage.py allocate 2022 [--csv] [--municipalities] [--round SLUG] [--derive-shares --user USERNAME]"""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from allocation import exports
from allocation.selectors import compute_round
from allocation.shares import derive_shares, shares_save
from klyngeportal.exports import csv_text
from klyngeportal.formats import format_number

from ._common import acting_user, pick_round


class Command(BaseCommand):
    help = "Beregner fordelingen af opstartsmidlerne for et år (som bilag 1, tabel 1), evt. pr. kommune."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--round", dest="slug", help="rundens kortnavn (standard: årets offentliggjorte runde)")
        parser.add_argument("--csv", dest="as_csv", action="store_true", help="skriv CSV")
        parser.add_argument("--municipalities", action="store_true", help="én række pr. finansierende kommune")
        parser.add_argument(
            "--derive-shares", action="store_true",
            help="afled og gem Københavns andele af klyngerne fra det indlæste kvartal",
        )
        parser.add_argument(
            "--user", dest="username",
            help="brugeren, der gemmer andelene (kræves med --derive-shares; en administrator)",
        )

    def handle(self, *args, year, slug, as_csv, municipalities, derive_shares, username=None, **options):
        round_ = pick_round(year, slug)
        if derive_shares:
            self._derive(round_, by=acting_user(username))
            return
        comp = compute_round(round_)
        if municipalities:
            if comp.error or not comp.contributions_complete:
                message = (comp.contributions_note or comp.error or "").replace("\n", " ")
                raise CommandError(message + _command_hint(comp))
            header, rows = exports.municipality_rows(comp)
        else:
            if comp.error:
                raise CommandError(comp.error)
            header, rows = exports.result_table(comp)
        if as_csv:
            self._csv(header, rows)
        else:
            self._text(round_, comp, header, rows)

    def _csv(self, columns, rows):
        # The same CSV as the download: klyngeportal.exports' one writer.
        self.stdout.write(csv_text(columns, rows), ending="")

    def _text(self, round_, comp, columns, rows):
        self.stdout.write(f"{round_.name} ({round_.year}), {round_.get_status_display().lower()}")
        header = [column.header for column in columns]
        widths = [max(len(str(h)), *(len(_fmt(r[i])) for r in rows)) for i, h in enumerate(header)]
        self.stdout.write("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
        for row in rows:
            self.stdout.write("  ".join(_fmt(v).ljust(w) for v, w in zip(row, widths, strict=True)))
        result = comp.result
        low, high = result.regional_rate_range
        self.stdout.write(
            f"Kommuner: {format_number(result.municipal_rate, 2)} kr. pr. indbygger; "
            f"regioner: {format_number(low, 2)}-{format_number(high, 2)} kr. pr. indbygger. "
            "Afrundet til hele kroner efter største rest: kolonnerne summerer præcis til puljerne."
        )

    def _derive(self, round_, *, by):
        derivation = derive_shares(round_.year, round_.reference_date)
        if derivation.problems:
            raise CommandError(" ".join(derivation.problems))
        if not derivation.shares:
            self.stdout.write(f"Ingen delt finansiering (*) i {round_.year}.")
            return
        try:
            lines = shares_save(
                year=round_.year, shares={d.membership.pk: d.share for d in derivation.shares}, by=by
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for d in derivation.shares:
            self.stdout.write(f"{d.membership.municipality.name} i {d.membership.cluster}: {d.share}")
        self.stdout.write(f"{len(lines)} andele ændret ({derivation.quarter_code}).")


def _command_hint(comp) -> str:
    """On the command line the missing step may be named as the command that does it."""
    if not comp.has_municipality_populations:
        return " Indlæs kvartalet med: python manage.py load_population FIL"
    if comp.missing_shares():
        return f" Afled andelene med: python manage.py allocate {comp.round.year} --derive-shares --user BRUGERNAVN"
    return ""


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)  # a municipality code
    return format_number(value, 0) if value == value.to_integral_value() else str(value)
