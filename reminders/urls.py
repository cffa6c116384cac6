from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("messages/", views.messages_page, name="messages"),
    path("messages/<int:notification_id>/read/", views.read_one, name="read"),
    path("messages/read-all/", views.read_all, name="read_all"),
    path("policy/", views.policy_page, name="policy"),
    path("no-recipient/", views.no_recipient, name="no_recipient"),
    path("orders/", views.orders, name="orders"),
    path("urge/<int:assignment_id>/", views.urge, name="urge"),
]
