import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstream.settings")

application = get_wsgi_application()

# A missing or wrong data key stops the server before it answers a request.
from django.conf import settings  # noqa: E402

from upstream.core.keys import verify_on_startup  # noqa: E402

if not settings.TESTING:
    verify_on_startup()
