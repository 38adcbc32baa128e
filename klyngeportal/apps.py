from django.apps import AppConfig
from django.db.backends.signals import connection_created


class KlyngeportalConfig(AppConfig):
    name = "klyngeportal"
    verbose_name = "Klyngeportal"

    def ready(self):
        from klyngeportal.ledger_guard import register_guard

        # Every SQLite connection gets the SQL function the append-only triggers ask (fails closed without it).
        connection_created.connect(register_guard, dispatch_uid="klyngeportal_ledger_guard")
