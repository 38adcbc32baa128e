from django.core.management.base import BaseCommand

from users.demo import DEMO_PASSWORD, ensure_demo_users


class Command(BaseCommand):
    help = "Opretter én demobruger pr. rolle (kun til demo og udvikling) og skriver navne og adgangskode."

    def handle(self, *args, **options):
        users = ensure_demo_users()
        self.stdout.write(f"Demobrugere (adgangskode for alle: {DEMO_PASSWORD}):")
        for username, role in users:
            self.stdout.write(f"  {username:<13} {role}")
