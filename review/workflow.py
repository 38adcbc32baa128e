"""The review workflow of a cluster-year's accounts: one function moves the status.

kladde -> indsendt (klyngesekretariatet) -> godkendt, eller sendt retur med en
kommentar (SSU i klyngens region) -> indsendt igen. Et godkendt regnskab kan
genåbnes af SSU i regionen eller en administrator med en begrundelse.
Who may do what in which status, and who is told, is decided by users.access.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from accounts.models import ClusterYear, ReviewStatus, StatusChange
from accounts.services import cluster_year_lock
from accounts.services.budget import budget_original_snapshot
from users.access import NOTIFY_SECRETARIAT, NOTIFY_SSU, permission_problem, role_may, users_in_scope
from users.models import User

logger = logging.getLogger(__name__)


class TransitionRefused(ValidationError):
    """A transition that the rules do not allow; the message is Danish and meant for the user."""


@dataclass(frozen=True)
class Transition:
    action: str
    to_status: str
    label: str  # the button text
    comment_required: bool
    notify: tuple[str, ...]  # whom to tell: users.access.NOTIFY_SECRETARIAT and/or NOTIFY_SSU


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("submit", ReviewStatus.SUBMITTED, "Indsend regnskabet", False, (NOTIFY_SSU,)),
    "return": Transition("return", ReviewStatus.RETURNED, "Send retur", True, (NOTIFY_SECRETARIAT,)),
    "approve": Transition("approve", ReviewStatus.APPROVED, "Godkend regnskabet", False, (NOTIFY_SECRETARIAT,)),
    "reopen_review": Transition(
        "reopen_review", ReviewStatus.RETURNED, "Genåbn regnskabet", True, (NOTIFY_SECRETARIAT, NOTIFY_SSU)
    ),
}

COMMENT_REQUIRED = {
    "return": "Skriv en kommentar til klyngesekretariatet: et regnskab kan ikke sendes retur uden begrundelse.",
    "reopen_review": "Skriv en begrundelse: et godkendt regnskab kan ikke genåbnes uden.",
}


def transition_problem(*, cluster_year: ClusterYear, action: str, by: User, comment: str = "") -> str | None:
    """None if the transition may happen now, else the Danish reason."""
    if action not in TRANSITIONS:
        return "Ukendt handling."
    problem = permission_problem(by, action, cluster_year)
    if problem:
        return problem
    if TRANSITIONS[action].comment_required and not comment.strip():
        return COMMENT_REQUIRED[action]
    return None


def cluster_year_transition(*, cluster_year: ClusterYear, action: str, by: User, comment: str = "") -> StatusChange:
    """Move the cluster-year's review status, record who/when/why, and e-mail those concerned on commit.

    The row is locked (accounts' cluster_year_lock) and re-read before the check, so
    two reviewers acting at once cannot both move it: the second sees the new
    status and is refused.
    """
    comment = comment.strip()
    with transaction.atomic():
        locked = cluster_year_lock(cluster_year)
        problem = transition_problem(cluster_year=locked, action=action, by=by, comment=comment)
        if problem:
            # "forbidden": the role or scope never allows it; "invalid": not now (status, missing comment).
            code = "invalid" if action in TRANSITIONS and role_may(by, action, locked.cluster) else "forbidden"
            raise TransitionRefused(problem, code=code)
        transition = TRANSITIONS[action]
        change = StatusChange(
            cluster_year=locked,
            action=action,
            from_status=locked.status,
            to_status=transition.to_status,
            comment=comment,
            by=by,
        )
        change.full_clean()
        locked.status = transition.to_status
        locked.full_clean()
        locked.save(update_fields=["status"])
        change.save()
        if action == "submit":
            budget_original_snapshot(locked)  # the first submission fixes the «Oprindeligt budget»
        transaction.on_commit(lambda: send_transition_mail_safely(change.pk))
    # The caller's object follows the database.
    cluster_year.status = locked.status
    return change


# --- e-mail ----------------------------------------------------------------

def recipients_for(cluster_year: ClusterYear, audiences: tuple[str, ...], exclude: User | None = None) -> list[str]:
    """The e-mail addresses of the audiences of the cluster's accounts (users.access decides who they are)."""
    users = users_in_scope(cluster_year.cluster, audiences)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return sorted(set(users.values_list("email", flat=True)))


def _absolute(path: str) -> str:
    """SITE_URL (scheme and host, checked in settings) before the path; the bare path when it is empty."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def cluster_year_url(cluster_year: ClusterYear) -> str:
    """The accounts page of the cluster-year when it exists, else the review page."""
    try:
        return reverse("accounts:cluster_year_detail", args=[cluster_year.pk])
    except NoReverseMatch:
        return reverse("review:cluster_year", args=[cluster_year.pk])


def send_transition_mail_safely(change_pk: int) -> int:
    """The move is committed already: a mail server that fails is logged, never turned into an error page."""
    try:
        return send_transition_mail(change_pk)
    except Exception:
        logger.exception("E-mail om statusændring %s kunne ikke sendes", change_pk)
        return 0


def send_transition_mail(change_pk: int) -> int:
    """Tell the cluster's secretariat and/or the region's SSU about a status change. Returns mails sent."""
    change = StatusChange.objects.select_related("cluster_year__cluster__region", "by").get(pk=change_pk)
    cluster_year = change.cluster_year
    to = recipients_for(cluster_year, TRANSITIONS[change.action].notify, exclude=change.by)
    if not to:
        return 0
    context = {
        "change": change,
        "cluster_year": cluster_year,
        "url": _absolute(cluster_year_url(cluster_year)),
    }
    subject = " ".join(render_to_string("review/email/transition_subject.txt", context).split())
    body = render_to_string("review/email/transition_body.txt", context)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    return mailers.default.send_messages([message]) or 0
