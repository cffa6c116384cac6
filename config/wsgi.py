import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# gunicorn does not run system checks: refuse to serve with a missing or stale static manifest.
from config.checks import refuse_to_start_without_manifest  # noqa: E402 - needs the app loaded
from config.uploads import clean_upload_temp  # noqa: E402

refuse_to_start_without_manifest()
# Temporary uploads a killed server left behind (config/uploads.py).
clean_upload_temp()
