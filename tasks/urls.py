from django.urls import path
from django.views.generic import RedirectView

from . import views
from .views import creating

app_name = "tasks"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("my/", views.my_work, name="my_work"),
    # The 统计 page became the 统计看板 (dashboard app); old bookmarks land there.
    path("stats/", RedirectView.as_view(pattern_name="dashboard:index", query_string=True), name="stats"),
    path("new/", creating.create, name="create"),
    path("publish/<int:document_id>/", views.publish, name="publish"),
    path("<int:task_id>/", views.detail, name="detail"),
    path("<int:task_id>/edit/", views.edit, name="edit"),
    path("<int:task_id>/instructions/", views.instruct, name="instruct"),
    path("<int:task_id>/comments/", views.comment, name="comment"),
    path("<int:task_id>/assignments/add/", views.add_assignment, name="add_assignment"),
    path("assignments/<int:assignment_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("assignments/<int:assignment_id>/report/", views.report, name="report"),
    path("assignments/<int:assignment_id>/complete/", views.complete, name="complete"),
    path("assignments/<int:assignment_id>/review/", views.review, name="review"),
    path("assignments/<int:assignment_id>/extension/", views.request_extension, name="request_extension"),
    path("assignments/<int:assignment_id>/reassign/", views.reassign, name="reassign"),
    path("assignments/<int:assignment_id>/deadline/", views.change_deadline, name="change_deadline"),
    path("assignments/<int:assignment_id>/remove/", views.remove_assignment, name="remove_assignment"),
    path("assignments/<int:assignment_id>/role/", views.set_role, name="set_role"),
    path("assignments/<int:assignment_id>/on-behalf/", views.on_behalf, name="on_behalf"),
    path("extensions/<int:extension_id>/decide/", views.decide_extension, name="decide_extension"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
]
