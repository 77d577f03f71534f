from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - registers the retention purgers
