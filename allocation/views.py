"""Allocation pages: rounds, the result in Table 1's layout, drill-down, reconciliation, scenarios."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from allocation import exports, selectors, services
from allocation.forms import (
    ClusterWeightsForm,
    CompareForm,
    MunicipalityWeightsForm,
    RegionKeysForm,
    RoundCopyForm,
    RoundParametersForm,
    format_danish_decimal,
)
from allocation.models import AllocationRound, ClusterWeight, MunicipalityWeight, RegionKey
from allocation.reconciliation import KIND_LABELS, published_rows, reconcile
from allocation.result_table import result_rows_html
from allocation.shares import derive_shares, shares_save
from allocation.tables import RoundTable
from geography.models import Cluster, Municipality, Region
from geography.selectors import map_year_of, map_years
from klyngeportal.exports import FORMATS, download, table_download
from klyngeportal.pagination import pagination
from users.access import can_manage_allocation, can_publish_allocation


def _round_or_404(slug: str) -> AllocationRound:
    try:
        return selectors.round_by_slug(slug)
    except AllocationRound.DoesNotExist as exc:
        raise Http404("Fordelingsrunden findes ikke.") from exc


SCENARIO_YEARS_AHEAD = 3


def scenario_years(source_year: int) -> list[int]:
    """The years a scenario can be made for: from the first cluster map to a few years past the latest."""
    years = map_years()
    if not years:
        return [source_year]
    last = max(years[-1], source_year, datetime.date.today().year) + SCENARIO_YEARS_AHEAD
    return list(range(years[0], last + 1))


def _require_manage(user):
    if not can_manage_allocation(user):
        raise PermissionDenied(services.MANAGE_REFUSAL)


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on its field where the form has one, else at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _table2_url(year: int) -> str:
    try:
        return reverse("geography:table2") + f"?aar={year}"
    except NoReverseMatch:
        return f"/geografi/tabel2/{year}/"


def round_list(request):
    table = RoundTable(selectors.rounds())
    RequestConfig(request, paginate=pagination(25)).configure(table)
    export_format = request.GET.get("_export")
    if export_format in FORMATS:
        return table_download(table, export_format, "fordelingsrunder", title="Fordelingsrunder")
    return render(request, "allocation/round_list.html", {
        "table": table, "can_manage": can_manage_allocation(request.user), "compare_form": CompareForm(),
    })


def _computed(round_):
    """The round computed, and its published table's rows: one query gives the table's cluster order
    (``selectors.table_order``, which looks further only for a round without rows) and the reconciliation."""
    rows = published_rows(round_)
    order = {row.cluster_id: row.position for row in rows if row.cluster_id is not None}
    return selectors.compute_round(round_, published_order=order or None), rows


def round_detail(request, slug):
    round_ = _round_or_404(slug)
    comp, published = _computed(round_)
    year_published = None if round_.is_published else selectors.published_round(round_.year)
    rec = reconcile(comp, published) if comp.result else None
    return render(request, "allocation/round_detail.html", {
        "round": round_,
        "comp": comp,
        "rows_html": result_rows_html(selectors.result_rows(comp), round_.slug),
        "result": comp.result,
        "rec": rec,
        "kind_labels": KIND_LABELS,
        "table2_url": _table2_url(round_.year),
        "can_manage": can_manage_allocation(request.user),
        "can_publish": can_publish_allocation(request.user) and year_published is None,
        "year_published": year_published,
        "region_keys": sorted(comp.region_keys.values(), key=lambda k: k.region.code),
        "municipality_weight_count": len(comp.municipality_weights),
    })


def round_export(request, slug, what, fmt):
    round_ = _round_or_404(slug)
    comp = selectors.compute_round(round_)
    if comp.error:
        messages.error(request, comp.error)
        return redirect(round_.get_absolute_url())
    name = f"fordeling-{round_.slug}"
    if what == "kommuner":
        if not comp.contributions_complete:
            messages.error(request, comp.contributions_note or "Bidrag pr. kommune kan ikke beregnes.")
            return redirect(round_.get_absolute_url())
        return download(fmt, f"{name}-kommuner", exports.municipality_sheet(comp))
    return download(fmt, name, exports.result_sheets(comp))


def round_cluster(request, slug, cluster_id):
    round_ = _round_or_404(slug)
    comp = selectors.compute_round(round_)
    cluster = comp.clusters.get(cluster_id)
    if cluster is None:
        raise Http404("Klyngen findes ikke i runden.")
    result = comp.result
    out = result.cluster(cluster_id) if result and cluster_id in {c.key for c in result.clusters} else None
    region_out = result.region(cluster.region_id) if out else None
    contributions = []
    if out:
        municipalities = {m.municipality_id: m for m in comp.funders() if m.cluster_id == cluster_id}
        contributions = [(municipalities[c.municipality], c) for c in result.contributions_for(cluster_id)]
    members = [(m, comp.populations.get(m.municipality_id)) for m in comp.memberships if m.cluster_id == cluster_id]
    return render(request, "allocation/round_cluster_detail.html", {
        "round": round_,
        "comp": comp,
        "cluster": cluster,
        "out": out,
        "region_out": region_out,
        "contributions": contributions,
        "members": members,
        "funding_population": comp.funding_populations.get(cluster_id),
        "table2_url": _table2_url(round_.year),
    })


def round_reconciliation(request, slug, fmt=None):
    round_ = _round_or_404(slug)
    comp, published = _computed(round_)
    rec = reconcile(comp, published)
    if fmt is not None:
        if not rec.cells:
            messages.error(request, rec.error or "Runden har ingen offentliggjort tabel at afstemme med.")
            return redirect("allocation:round_reconciliation", slug=round_.slug)
        return download(fmt, f"afstemning-{round_.slug}", exports.reconciliation_sheet(rec))
    return render(request, "allocation/reconciliation_detail.html", {
        "round": round_, "comp": comp, "rec": rec, "kind_labels": KIND_LABELS,
        "flagged": [
            (check, rec.deviating_cells_in(check), rec.subtotal_cell(check)) for check in rec.internal_deviations
        ],
    })


def round_shares(request, slug):
    round_ = _round_or_404(slug)
    map_year = map_year_of(round_.year, map_years()) or round_.year  # a 2023 round on the 2022 map
    derivation = derive_shares(map_year, round_.reference_date)
    if request.method == "POST":
        _require_manage(request.user)
        if derivation.problems or not derivation.shares:
            messages.error(request, "Andelene kan ikke afledes: " + " ".join(derivation.problems))
        else:
            try:
                lines = shares_save(
                    year=map_year, shares={d.membership.pk: d.share for d in derivation.shares},
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"Andelene er gemt ({len(lines)} ændret).")
        return redirect("allocation:round_shares", slug=round_.slug)
    return render(request, "allocation/shares_detail.html", {
        "round": round_, "derivation": derivation, "can_manage": can_manage_allocation(request.user),
    })


# --- scenarios ----------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def round_copy(request, slug):
    _require_manage(request.user)
    source = _round_or_404(slug)
    form = RoundCopyForm(
        request.POST or None, years=scenario_years(source.year),
        initial={"name": f"Scenarie: {source.name}", "year": source.year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.round_copy(source=source, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Scenariet «{copy.name}» er oprettet som kladde.")
            return redirect(copy.get_absolute_url())
    return render(request, "allocation/round_form.html", {
        "round": source, "form": form, "title": f"Kopiér «{source.name}» til et scenarie", "submit": "Opret kopi",
    })


def _draft_or_refuse(request, round_):
    if round_.is_published:
        messages.error(request, services.frozen_message(round_))
        return redirect(round_.get_absolute_url())
    return None


@require_http_methods(["GET", "POST"])
def round_edit(request, slug):
    _require_manage(request.user)
    round_ = _round_or_404(slug)
    refused = _draft_or_refuse(request, round_)
    if refused:
        return refused
    form = RoundParametersForm(request.POST or None, initial=RoundParametersForm.initial_for(round_))
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(round_=round_, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Rundens parametre er gemt.")
            return redirect(round_.get_absolute_url())
    return render(request, "allocation/round_form.html", {
        "round": round_, "form": form, "title": "Pulje, fordeling og befolkningsgrundlag", "submit": "Gem",
    })


@require_http_methods(["GET", "POST"])
def round_keys(request, slug):
    _require_manage(request.user)
    round_ = _round_or_404(slug)
    refused = _draft_or_refuse(request, round_)
    if refused:
        return refused
    keys = {k.region_id: k for k in RegionKey.objects.filter(round=round_)}
    form = RegionKeysForm(request.POST or None, regions=Region.objects.all(), keys=keys)
    if request.method == "POST" and form.is_valid():
        try:
            services.region_keys_set(round_=round_, by=request.user, keys=form.keys(), within=form.within())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Regionernes nøgler er gemt.")
            return redirect(round_.get_absolute_url())
    return render(request, "allocation/round_keys_form.html", {"round": round_, "form": form})


@require_http_methods(["GET", "POST"])
def round_cluster_weights(request, slug):
    _require_manage(request.user)
    round_ = _round_or_404(slug)
    refused = _draft_or_refuse(request, round_)
    if refused:
        return refused
    weights = dict(ClusterWeight.objects.filter(round=round_).values_list("cluster_id", "weight"))
    clusters = Cluster.objects.select_related("region").order_by("region__code", "name")
    form = ClusterWeightsForm(request.POST or None, clusters=clusters, weights=weights)
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_weights_set(round_=round_, by=request.user, weights=form.weights())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, "Klyngevægtene er gemt. De bruges i de regioner, der fordeler efter egne vægte."
            )
            return redirect(round_.get_absolute_url())
    return render(request, "allocation/round_form.html", {
        "round": round_, "form": form, "title": "Regionernes egne vægte pr. klynge", "submit": "Gem",
        "intro": "En region, der fordeler efter egne vægte (under nøglerne), fordeler sit beløb på sine klynger "
        "i forhold til disse vægte i stedet for indbyggertallet. Tomt felt: ingen vægt.",
    })


@require_http_methods(["GET", "POST"])
def round_municipality_weights(request, slug):
    _require_manage(request.user)
    round_ = _round_or_404(slug)
    refused = _draft_or_refuse(request, round_)
    if refused:
        return refused
    municipalities = list(Municipality.objects.all())
    current = MunicipalityWeight.objects.filter(round=round_).select_related("municipality")
    initial = "\n".join(f"{w.municipality.code};{format_danish_decimal(w.weight)}" for w in current)
    form = MunicipalityWeightsForm(request.POST or None, municipalities=municipalities, initial={"lines": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.municipality_weights_set(round_=round_, by=request.user, weights=form.cleaned_data["lines"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Kommunevægtene er gemt.")
            return redirect(round_.get_absolute_url())
    return render(request, "allocation/round_form.html", {
        "round": round_, "form": form, "title": "Vægte pr. kommune (fx et socioøkonomisk sundhedsindeks)",
        "submit": "Gem", "intro": "Vægtene kræver kommunernes indbyggertal som befolkningsgrundlag.",
    })


@require_http_methods(["GET", "POST"])
def round_publish(request, slug):
    round_ = _round_or_404(slug)
    if not can_publish_allocation(request.user):
        raise PermissionDenied(services.PUBLISH_REFUSAL)
    refused = _draft_or_refuse(request, round_)
    if refused:
        return refused
    published = selectors.published_round(round_.year)
    if published is not None:
        messages.error(request, services.already_published_message(published))
        return redirect(round_.get_absolute_url())
    if request.method == "POST":
        try:
            services.round_publish(round_=round_, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"«{round_.name}» er offentliggjort og låst.")
        return redirect(round_.get_absolute_url())
    return render(request, "allocation/round_confirm.html", {
        "round": round_, "title": f"Offentliggør «{round_.name}»", "submit": "Offentliggør",
        "text": "En offentliggjort runde er årets fordeling og kan ikke ændres bagefter. Der kan kun være én "
        f"offentliggjort runde for {round_.year}.",
    })


@require_http_methods(["GET", "POST"])
def round_delete(request, slug):
    _require_manage(request.user)
    round_ = _round_or_404(slug)
    refused = _draft_or_refuse(request, round_)
    if refused:
        return refused
    if request.method == "POST":
        try:
            services.round_delete(round_=round_, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(round_.get_absolute_url())
        messages.success(request, f"Scenariet «{round_.name}» er slettet.")
        return redirect("allocation:round_list")
    return render(request, "allocation/round_confirm.html", {
        "round": round_, "title": f"Slet «{round_.name}»", "submit": "Slet", "danger": True,
        "text": "Kladden og dens nøgler og vægte slettes.",
    })


def round_compare(request):
    form = CompareForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        comp_a, comp_b = selectors.compute_round(a), selectors.compute_round(b)
        context.update({
            "a": a, "b": b, "comp_a": comp_a, "comp_b": comp_b,
            "rows": selectors.compare(comp_a, comp_b) if not (comp_a.error or comp_b.error) else [],
        })
    return render(request, "allocation/round_compare.html", context)

