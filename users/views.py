"""The login pages around Django's own auth views: the lockout page and "Glemt adgangskode?"."""
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail; the link starts with SITE_URL when it is set (else the request's host)."""

    email_template_name = "registration/password_reset_email.txt"

    @property
    def extra_email_context(self) -> dict:
        # SITE_URL comes with issue 11 (the e-mails of the review); until it is set, the request's host.
        return {"site_url": getattr(settings, "SITE_URL", "")}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The Danish page django-axes answers a locked-out login with (AXES_LOCKOUT_CALLABLE), 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
