from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from . import signals
from .models import User


@admin.register(User)
class DubanUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "email", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("督办", {"fields": ("full_name", "role", "phone")}),
    )

    def user_change_password(self, request, id, form_url=""):
        """An administrator setting someone's password is logged like a password change."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            signals.password_changed.send(
                sender=type(self), user=user, request=request, how=f"管理员 {request.user.get_username()} 重设"
            )
        return response
