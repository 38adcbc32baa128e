"""Pages of the cluster accounts. Thin: scope from users.access, reads from selectors, writes via services."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from accounts import forms, selectors, services
from accounts import history as timeline
from accounts.charts import budget_vs_spend_svg
from accounts.filters import EntryFilter
from accounts.models import BudgetLine, ClusterYear, Entry, FundingLine, FundingSource, Initiative, PartyKind
from accounts.tables import EntryTable
from klyngeportal.formats import format_number
from users.access import (
    PERMISSIONS,
    account_clusters,
    cluster_years_for,
    get_cluster_year_or_404,
    has_permission,
    writable_clusters,
)

DEFAULT_YEAR = 2022


def refusal_page(view):
    """Answer a refused action (PermissionDenied) with 403 and the Danish reason, on a portal page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            reason = str(exc) or "Du har ikke adgang til denne handling."
            return render(request, "accounts/refused.html", {"reason": reason}, status=403)

    return wrapper


def perms_for(user, cluster_year) -> dict[str, bool]:
    return {action: has_permission(user, action, cluster_year) for action in PERMISSIONS}


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _context(request, cluster_year, **extra) -> dict:
    return {"cluster_year": cluster_year, "perms_for_user": perms_for(request.user, cluster_year), **extra}


# --- list and detail -------------------------------------------------------

def cluster_year_list(request):
    try:
        year = int(request.GET.get("year", DEFAULT_YEAR))
    except ValueError:
        year = DEFAULT_YEAR
    clusters = list(account_clusters(request.user))
    years_seen = cluster_years_for(request.user).filter(year=year)
    cluster_years = {cy.cluster_id: cy for cy in selectors.cluster_years_with_totals(years_seen)}
    writable = set(writable_clusters(request.user).values_list("pk", flat=True))
    years = sorted(set(cluster_years_for(request.user).values_list("year", flat=True)) | {DEFAULT_YEAR, year})
    rows = [{"cluster": c, "cy": cluster_years.get(c.pk), "may_open": c.pk in writable} for c in clusters]
    return render(request, "accounts/cluster_year_list.html", {"rows": rows, "year": year, "years": years})


@refusal_page
@require_POST
def cluster_year_open(request, cluster_id: int, year: int):
    cluster = get_object_or_404(account_clusters(request.user), pk=cluster_id)
    if not writable_clusters(request.user).filter(pk=cluster.pk).exists():
        raise PermissionDenied("Kun klyngens sekretariat og administratorer kan oprette regnskabet.")
    if not 2000 <= year <= 2100:
        raise Http404("Ukendt år.")
    cluster_year = services.cluster_year_get_or_create(cluster=cluster, year=year)
    return redirect(cluster_year)


def cluster_year_detail(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    summary = selectors.cluster_year_summary(cluster_year)
    sibling_years = list(
        ClusterYear.objects.filter(cluster_id=cluster_year.cluster_id).order_by("year").values_list("year", "pk")
    )
    return render(request, "accounts/cluster_year_detail.html", _context(
        request, cluster_year, summary=summary, chart=budget_vs_spend_svg(summary.by_area),
        sibling_years=sibling_years,
    ))


# --- entries ---------------------------------------------------------------

class EntryListView(ExportMixin, SingleTableMixin, FilterView):
    """Entries of one cluster-year: filters, sorting, pagination and CSV of the filtered list."""

    table_class = EntryTable
    filterset_class = EntryFilter
    template_name = "accounts/entry_list.html"
    export_formats = ("csv",)
    table_pagination = {"per_page": 50}
    paginate_by = None  # django-tables2 paginates; the ListView must not count a second time

    def dispatch(self, request, *args, **kwargs):
        self.cluster_year = get_cluster_year_or_404(request.user, kwargs["pk"])
        self.members = services.member_municipalities(self.cluster_year.cluster, self.cluster_year.year)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.entry_filter_base(self.cluster_year)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update(cluster_year=self.cluster_year, members=self.members)
        return kwargs

    def get_table_kwargs(self):
        return {"may_edit": has_permission(self.request.user, "edit_accounts", self.cluster_year)}

    def get_export_filename(self, export_format):
        cy = self.cluster_year
        return f"posteringer-{cy.cluster.region.slug}-{cy.cluster.slug}-{cy.year}.{export_format}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_context(self.request, self.cluster_year))
        return context


@refusal_page
def entry_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = services.member_municipalities(cluster_year.cluster, cluster_year.year)
    initial = {key: request.GET[key] for key in ("initiative", "party", "booking_date", "kind", "cost_kind",
                                                 "account_code") if key in request.GET}
    form = forms.EntryForm(request.POST or None, cluster_year=cluster_year, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(cluster_year=cluster_year, created_by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Posteringen er gemt: {entry.get_kind_display().lower()} "
                                      f"{format_number(entry.amount, 2)} kr.")
            if "save_and_new" in request.POST:
                data = form.cleaned_data
                query = (f"?initiative={data['initiative'].pk}&party={data['party']}"
                         f"&booking_date={data['booking_date']:%Y-%m-%d}&kind={data['kind']}"
                         f"&cost_kind={data['cost_kind']}")
                return redirect(reverse("accounts:entry_create", args=[cluster_year.pk]) + query)
            return redirect("accounts:entry_list", pk=cluster_year.pk)
    return render(request, "accounts/entry_form.html", _context(request, cluster_year, form=form))


@refusal_page
def entry_reverse(request, pk: int, entry_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    entry = get_object_or_404(
        Entry.objects.select_related("initiative", "municipality", "region", "created_by"),
        pk=entry_pk, cluster_year=cluster_year,
    )
    form = forms.ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_reverse(entry=entry, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Posteringen er tilbageført. Bogfør nu den rigtige postering.")
            party = f"m:{entry.municipality_id}" if entry.party_kind == PartyKind.MUNICIPALITY else f"r:{entry.region_id}"
            query = (f"?initiative={entry.initiative_id}&party={party}&booking_date={entry.booking_date:%Y-%m-%d}"
                     f"&kind={entry.kind}&cost_kind={entry.cost_kind}&account_code={entry.account_code}")
            return redirect(reverse("accounts:entry_create", args=[cluster_year.pk]) + query)
    already = entry.reverses_id is not None or Entry.objects.filter(reverses=entry).exists()
    return render(request, "accounts/entry_confirm.html",
                  _context(request, cluster_year, entry=entry, form=form, already=already))


# --- initiatives -----------------------------------------------------------

def _initiative_fields(form) -> dict:
    data = form.cleaned_data
    return {key: data[key] for key in ("name", "area", "description", "responsible", "responsible_municipality",
                                       "status", "first_year", "last_year")}


@refusal_page
def initiative_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = services.member_municipalities(cluster_year.cluster, cluster_year.year)
    form = forms.InitiativeForm(request.POST or None, cluster_year=cluster_year, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(cluster_year=cluster_year, by=request.user,
                                                    **_initiative_fields(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Indsatsen «{initiative.name}» er oprettet.")
            return redirect(cluster_year)
    return render(request, "accounts/initiative_form.html", _context(request, cluster_year, form=form))


@refusal_page
def initiative_edit(request, pk: int, initiative_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    initiative = get_object_or_404(Initiative, pk=initiative_pk, cluster_id=cluster_year.cluster_id)
    members = services.member_municipalities(cluster_year.cluster, cluster_year.year)
    form = forms.InitiativeForm(request.POST or None, instance=initiative, cluster_year=cluster_year,
                                members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(initiative=Initiative.objects.get(pk=initiative.pk), cluster_year=cluster_year,
                                       by=request.user, **_initiative_fields(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Indsatsen er gemt.")
            return redirect(cluster_year)
    return render(request, "accounts/initiative_form.html",
                  _context(request, cluster_year, form=form, initiative=initiative))


# --- funding ---------------------------------------------------------------

@refusal_page
@require_POST
def funding_propose(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    try:
        lines = services.funding_propose(cluster_year=cluster_year, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{len(lines)} linjer med opstartsmidler er foreslået fra fordelingen. "
                                  "Ret indbetalt beløb, hvor det afviger.")
    return redirect(reverse("accounts:cluster_year_detail", args=[cluster_year.pk]) + "#finansiering")


@refusal_page
def funding_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = services.member_municipalities(cluster_year.cluster, cluster_year.year)
    form = forms.FundingLineForm(request.POST or None, cluster_year=cluster_year, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.funding_line_create(
                cluster_year=cluster_year, by=request.user, source=data["source"], **form.party_kwargs(),
                paid=data["paid"], allocated=data["allocated"], text=data["text"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Finansieringslinjen er gemt.")
            return redirect(reverse("accounts:cluster_year_detail", args=[cluster_year.pk]) + "#finansiering")
    return render(request, "accounts/funding_line_form.html", _context(request, cluster_year, form=form))


def _funding_line(cluster_year, line_pk):
    return get_object_or_404(
        FundingLine.objects.select_related("municipality", "region"), pk=line_pk, cluster_year=cluster_year
    )


@refusal_page
def funding_edit(request, pk: int, line_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    line = _funding_line(cluster_year, line_pk)
    form = forms.FundingPaidForm(request.POST or None, initial={"paid": line.paid, "text": line.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_line_update(line=line, by=request.user, paid=form.cleaned_data["paid"],
                                         text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Det indbetalte beløb er gemt.")
            return redirect(reverse("accounts:cluster_year_detail", args=[cluster_year.pk]) + "#finansiering")
    return render(request, "accounts/funding_line_form.html",
                  _context(request, cluster_year, form=form, line=line))


@refusal_page
def funding_split(request, pk: int, line_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    line = _funding_line(cluster_year, line_pk)
    if line.party_kind != PartyKind.MUNICIPALITIES_JOINTLY:
        raise Http404("Kun en linje for kommunerne samlet kan fordeles.")
    funders = services.member_municipalities(cluster_year.cluster, cluster_year.year, funding_only=True)
    form = forms.FundingSplitForm(request.POST or None, funders=funders)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_split(line=line, by=request.user, amounts=form.amounts(),
                                   accept_difference=form.cleaned_data["accept_difference"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Kommunernes samlede bidrag er fordelt på kommuner.")
            return redirect(reverse("accounts:cluster_year_detail", args=[cluster_year.pk]) + "#finansiering")
    return render(request, "accounts/funding_split_form.html",
                  _context(request, cluster_year, form=form, line=line))


# --- budget ----------------------------------------------------------------

@refusal_page
def budget_create(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    members = services.member_municipalities(cluster_year.cluster, cluster_year.year)
    initial = {"initiative": request.GET.get("initiative"), "source": FundingSource.STARTUP}
    form = forms.BudgetLineForm(request.POST or None, cluster_year=cluster_year, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.budget_line_set(cluster_year=cluster_year, by=request.user, initiative=data["initiative"],
                                     source=data["source"], **form.party_kwargs(), amount=data["amount"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Budgetlinjen er gemt.")
            return redirect(reverse("accounts:cluster_year_detail", args=[cluster_year.pk]) + "#budget")
    return render(request, "accounts/budget_line_form.html", _context(request, cluster_year, form=form))


@refusal_page
def budget_edit(request, pk: int, line_pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "edit_accounts")
    line = get_object_or_404(BudgetLine.objects.select_related("initiative", "municipality", "region"),
                             pk=line_pk, cluster_year=cluster_year)
    form = forms.AmountForm(request.POST or None, initial={"amount": line.amount})
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_update(line=line, by=request.user, amount=form.cleaned_data["amount"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Budgetlinjen er gemt.")
            return redirect(reverse("accounts:cluster_year_detail", args=[cluster_year.pk]) + "#budget")
    return render(request, "accounts/budget_line_form.html",
                  _context(request, cluster_year, form=form, line=line))


def budget_list(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    lines = (BudgetLine.objects.filter(cluster_year=cluster_year)
             .select_related("initiative__area", "municipality", "region")
             .order_by("initiative__name", "source", "party_kind", "municipality__name"))
    return render(request, "accounts/budget_line_list.html", _context(request, cluster_year, lines=lines))


# --- carry-over and year close -----------------------------------------------

@refusal_page
def carryover(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    may_commit = has_permission(request.user, "close_year", cluster_year)
    if request.method == "POST" and not may_commit:
        get_cluster_year_or_404(request.user, pk, "close_year")  # raises 403 with the reason
    summary = selectors.cluster_year_summary(cluster_year)
    members = services.member_municipalities(cluster_year.cluster, cluster_year.year)
    unspent = {row.key: row.unspent for row in summary.by_party if row.key != "joint"}
    form = forms.CommitmentForm(
        request.POST or None, cluster_year=cluster_year, members=members, unspent=unspent,
    ) if may_commit else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_record(
                cluster_year=cluster_year, by=request.user, **form.party_kwargs(), amount=data["amount"],
                committed_by=data["committed_by"], committed_on=data["committed_on"], note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Tilsagnet er registreret.")
            return redirect("accounts:carryover", pk=cluster_year.pk)
    commitments = list(cluster_year.commitments.select_related("municipality", "region", "recorded_by"))
    carried = {line.carried_from_id: line for line in FundingLine.objects.filter(
        carried_from__in=[c.pk for c in commitments]).select_related("cluster_year")} if cluster_year.is_closed else {}
    for commitment in commitments:
        commitment.carried_line = carried.get(commitment.pk)
    return render(request, "accounts/carryover_detail.html", _context(
        request, cluster_year, summary=summary, form=form, commitments=commitments,
    ))


@refusal_page
def year_close(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "close_year")
    problems = []
    if request.method == "POST":
        try:
            next_year = services.year_close(cluster_year=cluster_year, by=request.user)
        except ValidationError as exc:
            problems = exc.messages
        else:
            count = next_year.funding_lines.filter(source=FundingSource.CARRYOVER,
                                                   carried_from__cluster_year=cluster_year).count()
            messages.success(request, f"Året {cluster_year.year} er afsluttet. {count} tilsagn er videreført "
                                      f"til {next_year.year}.")
            return redirect(cluster_year)
    summary = selectors.cluster_year_summary(cluster_year)
    return render(request, "accounts/year_close_confirm.html",
                  _context(request, cluster_year, summary=summary, problems=problems))


@refusal_page
def year_reopen(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk, "reopen_year")
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.year_reopen(cluster_year=cluster_year, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Året {cluster_year.year} er genåbnet.")
            return redirect(cluster_year)
    return render(request, "accounts/year_reopen_form.html", _context(request, cluster_year, form=form))


# --- history ---------------------------------------------------------------

def history(request, pk: int):
    cluster_year = get_cluster_year_or_404(request.user, pk)
    paginator = Paginator(timeline.timeline_queryset(cluster_year), 50)
    page = paginator.get_page(request.GET.get("page"))
    events = timeline.describe(list(page.object_list))
    return render(request, "accounts/history_list.html",
                  _context(request, cluster_year, page=page, events=events))
