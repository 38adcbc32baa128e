"""The ledger is append-only in the database: triggers on entries, status changes and import batches.

The SQL lives in klyngeportal/ledger_guard.py (PostgreSQL and SQLite).
"""
from django.db import migrations

from klyngeportal import ledger_guard


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        ledger_guard.operation("accounts_entry", "accounts_statuschange", "accounts_importbatch"),
    ]
