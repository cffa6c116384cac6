def navigation(request):
    """The navigation bar: which sections this person may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_section": _section(request),
        "nav_unit": user.unit,
        "nav_is_supervisor": user.is_supervisor,
        "nav_reads_everything": user.reads_everything,
    }


# The navigation entry each screen belongs to (aria-current="page" on it), by URL name.
_SECTIONS = {
    "tasks": {"my_work": "my_work"},
    "dashboard": {"workbench": "workbench"},
    "ledgers": {},
    "audit": {},
    "documents": {},
    "units": {},
}


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.url_name in ("password_change", "password_change_done"):
        return "account"
    if match.app_name == "tasks":
        return _SECTIONS["tasks"].get(match.url_name, "ledger")
    if match.app_name == "dashboard":
        return _SECTIONS["dashboard"].get(match.url_name, "dashboard")
    return match.app_name if match.app_name in _SECTIONS else ""
