"""Bookings gain their visit (`starts_at`, `ends_at`) and the tables they hold.

Every existing booking is on an undescribed floor (no restaurant has tables yet), where a
visit lasts one slot: it starts at its slot in the restaurant's time zone and ends a slot later.
"""

import datetime as dt
import zoneinfo

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def fill_visits(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Restaurant = apps.get_model("restaurants", "Restaurant")
    for restaurant in Restaurant.objects.all().iterator():
        tz = zoneinfo.ZoneInfo(restaurant.time_zone)
        length = dt.timedelta(minutes=restaurant.slot_minutes)
        bookings = Booking.objects.filter(restaurant=restaurant).only("date", "time_slot")
        batch = []
        for booking in bookings.iterator(chunk_size=BATCH):
            hours, minutes = map(int, booking.time_slot.split(":"))
            booking.starts_at = dt.datetime.combine(booking.date, dt.time(hours, minutes), tzinfo=tz)
            booking.ends_at = booking.starts_at + length
            batch.append(booking)
            if len(batch) == BATCH:
                Booking.objects.bulk_update(batch, ["starts_at", "ends_at"])
                batch = []
        Booking.objects.bulk_update(batch, ["starts_at", "ends_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0003_idempotency_keys'),
        ('restaurants', '0003_floor'),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='ends_at',
            field=models.DateTimeField(null=True, verbose_name='ends'),
        ),
        migrations.AddField(
            model_name='booking',
            name='starts_at',
            field=models.DateTimeField(null=True, verbose_name='starts'),
        ),
        migrations.RunPython(fill_visits, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='booking',
            name='ends_at',
            field=models.DateTimeField(verbose_name='ends'),
        ),
        migrations.AlterField(
            model_name='booking',
            name='starts_at',
            field=models.DateTimeField(verbose_name='starts'),
        ),
        migrations.CreateModel(
            name='BookingTable',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField()),
                ('ends_at', models.DateTimeField()),
                ('active', models.BooleanField(default=True)),
                ('booking', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='held_tables', to='bookings.booking')),
                ('table', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='restaurants.table')),
            ],
            options={
                'verbose_name': 'booked table',
                'verbose_name_plural': 'booked tables',
            },
        ),
        migrations.AddField(
            model_name='booking',
            name='tables',
            field=models.ManyToManyField(blank=True, related_name='bookings', through='bookings.BookingTable', to='restaurants.table', verbose_name='tables'),
        ),
        migrations.AddIndex(
            model_name='bookingtable',
            index=models.Index(fields=['table', 'starts_at'], name='booked_table_span'),
        ),
        migrations.AddConstraint(
            model_name='bookingtable',
            constraint=models.UniqueConstraint(fields=('booking', 'table'), name='one_row_per_booked_table'),
        ),
    ]
