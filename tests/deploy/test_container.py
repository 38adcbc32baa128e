"""docker-compose.yml and the Dockerfile (no Docker engine here: the files are
checked as text, and the container's start script is run for real with gunicorn)."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.deploy.conftest import ROOT, production_env, subprocess_env

COMPOSE = (ROOT / "docker-compose.yml").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_compose_file_is_plain_block_yaml():
    """No tabs; two-space indentation; every line a comment, `key:`, `key: value` or `- item`;
    flow lists (healthcheck commands) are valid JSON arrays."""
    for number, line in enumerate(COMPOSE.splitlines(), 1):
        assert "\t" not in line, f"tabulator i linje {number}"
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0, f"indrykning i linje {number}: {line!r}"
        assert re.fullmatch(r'(- .+|[A-Za-z_][\w.-]*:( .+)?)', stripped), f"linje {number}: {line!r}"
        if stripped.startswith("test: ["):
            json.loads(stripped.removeprefix("test: "))


def test_compose_services_database_and_portal():
    assert re.search(r"^services:\n  db:\n    image: postgres:16$", COMPOSE, re.M)
    assert "      - pgdata:/var/lib/postgresql/data" in COMPOSE
    assert re.search(r"^volumes:\n  pgdata:$", COMPOSE, re.M)
    assert '"pg_isready -U klyngeportal -d klyngeportal"' in COMPOSE
    assert "  web:\n    build: ." in COMPOSE
    assert "        condition: service_healthy" in COMPOSE
    for variable in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"):
        assert re.search(rf"^      {variable}: \S", COMPOSE, re.M), variable
    assert 'DEBUG: "0"' in COMPOSE
    assert "DATABASE_URL: postgres://klyngeportal:${POSTGRES_PASSWORD}@db:5432/klyngeportal" in COMPOSE
    assert "${SECRET_KEY:?" in COMPOSE and "${POSTGRES_PASSWORD:?" in COMPOSE  # refuses to start without
    assert "http://127.0.0.1:8000/sundhed/" in COMPOSE
    # the web service's ALLOWED_HOSTS lets its own health check in
    assert re.search(r"ALLOWED_HOSTS: .*127\.0\.0\.1", COMPOSE)


def test_dockerfile_builds_from_pyproject_and_starts_gunicorn():
    assert DOCKERFILE.startswith("# ") and "\nFROM python:3.13-slim\n" in DOCKERFILE
    for source in re.findall(r"^COPY (\S+)", DOCKERFILE, re.M):
        assert source == "." or (ROOT / source).exists(), source
    assert "python scripts/requirements.py > /tmp/requirements.txt" in DOCKERFILE
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (.+)$", DOCKERFILE, re.M).group(1))
    command = json.loads(re.search(r"^CMD (.+)$", DOCKERFILE, re.M).group(1))
    assert entrypoint == ["sh", "scripts/docker-entrypoint"]
    assert command[:4] == ["gunicorn", "klyngeportal.wsgi", "--bind", "0.0.0.0:8000"]
    assert "EXPOSE 8000" in DOCKERFILE and "/sundhed/" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "db.sqlite3"} <= set(ignored)


def test_requirements_script_matches_pyproject():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    out = subprocess.run([sys.executable, "scripts/requirements.py", "test"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == project["dependencies"] + project["optional-dependencies"]["test"]
    assert any(line.startswith("gunicorn") for line in out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_container_start_script_migrates_collects_loads_and_serves(databases, migrated_template, tmp_path):
    """scripts/docker-entrypoint with gunicorn, as the container runs it."""
    url, _ = databases.create("container", template=migrated_template)
    port = free_port()
    env = subprocess_env(**production_env(), DATABASE_URL=url, STATIC_ROOT=str(tmp_path / "static"),
                         WEB_CONCURRENCY="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # python and gunicorn of .venv
    log = tmp_path / "container.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["sh", "scripts/docker-entrypoint", "gunicorn", "klyngeportal.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 150
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, body = get(f"http://127.0.0.1:{port}/sundhed/")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, log.read_text()
        assert json.loads(body) == {"status": "ok", "database": "ok"}

        https = {"Host": "klyngeportal.example.dk", "X-Forwarded-Proto": "https"}
        status, page = get(f"http://127.0.0.1:{port}/log-ind/", **https)
        assert status == 200 and "Log ind" in page
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
        assert get(f"http://127.0.0.1:{port}{css}", **https)[0] == 200

        started = log.read_text()
        for step in ("==> migrate", "==> collectstatic", "==> load_reference", "==> gunicorn"):
            assert step in started
        assert "Booting worker" in started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
