from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from users.models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "get_full_name", "role", "cluster", "region", "is_active")
    list_filter = ("role", "region", "is_active")
    list_select_related = ("cluster__region", "region")
    fieldsets = UserAdmin.fieldsets + (("Rolle i portalen", {"fields": ("role", "cluster", "region")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Rolle i portalen", {"fields": ("role", "cluster", "region")}),)
