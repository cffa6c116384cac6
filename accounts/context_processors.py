def navigation(request):
    """The navigation bar: which sections this person may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unit": user.unit,
        "nav_is_supervisor": user.is_supervisor,
        "nav_reads_everything": user.reads_everything,
    }
