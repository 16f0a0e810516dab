"""`python manage.py demo`: a demo restaurant to try the product on (see bookings.demo)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bookings.demo import DEMO_NAME, database_is_empty, demo_fill


class Command(BaseCommand):
    help = (
        f"Fill the restaurant “{DEMO_NAME}” with a floor, guests and a week of bookings around "
        "today. Running it again adds nothing twice. Development only (DEBUG), unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (a production setup)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing unless the database holds only what the first run makes.",
        )

    def handle(self, *args, force: bool = False, if_empty: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production database. "
                "Use --force to fill it with demo data anyway."
            )
        if if_empty and not database_is_empty():
            self.stdout.write("The database has data already: no demo added.")
            return
        result = demo_fill()
        self.stdout.write(
            self.style.SUCCESS(
                f"{DEMO_NAME} (restaurant {result.restaurant.pk}): "
                f"{result.created} bookings added, {result.existing} already there."
            )
        )
        for refusal in result.refused:
            self.stdout.write(f"  not booked: {refusal}")
