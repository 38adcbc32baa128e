"""Download the template and the export, upload a filled template (preview, then "Indlæs"), reverse an import.

Thin views: scope and permissions come from users.access, the work from
workbook.builder, workbook.importer and accounts.services.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import ImportBatch
from accounts.services.import_undo import import_batch_undo, import_undo_plan
from users.access import get_cluster_year_or_404, has_permission, permission_problem
from workbook.export import workbook_response
from workbook.forms import ImportForm
from workbook.importer import (
    MAX_SHOWN_PROBLEMS,
    NOTHING_TO_IMPORT,
    ImportRefused,
    LedgerChanged,
    commit_file,
    counts_line,
    preview_file,
    read_upload,
)
from workbook.pending import pending_content, pending_get, pending_seen, pending_store
from workbook.plan import COUNT_KEYS, COUNT_LABELS
from workbook.plan_store import plan_preview, preview_context, stored_preview
from workbook.safety import FileRefused
from workbook.selectors import import_batches


@require_GET
def template_download(request, pk):
    """The blank template with the cluster's initiatives, areas and parties in the lists."""
    cluster_year = get_cluster_year_or_404(request.user, pk, "view_accounts")
    return workbook_response(cluster=cluster_year.cluster, year=cluster_year.year,
                             cluster_year=cluster_year, blank=True)


@require_GET
def export_download(request, pk):
    """The cluster-year's accounts in the same template."""
    cluster_year = get_cluster_year_or_404(request.user, pk, "view_accounts")
    return workbook_response(cluster=cluster_year.cluster, year=cluster_year.year,
                             cluster_year=cluster_year, blank=False)


def _back_url(cluster_year) -> str:
    try:
        return cluster_year.get_absolute_url()
    except Exception:  # the accounts page may not be mounted in every set-up
        return reverse("workbook:import_upload", args=[cluster_year.pk])


def _upload_page(request, cluster_year, form, *, refusal=None, problems=None, status=200):
    return render(request, "workbook/import_form.html", {
        "cluster_year": cluster_year,
        "form": form,
        "refusal": refusal,
        "problems": problems[:MAX_SHOWN_PROBLEMS] if problems else None,
        "problem_count": len(problems) if problems else 0,
        "batches": list(import_batches(cluster_year)[:20]),
        "back_url": _back_url(cluster_year),
    }, status=status)


@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    """Upload a filled template: the file is checked, kept in the database with its preview, and that shown."""
    cluster_year = get_cluster_year_or_404(request.user, pk, "view_accounts")
    refusal = permission_problem(request.user, "edit_accounts", cluster_year)
    if request.method != "POST":
        return _upload_page(request, cluster_year, ImportForm(), refusal=refusal)
    if refusal:
        raise PermissionDenied(refusal)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, cluster_year, form)
    upload = form.cleaned_data["file"]
    reverse_removed = form.cleaned_data["reverse_removed"]
    try:
        data = read_upload(upload.file, upload.name, upload.size)
        plan = preview_file(cluster_year=cluster_year, data=data, filename=upload.name, user=request.user,
                            reverse_removed=reverse_removed)
    except FileRefused as exc:  # not a sane .xlsx (or not one to import): 400 with the Danish reason
        return _upload_page(request, cluster_year, form, problems=exc.problems, status=400)
    except ImportRefused as exc:
        return _upload_page(request, cluster_year, form, problems=exc.problems)
    pending = pending_store(cluster_year=cluster_year, user=request.user, data=data, filename=upload.name,
                            fingerprint=plan.fingerprint, reverse_removed=reverse_removed,
                            preview=plan_preview(plan, request.user))
    return redirect("workbook:import_preview", pk=cluster_year.pk, upload_pk=pending.pk)


def _preview_page(request, cluster_year, pending, preview: dict):
    """The page of a preview in its stored form (``workbook.plan_store``), fresh or kept."""
    return render(request, "workbook/import_preview.html", {
        "cluster_year": cluster_year, "pending": pending, **preview_context(preview),
        "count_labels": [COUNT_LABELS[key] for key in COUNT_KEYS],
        "back_url": _back_url(cluster_year),
    })


@require_http_methods(["GET", "POST"])
def import_preview(request, pk, upload_pk):
    """GET: the preview of a kept upload (kept with it while the ledger is unchanged, else planned again).
    POST ("Indlæs"): book exactly that, or nothing."""
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    pending = pending_get(cluster_year=cluster_year, user=request.user, pk=upload_pk)
    if pending is None:
        messages.error(request, "Filen er ikke længere gemt til indlæsning. Indlæs den igen.")
        return redirect("workbook:import_upload", pk=cluster_year.pk)
    if request.method == "GET":
        preview = stored_preview(pending, request.user, cluster_year)
        if preview is None:
            try:
                plan = preview_file(cluster_year=cluster_year, data=pending_content(pending), filename=pending.filename,
                                    user=request.user, reverse_removed=pending.reverse_removed)
            except ImportRefused as exc:
                return _upload_page(request, cluster_year, ImportForm(), problems=exc.problems)
            preview = plan_preview(plan, request.user)
            pending_seen(pending, plan.fingerprint, preview)
        return _preview_page(request, cluster_year, pending, preview)
    try:
        result = commit_file(cluster_year=cluster_year, data=pending_content(pending), filename=pending.filename,
                             user=request.user, reverse_removed=pending.reverse_removed,
                             accepted=set(request.POST.getlist("accept")), fingerprint=pending.ledger_fingerprint,
                             confirm_overruns=request.POST.get("confirm_overruns") == "1")
    except LedgerChanged as exc:
        pending.delete()
        messages.error(request, exc.problems[0].message)
        return redirect("workbook:import_upload", pk=cluster_year.pk)
    except ImportRefused as exc:
        return _upload_page(request, cluster_year, ImportForm(), problems=exc.problems)
    pending.delete()
    if result.batch is None:
        messages.info(request, NOTHING_TO_IMPORT)
        return redirect("workbook:import_upload", pk=cluster_year.pk)
    sheets = "; ".join(f"{sheet.sheet}: {counts_line(sheet)}" for sheet in result.plan.sheets)
    messages.success(request, f"Filen {result.batch.filename} er indlæst ({sheets}).")
    return redirect("workbook:import_detail", pk=result.batch.pk)


def _batch_or_404(request, pk, action="view_accounts"):
    try:
        batch = ImportBatch.objects.select_related("imported_by", "reversed_by").get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Importen findes ikke.") from exc
    cluster_year = get_cluster_year_or_404(request.user, batch.cluster_year_id, action)
    batch.cluster_year = cluster_year
    return batch


@require_GET
def import_detail(request, pk):
    batch = _batch_or_404(request, pk)
    return render(request, "workbook/importbatch_detail.html", {
        "batch": batch,
        "cluster_year": batch.cluster_year,
        "may_reverse": batch.reversed_at is None and has_permission(request.user, "edit_accounts", batch.cluster_year),
        "back_url": _back_url(batch.cluster_year),
    })


@require_http_methods(["GET", "POST"])
def import_reverse(request, pk):
    """Undo a whole import (entries, budget lines, commitments, new initiatives): GET lists what would be undone,
    or why it cannot be; POST does it (``accounts.services.import_undo``), all of it or nothing."""
    batch = _batch_or_404(request, pk)
    if request.method == "POST":
        try:
            undone = import_batch_undo(import_batch=batch, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, undone.message)
        return redirect("workbook:import_detail", pk=batch.pk)
    return render(request, "workbook/importbatch_confirm.html", {
        "batch": batch, "cluster_year": batch.cluster_year, "back_url": _back_url(batch.cluster_year),
        "plan": import_undo_plan(import_batch=batch, by=request.user),
    })
