from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "提醒与督办"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the 批示 and @mention messages
