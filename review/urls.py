from django.urls import path

from klyngeportal import converters  # noqa: F401 - registers <year:...>, a year with a cluster map
from review import views

app_name = "review"

urlpatterns = [
    path("erfaringer/", views.collection, name="collection"),
    path("mine-opgaver/", views.inbox, name="inbox"),
    path("region/<slug:region_slug>/<year:year>/", views.region_detail, name="region"),
    path("regnskab/<int:pk>/", views.cluster_year_detail, name="cluster_year"),
    path("regnskab/<int:pk>/kommentar/", views.comment_add, name="comment_add"),
    path("regnskab/<int:pk>/<slug:action>/", views.transition, name="transition"),
    path("indsats/<int:initiative_pk>/evaluering/<year:year>/", views.evaluation_edit, name="evaluation_edit"),
    path("evaluering/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
]
