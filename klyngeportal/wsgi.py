import os

from django.core.wsgi import get_wsgi_application

from klyngeportal.memory import freeze_long_lived, warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klyngeportal.settings")
application = get_wsgi_application()

# Load what lives as long as the worker, then freeze it out of the garbage collector's walks
# (klyngeportal/memory.py: full collections were the pages' p95).
warm_up()
freeze_long_lived()
