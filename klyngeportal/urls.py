from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from klyngeportal import views

admin.site.site_header = "Klyngeportal – administration"
admin.site.site_title = "Klyngeportal"
admin.site.index_title = "Referencedata, brugere og regnskaber"

urlpatterns = [
    path("", views.home, name="home"),
    path("sundhed/", views.health, name="health"),
    path("log-ind/", auth_views.LoginView.as_view(), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("geografi/", include("geography.urls")),
    path("fordeling/", include("allocation.urls")),
    path("regnskab/", include("accounts.urls")),
    path("opfoelgning/", include("review.urls")),
    path("excel/", include("workbook.urls")),
    path("admin/", admin.site.urls),
]
