"""Admin for the review: comments view-only (append-only down to the database); evaluations editable,
their history GET only."""
from django.contrib import admin

from klyngeportal.admin_guard import HistoryAdmin, ReadOnlyAdmin
from review.models import Comment, Evaluation, SpreadingDecision


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("cluster_year", "author", "at")
    list_select_related = ("cluster_year__cluster__region", "author")
    list_filter = ("cluster_year__year", "cluster_year__cluster__region")
    search_fields = ("text", "cluster_year__cluster__name")


class SpreadingDecisionInline(admin.TabularInline):
    model = SpreadingDecision
    extra = 0
    readonly_fields = ("at",)
    raw_id_fields = ("by",)


@admin.register(Evaluation)
class EvaluationAdmin(HistoryAdmin):
    list_display = ("initiative", "year", "status", "updated_at", "updated_by")
    list_select_related = ("initiative__cluster__region", "updated_by")
    list_filter = ("status", "year", "initiative__cluster__region")
    search_fields = ("initiative__name", "challenge", "result")
    raw_id_fields = ("initiative", "created_by", "updated_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = [SpreadingDecisionInline]


@admin.register(SpreadingDecision)
class SpreadingDecisionAdmin(admin.ModelAdmin):
    list_display = ("evaluation", "decision", "by", "at")
    list_select_related = ("evaluation__initiative", "by")
    list_filter = ("decision",)
    readonly_fields = ("at",)
    raw_id_fields = ("evaluation", "by")
