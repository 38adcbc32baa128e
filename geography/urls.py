from django.urls import path

from geography import views

app_name = "geography"

urlpatterns = [
    path("", views.region_list, name="region_list"),
]
