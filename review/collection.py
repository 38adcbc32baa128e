"""The national collection of good experiences: every evaluation with the spreading decision in force."""
from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from review.models import Evaluation, SpreadingDecision


def latest_decision(field_name: str = "decision"):
    """A field of the evaluation's latest spreading decision, as a subquery."""
    return Subquery(
        SpreadingDecision.objects.filter(evaluation=OuterRef("pk")).order_by("-at", "-id").values(field_name)[:1]
    )


class PageFirstQuerySet(QuerySet):
    """A queryset whose slices choose their rows' ids first, then join and annotate only those rows.

    The ordering over the joined tables runs on the ids alone (narrow rows); the wide rows, the joins
    and the per-row subqueries are built for the page's rows only. Still one query per slice.
    """

    def __getitem__(self, k):
        if isinstance(k, slice) and k.stop is not None and k.step is None:
            page_ids = QuerySet.__getitem__(self.values("pk"), k)
            return self.filter(pk__in=page_ids)
        return super().__getitem__(k)


def collection_queryset():
    """Every evaluation with its initiative, cluster, region, area and the decision in force."""
    return (
        PageFirstQuerySet(model=Evaluation).select_related("initiative__cluster__region", "initiative__area")
        .annotate(
            current_decision=latest_decision(),
            decided_at=latest_decision("at"),
            decision_reasons=latest_decision("reasons"),
        )
        .order_by("-year", "initiative__cluster__region__code", "initiative__cluster__name", "initiative__name")
    )
