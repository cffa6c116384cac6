from django.contrib import admin

from .models import ExportJob, ProgressImport


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("created", "requested_by", "kind", "state", "done_rows", "total_rows", "expires_at")
    list_filter = ("state", "kind")
    readonly_fields = [f.name for f in ExportJob._meta.fields]


@admin.register(ProgressImport)
class ProgressImportAdmin(admin.ModelAdmin):
    list_display = ("created", "uploaded_by", "original_name", "applied_at")
    readonly_fields = ("uploaded_by", "original_name", "created", "applied_at", "result")
    exclude = ("parsed",)
