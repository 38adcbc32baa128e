from django.urls import path

from accounts import views
from accounts.views.phasing import budget_phasing
from klyngeportal import converters  # noqa: F401 - registers <year:...>, a year with a cluster map

app_name = "accounts"

urlpatterns = [
    path("", views.cluster_year_list, name="cluster_year_list"),
    path("opret/<int:cluster_id>/<year:year>/", views.cluster_year_open, name="cluster_year_open"),
    path("<int:pk>/", views.cluster_year_detail, name="cluster_year_detail"),
    path("<int:pk>/posteringer/", views.EntryListView.as_view(), name="entry_list"),
    path("<int:pk>/posteringer/ny/", views.entry_create, name="entry_create"),
    path("<int:pk>/posteringer/<int:entry_pk>/tilbagefoer/", views.entry_reverse, name="entry_reverse"),
    path("<int:pk>/indsatser/ny/", views.initiative_create, name="initiative_create"),
    path("<int:pk>/indsatser/<int:initiative_pk>/", views.initiative_edit, name="initiative_edit"),
    path("<int:pk>/finansiering/foreslaa/", views.funding_propose, name="funding_propose"),
    path("<int:pk>/finansiering/ny/", views.funding_create, name="funding_create"),
    path("<int:pk>/finansiering/<int:line_pk>/", views.funding_edit, name="funding_edit"),
    path("<int:pk>/finansiering/<int:line_pk>/fordel/", views.funding_split, name="funding_split"),
    path("<int:pk>/budget/", views.budget_list, name="budget_list"),
    path("<int:pk>/budget/ny/", views.budget_create, name="budget_create"),
    path("<int:pk>/budget/<int:line_pk>/", views.budget_edit, name="budget_edit"),
    path("<int:pk>/budget/<int:line_pk>/periodisering/", budget_phasing, name="budget_phasing"),
    path("<int:pk>/viderefoersel/", views.carryover, name="carryover"),
    path("<int:pk>/afslut/", views.year_close, name="year_close"),
    path("<int:pk>/genaabn/", views.year_reopen, name="year_reopen"),
    path("<int:pk>/historik/", views.history, name="history"),
]
