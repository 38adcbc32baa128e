"""Writes of the review app: comments, evaluations and spreading decisions.

Status transitions of a cluster-year live in review.workflow.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import ClusterYear, Initiative
from review.models import Comment, Evaluation, SpreadingDecision
from users.access import permission_problem
from users.models import User

EVALUATION_FIELDS = (
    "challenge", "success_criteria", "measurement", "measured_when", "follow_up_responsible", "result", "status",
)


def evaluation_scope(initiative: Initiative, year: int) -> ClusterYear:
    """The cluster-year an evaluation belongs to, for the permission check.

    Evaluations may be written in any review status, so an unsaved stand-in
    serves when the cluster has no accounts for the year yet.
    """
    found = ClusterYear.objects.filter(cluster_id=initiative.cluster_id, year=year).first()
    if found is not None:
        found.cluster = initiative.cluster
        return found
    return ClusterYear(cluster=initiative.cluster, year=year)


def evaluation_problem(user: User, initiative: Initiative, year: int, action: str = "edit_evaluation") -> str | None:
    if not (initiative.first_year <= year <= initiative.last_year):
        return f"Indsatsen løber {initiative.first_year}-{initiative.last_year}; {year} ligger uden for."
    return permission_problem(user, action, evaluation_scope(initiative, year))


def comment_add(*, cluster_year: ClusterYear, author: User, text: str) -> Comment:
    problem = permission_problem(author, "comment", cluster_year)
    if problem:
        raise PermissionDenied(problem)
    comment = Comment(cluster_year=cluster_year, author=author, text=text.strip())
    comment.full_clean()
    with transaction.atomic():
        comment.save()
    return comment


def evaluation_save(*, initiative: Initiative, year: int, by: User, **fields) -> Evaluation:
    """Create or update the evaluation of an initiative for a year (the cluster's secretariat or an admin)."""
    unknown = set(fields) - set(EVALUATION_FIELDS)
    if unknown:
        raise TypeError(f"Ukendte felter: {', '.join(sorted(unknown))}")
    problem = evaluation_problem(by, initiative, year)
    if problem:
        raise PermissionDenied(problem)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().filter(initiative=initiative, year=year).first()
        if evaluation is None:
            evaluation = Evaluation(initiative=initiative, year=year, created_by=by)
        for name, value in fields.items():
            setattr(evaluation, name, value.strip() if isinstance(value, str) else value)
        evaluation.updated_by = by
        evaluation._change_reason = "Oprettet" if evaluation.pk is None else "Ændret"
        evaluation.full_clean()
        evaluation.save()
    return evaluation


def spreading_decide(*, evaluation: Evaluation, decision: str, reasons: str, by: User) -> SpreadingDecision:
    """Record the SSU's decision on spreading an evaluated initiative (the region's SSU or an admin)."""
    problem = evaluation_problem(by, evaluation.initiative, evaluation.year, "decide_spreading")
    if problem:
        raise PermissionDenied(problem)
    if not reasons.strip():
        raise ValidationError({"reasons": "Skriv en begrundelse for beslutningen."})
    record = SpreadingDecision(evaluation=evaluation, decision=decision, reasons=reasons.strip(), by=by)
    record.full_clean()
    with transaction.atomic():
        record.save()
    return record
