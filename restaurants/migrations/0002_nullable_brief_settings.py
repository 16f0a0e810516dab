"""The brief's `host_choice`, `greeting_text` and `info_text` may be null: null is "not set".

Texts carry over unchanged. Before this the columns could not hold null, so an empty string was
how "not set" was stored; it becomes null, so a restaurant made before answers as one made after.
Going back, null becomes the empty string again.
"""

from django.db import migrations, models

TEXTS = ("host_choice", "greeting_text", "info_text")


def empty_to_null(apps, schema_editor):
    Restaurant = apps.get_model("restaurants", "Restaurant")
    for name in TEXTS:
        Restaurant.objects.filter(**{name: ""}).update(**{name: None})


def null_to_empty(apps, schema_editor):
    Restaurant = apps.get_model("restaurants", "Restaurant")
    for name in TEXTS:
        Restaurant.objects.filter(**{f"{name}__isnull": True}).update(**{name: ""})


class Migration(migrations.Migration):

    dependencies = [
        ("restaurants", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="restaurant",
            name="host_choice",
            field=models.CharField(
                blank=True,
                choices=[
                    ("anna", "Anna — warm and welcoming"),
                    ("maxim", "Maxim — formal maître d'"),
                    ("sofia", "Sofia — cheerful bistro host"),
                    ("chef", "Chef Ivan — talks about the food"),
                ],
                default=None,
                max_length=40,
                null=True,
                verbose_name="AI host persona",
            ),
        ),
        migrations.AlterField(
            model_name="restaurant",
            name="greeting_text",
            field=models.TextField(
                blank=True, default=None, max_length=1000, null=True, verbose_name="greeting"
            ),
        ),
        migrations.AlterField(
            model_name="restaurant",
            name="info_text",
            field=models.TextField(
                blank=True,
                default=None,
                max_length=4000,
                null=True,
                verbose_name="information for guests",
            ),
        ),
        # Reversed, this runs first: the columns still take null, and then must not hold any.
        migrations.RunPython(empty_to_null, null_to_empty),
    ]
