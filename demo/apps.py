from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`load_demo`) and the login page's list of demo accounts. Nothing imports it."""

    name = "demo"
    verbose_name = "演示数据"
