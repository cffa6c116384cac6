from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("export/", views.export, name="export"),
    path("export/my/", views.export_my_work, name="export_my_work"),
    path("jobs/<str:token>/", views.job, name="job"),
    path("jobs/<str:token>/status/", views.job_status, name="job_status"),
    path("jobs/<str:token>/download/", views.job_download, name="job_download"),
    path("progress/", views.progress, name="progress"),
    path("progress/workbook/", views.unit_workbook, name="unit_workbook"),
    path("progress/upload/", views.upload, name="upload"),
    path("progress/<int:import_id>/", views.preview, name="preview"),
    path("progress/<int:import_id>/confirm/", views.confirm, name="confirm"),
    path("report/", views.monthly_report, name="report"),
]
