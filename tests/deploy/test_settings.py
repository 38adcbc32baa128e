"""Production settings: check --deploy, the health endpoint, DATABASE_URL, static files."""
import json

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
