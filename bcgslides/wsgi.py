"""WSGI entry point (gunicorn, runserver).

The anonymous `/api/health` of load balancers is answered before Django's
request cycle when the host's snapshot is fresh (operations/health_wsgi.py);
every other request goes to Django.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcgslides.settings")
django_application = get_wsgi_application()

from operations.health_wsgi import HealthAnswer  # noqa: E402  (needs the settings loaded above)

application = HealthAnswer(django_application)
