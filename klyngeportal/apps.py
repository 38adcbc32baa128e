from django.apps import AppConfig


class KlyngeportalConfig(AppConfig):
    name = "klyngeportal"
    verbose_name = "Klyngeportal"
