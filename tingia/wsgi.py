import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tingia.settings")
application = get_wsgi_application()

from core.middleware import with_api_fast_path  # noqa: E402 - needs the settings configured above

application = with_api_fast_path(application)
