from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from users.models import Role, User


def _when(at) -> str:
    return f"{timezone.localtime(at):%d.%m.%Y %H:%M}" if at else "–"


def _danish_axes_names() -> None:
    """django-axes names its records in English with an ISO time («Access Log for sek_a @ 2026-12-02 03:05:03
    +00:00»); the admin shows that name in titles and labels. Display only: nothing stored changes."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.__str__ = lambda self: f"Mislykkede loginforsøg: {self.username} {_when(self.attempt_time)}"
    AccessLog.__str__ = lambda self: f"Login: {self.username} {_when(self.attempt_time)}"
    AccessFailureLog.__str__ = lambda self: (
        f"Mislykket login: {self.username} {_when(self.attempt_time)}" + (" (spærret)" if self.locked_out else "")
    )


_danish_axes_names()

PERMISSION_ACTIONS = {"add": "Kan tilføje", "change": "Kan ændre", "delete": "Kan slette", "view": "Kan se"}


def permission_label(permission) -> str:
    """A permission in Danish: «Klyngeregnskab | postering | Kan se». Django stores its names in English
    («Can view entry»); the codename's action and the model's Danish verbose name say the same."""
    action, _, _ = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if model is None or action not in PERMISSION_ACTIONS:
        return str(permission)
    name = str(model._meta.verbose_name)
    if name.startswith("historical "):  # django-simple-history's own models
        name = f"historik for {name.removeprefix('historical ')}"
    return f"{model._meta.app_config.verbose_name} | {name} | {PERMISSION_ACTIONS[action]}"


class PortalUserChangeForm(UserChangeForm):
    """Only the administrator role opens the admin: staff and superuser follow the role."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        permissions = self.fields.get("user_permissions")
        if permissions is not None:
            permissions.label_from_instance = permission_label

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.ADMIN:
            cleaned["is_staff"] = True
            cleaned["is_superuser"] = True
        elif cleaned.get("is_staff") or cleaned.get("is_superuser"):
            raise ValidationError(
                "Kun rollen administrator giver adgang til administrationen; "
                "fjern «Admin-status» og «Superbrugerstatus» eller vælg rollen administrator."
            )
        return cleaned


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    form = PortalUserChangeForm
    list_display = ("username", "get_full_name", "role", "cluster", "region", "is_active")
    list_filter = ("role", "region", "is_active")
    list_select_related = ("cluster__region", "region")
    fieldsets = UserAdmin.fieldsets + (("Rolle i portalen", {"fields": ("role", "cluster", "region")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Rolle i portalen", {"fields": ("role", "cluster", "region")}),)

    @admin.display(description="fulde navn", ordering="last_name")
    def get_full_name(self, obj):
        return obj.get_full_name()

    def save_model(self, request, obj, form, change):
        if obj.role == Role.ADMIN:
            obj.is_staff = obj.is_superuser = True
        super().save_model(request, obj, form, change)
