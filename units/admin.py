from django.contrib import admin

from .models import GroupAlias, Membership, Unit, UnitAlias, UnitEvent, UnitGroup, UnresolvedName


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1
    fields = ("alias", "created_by", "created")
    readonly_fields = ("created_by", "created")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class GroupAliasInline(admin.TabularInline):
    model = GroupAlias
    extra = 1
    fields = ("alias", "created_by", "created")
    readonly_fields = ("created_by", "created")


def _save_alias_inlines(request, formset):
    """Aliases added in the admin record who added them."""
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    for obj in instances:
        if isinstance(obj, UnitAlias | GroupAlias) and obj.created_by_id is None:
            obj.created_by = request.user
        obj.save()
    formset.save_m2m()


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "parent", "active", "successor", "sort_order")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "aliases__alias")
    autocomplete_fields = ("parent", "successor")
    inlines = (UnitAliasInline, MembershipInline)
    list_editable = ("sort_order",)

    def save_formset(self, request, form, formset, change):
        _save_alias_inlines(request, formset)


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "unit", "created_by", "created")
    search_fields = ("alias", "unit__name", "unit__short_name")
    autocomplete_fields = ("unit",)
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kinds", "needs_confirmation")
    list_filter = ("needs_confirmation",)
    search_fields = ("name", "aliases__alias")
    filter_horizontal = ("members",)
    inlines = (GroupAliasInline,)

    def save_formset(self, request, form, formset, change):
        _save_alias_inlines(request, formset)


@admin.register(GroupAlias)
class GroupAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "group", "created_by", "created")
    search_fields = ("alias", "group__name")
    readonly_fields = ("created_by",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__short_name")
    autocomplete_fields = ("user", "unit")


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ("at", "unit", "action", "actor", "detail")
    list_filter = ("action",)
    search_fields = ("unit__name", "detail")
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False  # history is written by the services, never edited


@admin.register(UnresolvedName)
class UnresolvedNameAdmin(admin.ModelAdmin):
    list_display = ("text", "occurrences", "first_seen", "resolved_unit", "resolved_group", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    search_fields = ("text", "context")
    autocomplete_fields = ("resolved_unit",)
