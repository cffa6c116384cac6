from django.apps import AppConfig


class DubanConfig(AppConfig):
    """The project's own checks (config/checks.py); config holds no models."""

    name = "config"
    label = "duban_config"
    verbose_name = "督办"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the static-manifest system check
        from .middleware import stamp_session_at_login

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="duban-session-clock")
