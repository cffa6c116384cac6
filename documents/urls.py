from django.urls import path

from . import views, views_items, views_manual

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("paste/", views_manual.paste, name="paste"),
    path("<int:pk>/items/new/", views_manual.add_item, name="add_item"),
    path("units/options/", views_items.unit_options, name="unit_options"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/file/", views.download, name="download"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/accept-resolved/", views.accept_all, name="accept_all"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("items/<int:item_id>/", views_items.item_row, name="item_row"),
    path("items/<int:item_id>/edit/", views_items.item_edit, name="item_edit"),
    path("items/<int:item_id>/accept/", views_items.item_accept, name="item_accept"),
    path("items/<int:item_id>/reject/", views_items.item_reject, name="item_reject"),
    path("items/<int:item_id>/reopen/", views_items.item_reopen, name="item_reopen"),
    path("items/<int:item_id>/split/", views_items.item_split, name="item_split"),
    path("items/<int:item_id>/units/add/", views_items.item_add_unit, name="item_add_unit"),
    path("item-units/<int:pk>/fix/", views_items.unit_fix, name="unit_fix"),
    path("item-units/<int:pk>/remove/", views_items.unit_remove, name="unit_remove"),
    path("item-units/<int:pk>/role/", views_items.unit_role, name="unit_role"),
]
