from django.contrib import admin

from .models import HolidayOverride


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    """Next year's 放假/补班 schedule is entered here the day the State Council publishes it."""

    list_display = ("date", "kind", "note", "created_by", "created")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("note",)
    readonly_fields = ("created_by", "created")

    def save_model(self, request, obj, form, change):
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
