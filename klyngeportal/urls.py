from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from klyngeportal import (
    converters,  # noqa: F401 - registers <year:...> before the apps' URLs load
    views,
)
from users import views as user_views

admin.site.site_header = "Klyngeportal – administration"
admin.site.site_title = "Klyngeportal"
admin.site.index_title = "Referencedata, brugere og regnskaber"

urlpatterns = [
    path("", views.home, name="home"),
    path("sundhed/", views.health, name="health"),
    # The accessibility statement (webtilgængelighedsloven): open to everyone, linked from every page's footer.
    path(
        "tilgaengelighedserklaering/",
        login_not_required(TemplateView.as_view(
            template_name="accessibility_statement.html",
            extra_context={"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
        )),
        name="accessibility_statement",
    ),
    path("log-ind/", auth_views.LoginView.as_view(), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    # "Glemt adgangskode?": Django's reset by e-mail with the Danish templates of templates/registration.
    path("adgangskode/glemt/", user_views.PasswordResetView.as_view(), name="password_reset"),
    path("adgangskode/glemt/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "adgangskode/ny/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("adgangskode/ny/gemt/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("geografi/", include("geography.urls")),
    path("fordeling/", include("allocation.urls")),
    path("regnskab/", include("accounts.urls")),
    path("opfoelgning/", include("review.urls")),
    path("excel/", include("workbook.urls")),
    path("admin/", admin.site.urls),
]
