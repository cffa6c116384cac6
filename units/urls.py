from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/aliases/", views.alias_add, name="alias_add"),
    path("unresolved/", views.unresolved, name="unresolved"),
    path("unresolved/<int:pk>/map/", views.unresolved_map, name="unresolved_map"),
    path("merge/", views.merge, name="merge"),
]
