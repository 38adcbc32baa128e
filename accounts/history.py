"""One timeline per cluster-year: who changed what, when.

Sources: django-simple-history's records of the cluster-year, its initiatives,
funding lines, budget lines and carry-over commitments; the append-only
entries (created_by/at); and the status changes. One UNION query orders and
pages them all; each page then loads its details with at most one query per
source, so the query count does not grow with the history.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, IntegerField, Value
from django.utils import timezone

from accounts.models import (
    BudgetLine,
    CarryOverCommitment,
    ClusterYear,
    Entry,
    FundingLine,
    Initiative,
    PartyKind,
    StatusChange,
)
from accounts.parties import Party
from klyngeportal.formats import format_number

HISTORY_TYPES = {"+": "Oprettet", "~": "Ændret", "-": "Slettet"}


def _historical(model):
    return model.history.model


SOURCES = {
    # key: (model, filter on the cluster-year, label, related to load: every relation a change can name)
    "cluster_year": (lambda: _historical(ClusterYear), lambda cy: {"id": cy.pk}, "Regnskab",
                     ("closed_by", "cluster__region")),
    "initiative": (lambda: _historical(Initiative), lambda cy: {"cluster_id": cy.cluster_id}, "Indsats",
                   ("area", "responsible_municipality", "cluster__region")),
    "funding": (lambda: _historical(FundingLine), lambda cy: {"cluster_year_id": cy.pk}, "Finansiering",
                ("municipality", "region", "allocation_round", "carried_from", "cluster_year__cluster__region")),
    "budget": (lambda: _historical(BudgetLine), lambda cy: {"cluster_year_id": cy.pk}, "Budget",
               ("municipality", "region", "initiative", "cluster_year__cluster__region")),
    "commitment": (lambda: _historical(CarryOverCommitment), lambda cy: {"cluster_year_id": cy.pk},
                   "Tilsagn om videreførelse", ("municipality", "region", "recorded_by",
                                                "cluster_year__cluster__region")),
}


def timeline_queryset(cluster_year):
    """(h_src, h_at, h_ref, h_obj) for every event of the cluster-year, newest first: one UNION query."""
    parts = []
    for key, (model, where, _label, _related) in SOURCES.items():
        parts.append(
            model().objects.filter(**where(cluster_year))
            .annotate(h_src=Value(key, output_field=CharField()), h_at=F("history_date"), h_ref=F("history_id"),
                      h_obj=F("id"))
            .values("h_src", "h_at", "h_ref", "h_obj")
            .order_by()
        )
    parts.append(
        Entry.objects.filter(cluster_year=cluster_year)
        .annotate(h_src=Value("entry", output_field=CharField()), h_at=F("created_at"), h_ref=F("id"), h_obj=F("id"))
        .values("h_src", "h_at", "h_ref", "h_obj").order_by()
    )
    parts.append(
        StatusChange.objects.filter(cluster_year=cluster_year)
        .annotate(h_src=Value("status", output_field=CharField()), h_at=F("at"), h_ref=F("id"),
                  h_obj=Value(0, output_field=IntegerField()))
        .values("h_src", "h_at", "h_ref", "h_obj").order_by()
    )
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-h_at", "-h_ref")


@dataclass
class Event:
    at: object
    who: str
    source: str
    action: str
    what: str
    changes: list[tuple[str, str, str]]


def _who(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.username


def _party(record) -> str:
    """The party's label (as ``Party``), or "" for a record without a complete party."""
    kind = getattr(record, "party_kind", None)
    complete = (
        (kind == PartyKind.MUNICIPALITY and record.municipality_id)
        or (kind == PartyKind.REGION and record.region_id)
        or kind == PartyKind.MUNICIPALITIES_JOINTLY
    )
    return Party.of(record).label if complete else ""


def _label(obj) -> str:
    """A related object as a reader knows it: a person by name, a commitment by who gave it and when."""
    if isinstance(obj, get_user_model()):
        return _who(obj)
    if isinstance(obj, CarryOverCommitment):
        return f"tilsagn givet af {obj.committed_by} {obj.committed_on:%d.%m.%Y}"
    return str(obj)


def _value(record, field) -> str:
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return "Ja" if value else "Nej"
    if kind == "DecimalField":
        return format_number(value, 2)
    if kind == "DateTimeField":
        return f"{timezone.localtime(value):%d.%m.%Y %H:%M}"
    if kind == "DateField":
        return f"{value:%d.%m.%Y}"
    if field.is_relation:
        # Loaded with the versions (SOURCES' related): no query here.
        related = getattr(record, field.name) if field.is_cached(record) else None
        return _label(related) if related is not None else "(slettet)"
    return str(value)


def _diff(record, previous) -> list[tuple[str, str, str]]:
    if previous is None:
        return []
    changes = []
    for field in record._meta.concrete_fields:
        if field.attname.startswith("history_") or field.attname == "id":
            continue
        if getattr(record, field.attname) != getattr(previous, field.attname):
            changes.append((str(field.verbose_name), _value(previous, field), _value(record, field)))
    return changes


def _describe_record(src: str, record) -> str:
    if src == "cluster_year":
        return f"Klyngeregnskab {record.year}"
    if src == "initiative":
        return f"«{record.name}» ({record.area.name if record.area_id else ''})"
    if src == "funding":
        source = dict(FundingLine._meta.get_field("source").choices).get(record.source, record.source)
        return f"{source}, {_party(record)}: indbetalt {format_number(record.paid, 2)} kr." + (
            f" {record.text}" if record.text else "")
    if src == "budget":
        return f"«{record.initiative.name}», {_party(record)}: {format_number(record.amount, 2)} kr."
    if src == "commitment":
        return (f"{_party(record)}: {format_number(record.amount, 2)} kr., tilsagn givet af {record.committed_by} "
                f"{record.committed_on:%d.%m.%Y}")
    return ""


def describe(rows: list[dict]) -> list[Event]:
    """Turn one page of timeline rows into events, with a bounded number of queries."""
    by_src: dict[str, list[dict]] = {}
    for row in rows:
        by_src.setdefault(row["h_src"], []).append(row)
    details: dict[tuple[str, int], Event] = {}

    for src, (model, _where, label, related) in SOURCES.items():
        wanted = by_src.get(src)
        if not wanted:
            continue
        ids = {row["h_obj"] for row in wanted}
        refs = {row["h_ref"] for row in wanted}
        # All versions of the objects on the page: the records themselves and their predecessors.
        versions = list(
            model().objects.filter(id__in=ids).select_related("history_user", *related)
            .order_by("id", "history_date", "history_id")
        )
        previous = None
        for version in versions:
            if previous is not None and previous.id != version.id:
                previous = None
            if version.history_id in refs:
                changes = _diff(version, previous) if version.history_type == "~" else []
                details[(src, version.history_id)] = Event(
                    at=version.history_date, who=_who(version.history_user), source=label,
                    action=HISTORY_TYPES.get(version.history_type, version.history_type),
                    what=_describe_record(src, version), changes=changes,
                )
            previous = version

    if by_src.get("entry"):
        entries = Entry.objects.filter(pk__in=[row["h_ref"] for row in by_src["entry"]]).select_related(
            "created_by", "initiative", "municipality", "region", "import_batch"
        )
        for entry in entries:
            if entry.reverses_id:
                action = f"Tilbageførsel af postering {entry.reverses_id}"
            else:
                action = "Bogført" + (f" (import {entry.import_batch.filename})" if entry.import_batch_id else "")
            what = (f"Postering {entry.pk}: {entry.get_kind_display().lower()} {format_number(entry.amount, 2)} kr., "
                    f"«{entry.initiative.name}», {_party(entry)}, konto {entry.account_code}"
                    + (f", bilag {entry.voucher}" if entry.voucher else "")
                    + (f": {entry.text}" if entry.text else ""))
            details[("entry", entry.pk)] = Event(entry.created_at, _who(entry.created_by), "Postering", action, what, [])

    if by_src.get("status"):
        for change in StatusChange.objects.filter(pk__in=[row["h_ref"] for row in by_src["status"]]).select_related("by"):
            what = f"{change.get_from_status_display()} → {change.get_to_status_display()}"
            if change.comment:
                what += f": {change.comment}"
            details[("status", change.pk)] = Event(change.at, _who(change.by), "Status", change.get_action_display(),
                                                   what, [])

    return [details[(row["h_src"], row["h_ref"])] for row in rows if (row["h_src"], row["h_ref"]) in details]
