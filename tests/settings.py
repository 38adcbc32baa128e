"""The settings the test suite runs with: the portal's own settings, and a fast password hasher.

Test users need no strong hashing; the default costs a second per user on a busy machine. This is
the one place that says so. Subprocesses that check the production settings (tests/deploy, bench)
set DJANGO_SETTINGS_MODULE=klyngeportal.settings themselves and are not affected.
"""
from klyngeportal.settings import *  # noqa: F403 - the portal's settings, overridden below

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
