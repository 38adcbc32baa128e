"""Writes of the review app: comments, evaluations and spreading decisions.

Status transitions of a cluster-year live in review.workflow.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import ClusterYear, Initiative, ReviewStatus
from review.models import Comment, Evaluation, SpreadingDecision
from users.access import action_problem, permission_problem
from users.models import User

EVALUATION_FIELDS = (
    "challenge", "success_criteria", "measurement", "measured_when", "follow_up_responsible", "result", "status",
)


def evaluation_problem(user: User, initiative: Initiative, year: int, action: str = "edit_evaluation") -> str | None:
    """None if the user may do the action on the initiative's evaluation for the year, else the Danish reason.

    Evaluations may be written in any review status, also before the cluster has
    accounts for the year: the check then asks about a draft.
    """
    if not initiative.runs_in(year):
        return f"Indsatsen løber {initiative.first_year}-{initiative.last_year}; {year} ligger uden for."
    status, closed_at = (
        ClusterYear.objects.filter(cluster_id=initiative.cluster_id, year=year)
        .values_list("status", "closed_at").first()
        or (ReviewStatus.DRAFT, None)
    )
    return action_problem(
        user, action, cluster=initiative.cluster, status=status, year=year, closed=closed_at is not None,
    )


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
