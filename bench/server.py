"""Gunicorn on 127.0.0.1 and load from a separate process against it."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
LOADGEN = Path(__file__).resolve().with_name("loadgen.py")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`klyngeportal.wsgi` under gunicorn with `workers` sync workers; stopped on exit."""

    def __init__(self, env: dict[str, str], workers: int = 2, log_path: Path | None = None):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(GUNICORN), "klyngeportal.wsgi",
                "--workers", str(self.workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--chdir", str(ROOT),
                "--timeout", "60",
                "--preload",
                "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} (see {self.log_path})")
            try:
                with urllib.request.urlopen(self.base_url + "/sundhed/", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /sundhed/ in time")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def load(url: str, *, cookie: str = "", concurrency: int, requests: int, seconds: float,
         headers: dict[str, str] | None = None) -> dict:
    """Run bench/loadgen.py in its own process and return what it measured."""
    command = [
        sys.executable, str(LOADGEN), url, "--concurrency", str(concurrency),
        "--requests", str(requests), "--seconds", str(seconds),
    ]
    if cookie:
        command += ["--cookie", cookie]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 120, check=True,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])
