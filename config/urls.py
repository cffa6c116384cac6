from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views

from . import health

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("units/", include("units.urls")),
    path("documents/", include("documents.urls")),
    path("tasks/", include("tasks.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("search/", include("search.urls")),
    path("audit/", include("audit.urls")),
    path("reminders/", include("reminders.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files (documents, evidence) are never served from /media/: they are government
# papers, downloaded only through views that check who may read them.

admin.site.site_header = "督办 管理后台"
admin.site.site_title = "督办"
admin.site.index_title = "管理"
