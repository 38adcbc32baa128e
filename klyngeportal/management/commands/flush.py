"""Django's ``flush``, run inside the ledger guard's maintenance block.

The append-only triggers (klyngeportal/ledger_guard.py) refuse every DELETE of a booked row; emptying
the whole database (what the test suite does between transactional tests: DELETE FROM on SQLite) is
the one deliberate exception. An installed app's command replaces Django's own of the same name, and
no app listed before this one has a ``flush``, so ``call_command("flush")`` (the test suite's teardown
included) runs this one (tests/klyngeportal/test_ledger_guard.py).
"""
from django.core.management.commands import flush

from klyngeportal.ledger_guard import maintenance


class Command(flush.Command):
    def handle(self, **options):
        with maintenance(options["database"]):
            return super().handle(**options)
