"""The review's comments are append-only in the database (klyngeportal/ledger_guard.py)."""
from django.db import migrations

from klyngeportal import ledger_guard


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
    ]

    operations = [
        ledger_guard.operation("review_comment"),
    ]
