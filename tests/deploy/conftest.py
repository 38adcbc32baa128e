"""Helpers for deployment tests: run manage.py and Python in a subprocess with
production settings, and create throw-away databases on the current backend
(SQLite file or PostgreSQL database, as DATABASE_URL says)."""
import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env() -> dict[str, str]:
    """Production values as docker-compose.yml sets them (host names are examples)."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "klyngeportal.example.dk,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://klyngeportal.example.dk",
    }


def subprocess_env(**overrides: str | None) -> dict[str, str]:
    """The environment of a fresh process: like outside pytest (no PYTEST_VERSION,
    which switches static files to plain storage; nothing the test session set up
    for itself), with overrides (None removes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright by tests/browser; never in production
    env["DJANGO_SETTINGS_MODULE"] = "klyngeportal.settings"
    env["PYTHONPATH"] = str(ROOT)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess:
    """Run `python <args>` from the project folder; fail the test with the output if it fails."""
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{args} gav exit {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def run_django(code: str, env: dict[str, str]) -> dict:
    """Run code after django.setup() in a fresh process; it prints one JSON object last."""
    result = run(["-c", "import django\ndjango.setup()\n" + code], env)
    return json.loads(result.stdout.strip().splitlines()[-1])


COUNT_ROWS = """
import json
from django.apps import apps
print(json.dumps({m._meta.label: m._base_manager.count() for m in apps.get_models()}))
"""


def current_database() -> dict:
    """The database the suite runs on, parsed the way settings.py does."""
    return dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite:///unused.sqlite3"))


def is_postgres() -> bool:
    return current_database()["ENGINE"] == "django.db.backends.postgresql"


def pg_env() -> dict[str, str]:
    """libpq environment (PGHOST, PGUSER ...) for psql, pg_dump and pg_restore."""
    db = current_database()
    env = dict(os.environ)
    env.update({"PGHOST": str(db["HOST"] or "127.0.0.1"), "PGPORT": str(db["PORT"] or 5432),
                "PGUSER": str(db["USER"] or "postgres")})
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def psql(sql: str, dbname: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d", dbname, "-c", sql],
        env=pg_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def database_url(name: str) -> str:
    """DATABASE_URL of a database called name on the current PostgreSQL server."""
    db = current_database()
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


class Databases:
    """Throw-away databases on the current backend (SQLite files or PostgreSQL databases)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.created: list[str] = []

    def create(self, label: str, template: str | None = None) -> tuple[str, str]:
        """An empty database, or a copy of template (a name from create); returns (DATABASE_URL, name)."""
        if is_postgres():
            name = f"klynge_{label}_{uuid.uuid4().hex[:8]}"
            psql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
            self.created.append(name)
            return database_url(name), name
        path = self.folder / f"{label}-{uuid.uuid4().hex[:8]}.sqlite3"
        if template:
            shutil.copyfile(template, path)
        return f"sqlite:///{path}", str(path)

    def drop_all(self):
        for name in self.created:
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("databaser"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def migrated_template(databases) -> str:
    """An empty database with every migration applied (copied, so migrate runs once)."""
    url, name = databases.create("skabelon")
    run(["manage.py", "migrate", "--noinput", "--verbosity", "0"], subprocess_env(DATABASE_URL=url))
    return name
