from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError

from users.models import Role, User


class PortalUserChangeForm(UserChangeForm):
    """Only the administrator role opens the admin: staff and superuser follow the role."""

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

    def save_model(self, request, obj, form, change):
        if obj.role == Role.ADMIN:
            obj.is_staff = obj.is_superuser = True
        super().save_model(request, obj, form, change)
