from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    default_auto_field = "django.db.models.BigAutoField"
