from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "文件"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the signal receivers
