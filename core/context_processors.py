from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"HOTLINE": "18008108", "SITE_URL": settings.SITE_URL, "DEBUG": settings.DEBUG}
