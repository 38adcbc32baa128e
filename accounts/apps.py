from django.apps import AppConfig
from django.db.models.signals import pre_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Klyngeregnskab"

    def ready(self):
        from accounts.entry_totals import adopt_loaded_row

        pre_save.connect(adopt_loaded_row, sender=self.get_model("EntryTotal"), dispatch_uid="entry_total_loaddata")
