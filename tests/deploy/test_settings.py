"""Production settings: check --deploy, the health endpoint, DATABASE_URL, static files, the CSP."""
import json
import re

import pytest
from django.conf import settings

from tests.deploy.conftest import ROOT, production_env, run, run_django, subprocess_env


def test_check_deploy_is_clean_with_production_values():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 subprocess_env(**production_env()))
    output = result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output and "ERRORS" not in output


def test_production_refuses_to_start_without_secret_key():
    env = subprocess_env(**production_env())
    env.pop("SECRET_KEY")
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY skal være sat" in result.stderr


@pytest.mark.django_db
def test_health_answers_ok_without_login(client):
    response = client.get("/sundhed/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    # while an ordinary page sends the anonymous visitor to the login page
    assert client.get("/").status_code == 302


HEALTH_PROBE = """
import json
from django.test import Client
c = Client()
health = c.get("/sundhed/", HTTP_HOST="127.0.0.1")
login = c.get("/log-ind/", HTTP_HOST="klyngeportal.example.dk")
print(json.dumps({"health": health.status_code, "body": health.content.decode(),
                  "login": login.status_code, "login_to": login.get("Location", "")}))
"""


def test_health_over_plain_http_in_production_while_pages_redirect_to_https():
    """docker-compose asks http://127.0.0.1:8000/sundhed/ inside the container."""
    out = run_django(HEALTH_PROBE, subprocess_env(**production_env()))
    assert out["health"] == 200, out
    assert json.loads(out["body"])["status"] == "ok"
    assert out["login"] == 301
    assert out["login_to"] == "https://klyngeportal.example.dk/log-ind/"


def test_health_reports_503_when_the_database_is_down():
    # Nothing listens on port 1: the database is unreachable.
    env = subprocess_env(**production_env(), DATABASE_URL="postgres://postgres@127.0.0.1:1/ingen")
    out = run_django(HEALTH_PROBE, env)
    assert out["health"] == 503
    assert json.loads(out["body"]) == {"status": "fejl", "database": "OperationalError"}


SHOW_DATABASE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({k: str(db.get(k)) for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT",
                                               "CONN_MAX_AGE")} | {"TEST_NAME": db.get("TEST", {}).get("NAME")}))
"""


def test_database_url_for_postgresql():
    env = subprocess_env(
        DATABASE_URL="postgres://klynge:hemmeligt@db.example.dk:5433/klyngeportal",
        CONN_MAX_AGE="60", TEST_DATABASE_NAME="test_klynge_ci",
    )
    db = run_django(SHOW_DATABASE, env)
    assert db == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "klyngeportal", "USER": "klynge",
        "PASSWORD": "hemmeligt", "HOST": "db.example.dk", "PORT": "5433", "CONN_MAX_AGE": "60",
        "TEST_NAME": "test_klynge_ci",
    }


def test_database_defaults_to_sqlite_in_the_project_folder():
    db = run_django(SHOW_DATABASE, subprocess_env(DATABASE_URL=None, TEST_DATABASE_NAME=None))
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(ROOT / "db.sqlite3")
    assert db["TEST_NAME"] is None


def test_tests_use_plain_static_storage():
    """Under pytest the finders serve static files; no collectstatic needed."""
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


SERVE_STATIC = """
import json
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
url = staticfiles_storage.url("css/site.css")
https = {"HTTP_HOST": "klyngeportal.example.dk", "HTTP_X_FORWARDED_PROTO": "https"}
c = Client()
css = c.get(url, **https)
login = c.get("/log-ind/", **https)
print(json.dumps({"backend": settings.STORAGES["staticfiles"]["BACKEND"], "url": url,
                  "css": css.status_code, "login": login.status_code,
                  "login_links_css": url in login.content.decode()}))
"""


def test_collectstatic_writes_a_compressed_manifest_that_whitenoise_serves(tmp_path):
    static_root = tmp_path / "staticfiles"
    env = subprocess_env(**production_env(), STATIC_ROOT=str(static_root))
    run(["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)

    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css" and hashed.startswith("css/site.")
    assert (static_root / hashed).is_file()
    assert (static_root / f"{hashed}.gz").is_file()  # compressed beside the original

    out = run_django(SERVE_STATIC, env)
    assert out["backend"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert out["url"] == f"/static/{hashed}"
    assert out["css"] == 200
    assert out["login"] == 200 and out["login_links_css"], out


# --- Content-Security-Policy and the login lockout in production ------------------------------------

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

CSP_PROBE = """
import json
from django.conf import settings
from django.test import Client
https = {"HTTP_HOST": "klyngeportal.example.dk", "HTTP_X_FORWARDED_PROTO": "https"}
c = Client()
login = c.get("/log-ind/", **https)
admin = c.get("/admin/login/", **https)
health = c.get("/sundhed/", HTTP_HOST="127.0.0.1")
print(json.dumps({"login": login.get("Content-Security-Policy"), "admin": admin.get("Content-Security-Policy"),
                  "health": health.get("Content-Security-Policy"),
                  "axes": "axes" in settings.INSTALLED_APPS, "limit": settings.AXES_FAILURE_LIMIT,
                  "backend": settings.AUTHENTICATION_BACKENDS[0]}))
"""


def test_production_sends_the_content_security_policy_and_locks_out_logins():
    # PLAIN_STATIC: the pages link their CSS without a collectstatic manifest.
    out = run_django(CSP_PROBE, subprocess_env(**production_env(), PLAIN_STATIC="1"))
    assert out["login"] == POLICY
    assert out["admin"] == POLICY
    assert out["health"] == POLICY
    assert out["axes"] and out["limit"] == 5 and out["backend"] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.django_db
def test_every_page_carries_the_policy(client, ref):
    assert client.get("/log-ind/")["Content-Security-Policy"] == POLICY
    assert client.get("/adgangskode/glemt/")["Content-Security-Policy"] == POLICY


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "<style>"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
]
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def portal_templates() -> list:
    return [path for path in ROOT.glob("**/templates/**/*.html") if ".venv" not in path.parts]


def test_no_template_needs_inline_script_or_style():
    """The policy allows neither: every template of the portal loads its scripts and styles from files."""
    templates = portal_templates()
    assert len(templates) > 20
    found = [
        f"{path.relative_to(ROOT)}: {label}: {match.group(0)!r}"
        for path in templates
        for pattern, label in INLINE
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_no_template_links_to_a_javascript_url():
    """script-src 'self' blocks javascript: URLs too: such a link does nothing under the policy."""
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in portal_templates()
        for match in JAVASCRIPT_URL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)
