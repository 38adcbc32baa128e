"""Download the template and the export, upload a filled template, reverse an import.

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
from accounts.services import import_batch_reverse
from klyngeportal.formats import format_kr, format_number
from users.access import get_cluster_year_or_404, has_permission, permission_problem
from workbook.export import workbook_response
from workbook.forms import ImportForm
from workbook.importer import MAX_SHOWN_PROBLEMS, ImportRefused, import_workbook
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


@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    cluster_year = get_cluster_year_or_404(request.user, pk, "view_accounts")
    refusal = permission_problem(request.user, "edit_accounts", cluster_year)
    problems, result, status = None, None, 200
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            try:
                result = import_workbook(
                    cluster_year=cluster_year, fileobj=upload.file, filename=upload.name, size=upload.size,
                    user=request.user, dry_run=dry_run,
                )
            except FileRefused as exc:  # not a sane .xlsx (or not one to import): 400 with the Danish reason
                problems, status = exc.problems, 400
            except ImportRefused as exc:
                problems = exc.problems
            else:
                summary = (f"{format_number(result.rows)} rækker, i alt {format_kr(result.total, 2)} "
                           f"(udgifter {format_kr(result.expenses, 2)}, indtægter {format_kr(result.income, 2)})")
                if dry_run:
                    messages.info(request, f"Kontrollen fandt ingen fejl: {summary}. Intet er gemt.")
                    form = ImportForm()
                else:
                    messages.success(request, f"Filen {result.batch.filename} er indlæst: {summary}.")
                    return redirect("workbook:import_detail", pk=result.batch.pk)
    else:
        form = ImportForm()
    return render(request, "workbook/import_form.html", {
        "cluster_year": cluster_year,
        "form": form,
        "refusal": refusal,
        "problems": problems[:MAX_SHOWN_PROBLEMS] if problems else None,
        "problem_count": len(problems) if problems else 0,
        "batches": list(import_batches(cluster_year)[:20]),
        "back_url": _back_url(cluster_year),
    }, status=status)


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
    """Reverse a whole import: a reversal for each of its entries; nothing is deleted."""
    batch = _batch_or_404(request, pk, "edit_accounts")
    if request.method == "POST":
        try:
            reversals = import_batch_reverse(import_batch=batch, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Importen {batch.filename} er tilbageført med {format_number(len(reversals))} modposteringer.",
            )
        return redirect("workbook:import_detail", pk=batch.pk)
    return render(request, "workbook/importbatch_confirm.html", {
        "batch": batch, "cluster_year": batch.cluster_year, "back_url": _back_url(batch.cluster_year),
    })
