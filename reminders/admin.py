from django.contrib import admin

from .models import Delivery, Notification, Reminder, ReminderPolicy, SupervisionOrder, UnitWebhook


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "lead_days", "overdue_every", "send_hour", "daily_cap", "updated")

    def has_add_permission(self, request):
        return not ReminderPolicy.objects.exists()


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("assignment", "kind", "level", "period", "planned_for", "no_recipient", "claimed_at", "sent_at")
    list_filter = ("kind", "level", "no_recipient", "planned_for")
    raw_id_fields = ("assignment", "created_by")
    search_fields = ("assignment__unit__name", "assignment__task__title")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "title", "level", "created", "read_at")
    list_filter = ("level",)
    raw_id_fields = ("recipient", "task")
    filter_horizontal = ()
    exclude = ("reminders",)


@admin.register(UnitWebhook)
class UnitWebhookAdmin(admin.ModelAdmin):
    list_display = ("unit", "kind", "active", "created")
    list_filter = ("kind", "active")
    raw_id_fields = ("unit",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("channel", "subject", "address", "state", "attempts", "created", "sent_at")
    list_filter = ("channel", "state")
    raw_id_fields = ("notification", "webhook")


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "unit", "task", "leader_name", "state", "created", "closed_at")
    list_filter = ("state", "year")
    raw_id_fields = ("assignment", "task", "unit", "reminder", "created_by")
