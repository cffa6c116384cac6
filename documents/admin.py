from django.contrib import admin

from .models import DraftItem, DraftItemUnit, ExtractionRun, SourceDocument


class ExtractionRunInline(admin.TabularInline):
    model = ExtractionRun
    extra = 0
    fields = ("created", "reader", "item_count", "unresolved_count", "duration_ms")
    readonly_fields = fields
    can_delete = False


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "doc_number", "kind", "issued_date", "status", "created")
    list_filter = ("status", "kind")
    search_fields = ("title", "doc_number", "issuer")
    readonly_fields = ("uploaded_by", "created", "published_at")
    inlines = [ExtractionRunInline]


class DraftItemUnitInline(admin.TabularInline):
    model = DraftItemUnit
    extra = 0
    fields = ("role", "position", "written", "unit", "group", "method", "score")
    autocomplete_fields = ()
    raw_id_fields = ("unit", "group")


@admin.register(DraftItem)
class DraftItemAdmin(admin.ModelAdmin):
    list_display = ("document", "position", "number", "short_text", "state")
    list_filter = ("state",)
    search_fields = ("text", "number", "document__title")
    raw_id_fields = ("document", "run", "merged_into")
    readonly_fields = ("reviewed_by", "reviewed_at")
    inlines = [DraftItemUnitInline]

    @admin.display(description="任务内容")
    def short_text(self, obj: DraftItem) -> str:
        return obj.text[:40]
