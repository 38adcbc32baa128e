"""Settings for Klyngeportal, read from the environment.

Development defaults: SQLite in the project folder, DEBUG on. Production sets
SECRET_KEY, DEBUG=0, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS and DATABASE_URL.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY skal være sat, når DEBUG er slået fra.")
    SECRET_KEY = "dev-only-insecure-key-klyngeportal-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "klyngeportal",
    "users",
    "geography",
    "allocation",
    "accounts",
    "review",
    "workbook",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header of SECURE_CSP on every answer (static files included).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A 405 (GET on a POST-only address) answers the portal's Danish page, Allow header kept.
    "klyngeportal.middleware.MethodNotAllowedPage",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the Danish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "klyngeportal.urls"
WSGI_APPLICATION = "klyngeportal.wsgi.application"
ASGI_APPLICATION = "klyngeportal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "klyngeportal.context_processors.access",
            ],
            "builtins": ["klyngeportal.templatetags.danish"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# Parallel runs against one PostgreSQL server can pick their own test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"
# django-simple-history's admin shows earlier versions without a "Gendan" button; the POST itself is
# refused by klyngeportal.admin_guard.HistoryAdmin (the setting only hides the button).
SIMPLE_HISTORY_REVERT_DISABLED = True

# django-axes first: it refuses a locked-out username or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A "Glemt adgangskode?" link works for a day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# Login lockout (django-axes; its state is in the database, shared by every gunicorn worker):
# 5 wrong passwords for one username, or from one client address, close logins for it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The Danish lockout page (429) with the cool-off in minutes.
AXES_LOCKOUT_CALLABLE = "users.views.lockout_response"
# Behind TRUSTED_PROXY_COUNT reverse proxies the client's address is read from X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "users.logins.client_ip_address"

# Content-Security-Policy: only the portal's own files; no inline script or style, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Danish UI: 1.234.567,89 and decimal comma on input.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Danish for the admin texts of django-simple-history and django-axes, which ship none (locale/da).
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as dd.mm.åååå (HH:MM) everywhere, the admin included (klyngeportal/format_modules/da).
FORMAT_MODULE_PATH = ["klyngeportal.format_modules"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            # pytest sets PYTEST_VERSION: tests serve from the finders without collectstatic.
            if env_bool("PLAIN_STATIC", False) or "PYTEST_VERSION" in os.environ
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and development serve straight from the finders; no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("WHITENOISE_USE_FINDERS", False)
# pytest turns DEBUG off without a collected STATIC_ROOT: look files up per request there too.
WHITENOISE_AUTOREFRESH = DEBUG or "PYTEST_VERSION" in os.environ
WHITENOISE_MANIFEST_STRICT = False

# Development prints e-mail to the console; production sends through SMTP (EMAIL_HOST ...).
EMAIL_BACKEND_NAME = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME}}
if EMAIL_BACKEND_NAME == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "klyngeportal@localhost")
# Named in the tilgængelighedserklæring as the written contact about accessibility.
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)


def clean_site_url(value: str) -> str:
    """The portal's address for links in e-mails: scheme and host (and port), no trailing slash; or empty.

    A path is refused: the links are SITE_URL + a reversed path, which carries any script prefix itself.
    """
    from urllib.parse import urlsplit

    given = value.strip()
    value = given.rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port that is not a number
        port_ok = False
    if (not port_ok or parts.scheme not in {"http", "https"} or not parts.hostname
            or parts.path or parts.query or parts.fragment or "@" in parts.netloc):
        raise RuntimeError(
            "SITE_URL skal være portalens adresse med http:// eller https:// og uden sti, "
            f"fx https://klynge.example.dk (er {given!r})."
        )
    return value


# E-mails link to SITE_URL + the page's path; empty (development) gives links relative to the site.
SITE_URL = clean_site_url(os.environ.get("SITE_URL", ""))

# Uploads: the Excel template import refuses larger files itself with a Danish message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
XLSX_IMPORT_MAX_BYTES = int(os.environ.get("XLSX_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The health check (docker-compose, load balancers) asks over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^sundhed/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
