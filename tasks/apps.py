from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "任务"

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401 - connects the signal receivers
            tables_speed,
        )

        tables_speed.install()
