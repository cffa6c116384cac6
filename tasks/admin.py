from django.contrib import admin

from .models import (
    Assignment,
    Comment,
    ExtensionRequest,
    Indicator,
    Instruction,
    ProgressReport,
    Task,
    TaskChange,
    TaskEvent,
)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("unit", "role", "deadline", "original_deadline", "state", "percent", "version")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    """Read-mostly: workflow changes go through the screens so history is written."""

    list_display = ("number", "display_title", "source_document", "deadline", "state")
    list_filter = ("state", "reporting_cycle", "source_document")
    search_fields = ("text", "title", "number")
    raw_id_fields = ("source_document", "source_item", "created_by")
    inlines = [AssignmentInline]

    def has_delete_permission(self, request, obj=None):
        # Deleting a task would delete its history (办理记录) with it.
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("task", "unit", "role", "deadline", "state", "percent")
    list_filter = ("state", "role")
    search_fields = ("task__text", "unit__name")
    raw_id_fields = ("task", "unit", "acknowledged_by")
    readonly_fields = ("version",)


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("assignment", "period", "percent", "is_consolidated", "review_state", "created")
    list_filter = ("review_state", "is_consolidated")
    raw_id_fields = ("assignment", "author", "reviewed_by")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("assignment", "deadline_before", "requested_deadline", "state", "requested_at")
    list_filter = ("state",)
    raw_id_fields = ("assignment", "requested_by", "decided_by")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "target", "actual", "unit", "task")
    list_filter = ("year",)
    search_fields = ("name",)
    raw_id_fields = ("task", "source_document", "unit")


class TaskChangeInline(admin.TabularInline):
    model = TaskChange
    extra = 0
    readonly_fields = ("field", "old_value", "new_value")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TaskEvent)
class TaskEventAdmin(admin.ModelAdmin):
    list_display = ("at", "task", "assignment", "actor", "action")
    list_filter = ("action",)
    raw_id_fields = ("task", "assignment", "actor")
    inlines = [TaskChangeInline]

    # History is read-only: no one adds, edits or deletes it in the admin (audit/ shows it).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    list_display = ("task", "author", "created")
    search_fields = ("text", "task__text")
    raw_id_fields = ("task", "author")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("task", "author", "author_unit", "created")
    search_fields = ("text", "task__text")
    raw_id_fields = ("task", "author", "author_unit", "mentioned_units")
