from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = "工作日"

    def ready(self) -> None:
        from . import calendar  # noqa: F401 - connects the receiver that clears the cache
