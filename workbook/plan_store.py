"""The import preview as shown, kept with its upload in the database while the ledger stands still.

Planning an upload reads the whole file and the ledger (hundreds of milliseconds at full scale). The
preview page shows the plan's result only: counts per sheet, the first problems, the budget control's
overruns, the totals before → after and the first actions. ``plan_preview`` turns a
``workbook.importer.WorkbookPlan`` into that result as JSON (money as the Decimal's string, never a
float), stored on the ``PendingUpload`` row (``workbook.pending``), under a key of:

- the upload's sha256 and its «tilbagefør» choice (what was planned),
- the ledger's fingerprint it was planned against (``workbook.selectors.ledger_fingerprint``: entries,
  imports, budget lines and months, funding lines, commitments, initiatives, areas, the cluster-year's
  status, year close and budget control),
- the user's role and scope (who it was planned for), and the format of the stored result.

``stored_preview`` gives the stored result only when its key is the one of the ledger now (one query:
the fingerprint), else None and the caller plans again. The preview page is always rendered from
this form (``preview_context``), fresh or stored, so that both show exactly the same.
"Indlæs" does not book from here: it plans the same bytes again under the cluster-year's lock and
refuses when the ledger's fingerprint is not the one of the preview shown (``workbook.importer``).
"""
from __future__ import annotations

from decimal import Decimal

from users.access import role_of
from workbook.importer import MAX_SHOWN_PROBLEMS
from workbook.plan import COUNT_KEYS
from workbook.safety import Problem
from workbook.selectors import ledger_fingerprint
from workbook.totals import TotalRow, Totals, preview_totals

FORMAT = 1  # of the stored result: a change of its shape makes every stored preview stale
MONEY = ("expenses_before", "expenses_after", "income_before", "income_after")


def preview_key(*, sha256: str, reverse_removed: bool, fingerprint: str, user) -> str:
    """What a stored preview is valid for: the file, the choice, the ledger, the user's rights, the format."""
    rights = f"{role_of(user)}:{getattr(user, 'cluster_id', None)}:{getattr(user, 'region_id', None)}"
    return f"v{FORMAT}|{sha256}|{int(bool(reverse_removed))}|{fingerprint}|{rights}"


def _problem(p: Problem) -> dict:
    return {"sheet": p.sheet, "cell": p.cell, "message": p.message}


def plan_preview(plan, user) -> dict:
    """The preview of ``plan`` (a WorkbookPlan) as the page shows it, as JSON, with its key.

    The totals cost their one or two queries (``preview_totals``); the rest is the plan's own.
    """
    totals = preview_totals(plan)
    errors, warnings = plan.errors, plan.warnings
    actions = [(sheet.sheet, action.description) for sheet in plan.sheets for action in sheet.actions]
    control = plan.control
    return {
        "key": preview_key(sha256=plan.sha256, reverse_removed=plan.reverse_removed,
                           fingerprint=plan.fingerprint, user=user),
        "nothing_to_import": plan.nothing_to_import,
        "has_changes": plan.has_changes,
        "may_book": not errors and (plan.has_changes or bool(warnings)),
        "counts": [[sheet.sheet, [sheet.counts[key] for key in COUNT_KEYS]] for sheet in plan.sheets],
        "errors": [_problem(p) for p in errors[:MAX_SHOWN_PROBLEMS]],
        "error_count": len(errors),
        "warnings": [_problem(p) for p in warnings[:MAX_SHOWN_PROBLEMS]],
        "control": None if control is None else {
            "label": control.control_label,
            "found": len(control.found),
            "stopped": bool(control.stopped),
            "needs_confirmation": control.needs_confirmation,
            "rows": [[cell, overrun.message] for cell, overrun in control.rows()],
        },
        "totals": {"by_initiative": [row.as_json() for row in totals.by_initiative],
                   "by_party": [row.as_json() for row in totals.by_party],
                   "total": totals.total.as_json()},
        "actions": [list(action) for action in actions[:MAX_SHOWN_PROBLEMS]],
        "action_count": len(actions),
    }


def stored_preview(pending, user, cluster_year) -> dict | None:
    """The upload's stored preview if it was planned against the ledger as it is now (one query), else None."""
    stored = pending.preview
    if not isinstance(stored, dict):
        return None
    fingerprint = ledger_fingerprint(cluster_year)
    key = preview_key(sha256=pending.sha256, reverse_removed=pending.reverse_removed, fingerprint=fingerprint,
                      user=user)
    if stored.get("key") != key or pending.ledger_fingerprint != fingerprint:
        return None
    return stored


def _total_row(data: dict) -> TotalRow:
    return TotalRow(data["label"], **{name: Decimal(data[name]) for name in MONEY})


def preview_context(preview: dict) -> dict:
    """The template's context of a stored (or just planned) preview: money back to Decimal."""
    totals = preview["totals"]
    return {
        "nothing_to_import": preview["nothing_to_import"],
        "has_changes": preview["has_changes"],
        "may_book": preview["may_book"],
        "count_rows": [(sheet, list(zip(COUNT_KEYS, counts, strict=True))) for sheet, counts in preview["counts"]],
        "errors": preview["errors"],
        "error_count": preview["error_count"],
        "warnings": [(f"{w['sheet']}!{w['cell']}", w) for w in preview["warnings"]],
        "control": preview["control"],
        "totals": Totals([_total_row(r) for r in totals["by_initiative"]], [_total_row(r) for r in totals["by_party"]],
                         _total_row(totals["total"])),
        "actions": [tuple(action) for action in preview["actions"]],
        "action_count": preview["action_count"],
    }
