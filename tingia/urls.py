from django.conf import settings
from django.urls import include, path
from django.views.static import serve

from publishing import views as publishing_views

from .api import api

urlpatterns = [
    # First: partner reports arrive hundreds a second, and every pattern tried before costs a regex.
    path("api/v1/", api.urls),
    path("", publishing_views.home, name="home"),
    path("", include("publishing.urls")),
    path("staff/thong-ke/", publishing_views.staff_statistics, name="staff_statistics"),
    path("", include("intake.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("core.staff_urls")),
    path("staff/claims/", include("verification.urls")),
    path("staff/hotline/", include("hotline.urls")),
    path("", include("verification.public_urls")),
]

if "django.contrib.admin" in settings.INSTALLED_APPS:
    from django.contrib import admin

    urlpatterns.append(path("django-admin/", admin.site.urls))

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
