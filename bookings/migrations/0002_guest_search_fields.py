from django.db import migrations, models


def fill_tag_index(apps, schema_editor):
    Guest = apps.get_model("bookings", "Guest")
    for guest in Guest.objects.all().iterator():
        tags = guest.tags or []
        guest.tag_index = "".join(f"|{t.lower()}" for t in tags) + "|" if tags else ""
        guest.search_text = f"{guest.name} {guest.email}".lower()
        guest.save(update_fields=["tag_index", "search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="guest",
            name="tag_index",
            field=models.CharField(blank=True, default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="guest",
            name="search_text",
            field=models.CharField(blank=True, default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill_tag_index, migrations.RunPython.noop),
    ]
