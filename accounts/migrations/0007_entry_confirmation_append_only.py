"""An entry's or an import's confirmation is insert-only in the database too (klyngeportal/ledger_guard.py)."""
from django.db import migrations

from klyngeportal import ledger_guard


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_budget_revisions_phasing"),
    ]

    operations = [
        ledger_guard.operation("accounts_entryconfirmation"),
    ]
