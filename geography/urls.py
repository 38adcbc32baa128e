from django.urls import path

from geography import views

app_name = "geography"

urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("tabel-2/", views.table2, name="table2"),
    path("kommune/<int:code>/", views.municipality_detail, name="municipality_detail"),
    path("<slug:slug>/", views.region_detail, name="region_detail"),
    path("<slug:region_slug>/<slug:cluster_slug>/", views.cluster_detail, name="cluster_detail"),
]
