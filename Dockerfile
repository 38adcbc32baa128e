# Klyngeportal under gunicorn. Built and started by docker-compose.yml; see docs/deploy.md.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3

WORKDIR /app

# Dependencies first (their own layer): the list comes from pyproject.toml.
COPY pyproject.toml ./
COPY scripts/requirements.py scripts/
RUN python scripts/requirements.py > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin klyngeportal \
    && mkdir -p /app/staticfiles \
    && chown -R klyngeportal /app/staticfiles
USER klyngeportal

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/sundhed/', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["sh", "scripts/docker-entrypoint"]
CMD ["gunicorn", "klyngeportal.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60", "--access-logfile", "-"]
