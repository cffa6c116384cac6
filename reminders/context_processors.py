from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The bell's unread count in the header: one indexed COUNT per request, and only when shown.

    Pages render row partials with the request context too, so the count is remembered on the
    request instead of being asked again for every partial.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "_notification_count"):
        request._notification_count = SimpleLazyObject(lambda: user.notifications.filter(read_at__isnull=True).count())
    return {"notification_count": request._notification_count}
