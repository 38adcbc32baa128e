import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klyngeportal.settings")
application = get_wsgi_application()

# What the worker loaded at start (Django, the apps and their modules: about 120,000 objects) lives as long as
# the worker. A full garbage collection walks every object not frozen: 60-100 ms on the 2-core machine, about
# once per hundred-odd page requests (a page's figures die in a reference cycle of Django's template context,
# so only the collector frees them), and those requests were the pages' p95. Frozen, a full collection walks
# only what came since (a few ms). Issue 16.
gc.collect()
gc.freeze()
