from django.urls import path
from django.views.generic import TemplateView

app_name = "review"

urlpatterns = [
    path("erfaringer/", TemplateView.as_view(template_name="placeholder.html"), name="collection"),
    path("mine-opgaver/", TemplateView.as_view(template_name="placeholder.html"), name="inbox"),
]
