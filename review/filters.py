"""The filters of the national collection of good experiences."""
import django_filters
from django.db.models import Q

from accounts.models import InitiativeArea
from geography.models import Cluster, Region
from review.models import Evaluation, EvaluationStatus, SpreadingChoice

NO_DECISION = "none"


def area_choices():
    names = InitiativeArea.objects.order_by("name").values_list("name", flat=True).distinct()
    return [(name, name) for name in names]


def year_choices():
    years = Evaluation.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(year, str(year)) for year in years]


class CollectionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Søg", method="search")
    area = django_filters.ChoiceFilter(
        label="Indsatsområde", field_name="initiative__area__name", choices=area_choices, empty_label="Alle"
    )
    region = django_filters.ModelChoiceFilter(
        label="Region", field_name="initiative__cluster__region", queryset=Region.objects.all(), empty_label="Alle"
    )
    cluster = django_filters.ModelChoiceFilter(
        label="Klynge", field_name="initiative__cluster",
        queryset=Cluster.objects.select_related("region"), empty_label="Alle",
    )
    year = django_filters.ChoiceFilter(label="År", choices=year_choices, empty_label="Alle")
    status = django_filters.ChoiceFilter(label="Status", choices=EvaluationStatus.choices, empty_label="Alle")
    decision = django_filters.ChoiceFilter(
        label="Udbredelse",
        choices=[*SpreadingChoice.choices, (NO_DECISION, "Ingen beslutning endnu")],
        empty_label="Alle",
        method="filter_decision",
    )

    class Meta:
        model = Evaluation
        fields = ["q", "area", "region", "cluster", "year", "status", "decision"]

    def search(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            condition &= (
                Q(initiative__name__icontains=word)
                | Q(initiative__description__icontains=word)
                | Q(challenge__icontains=word)
                | Q(success_criteria__icontains=word)
                | Q(measurement__icontains=word)
                | Q(result__icontains=word)
                | Q(decisions__reasons__icontains=word)
            )
        # The join over decisions can repeat an evaluation; keep each once.
        return queryset.filter(pk__in=Evaluation.objects.filter(condition).values("pk"))

    def filter_decision(self, queryset, name, value):
        if value == NO_DECISION:
            return queryset.filter(current_decision__isnull=True)
        return queryset.filter(current_decision=value)
