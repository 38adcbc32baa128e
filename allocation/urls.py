from django.urls import path, register_converter

from allocation import views

app_name = "allocation"


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("sammenlign/", views.round_compare, name="round_compare"),
    path("<slug:slug>/", views.round_detail, name="round_detail"),
    path("<slug:slug>/eksport/fordeling.<fmt:fmt>", views.round_export, {"what": "fordeling"}, name="round_export"),
    path(
        "<slug:slug>/eksport/kommuner.<fmt:fmt>", views.round_export, {"what": "kommuner"},
        name="round_export_municipalities",
    ),
    path("<slug:slug>/klynge/<int:cluster_id>/", views.round_cluster, name="round_cluster"),
    path("<slug:slug>/afstemning/", views.round_reconciliation, name="round_reconciliation"),
    path(
        "<slug:slug>/afstemning/afstemning.<fmt:fmt>", views.round_reconciliation,
        name="round_reconciliation_export",
    ),
    path("<slug:slug>/koebenhavn/", views.round_shares, name="round_shares"),
    path("<slug:slug>/kopier/", views.round_copy, name="round_copy"),
    path("<slug:slug>/rediger/", views.round_edit, name="round_edit"),
    path("<slug:slug>/noegler/", views.round_keys, name="round_keys"),
    path("<slug:slug>/klyngevaegte/", views.round_cluster_weights, name="round_cluster_weights"),
    path("<slug:slug>/kommunevaegte/", views.round_municipality_weights, name="round_municipality_weights"),
    path("<slug:slug>/offentliggoer/", views.round_publish, name="round_publish"),
    path("<slug:slug>/slet/", views.round_delete, name="round_delete"),
]
