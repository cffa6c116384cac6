def notifications(request):
    """The bell's unread count in the header (one indexed COUNT per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_count": user.notifications.filter(read_at__isnull=True).count()}
