"""PostgreSQL refuses two active bookings of one table whose visits overlap.

An exclusion constraint over the table and the visit's span (half-open, so one visit may end
when the next begins), with `btree_gist` for the table's equality. SQLite has no such
constraint; its write-lock transactions and the engine's check are its guard.
"""

from django.db import migrations

CONSTRAINT = "booked_table_no_overlap"


class PostgresOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0004_visits_and_tables")]

    operations = [
        # A trusted extension: the database's owner may create it. Left in place on the way
        # back, as something else may use it.
        PostgresOnly("CREATE EXTENSION IF NOT EXISTS btree_gist", migrations.RunSQL.noop),
        PostgresOnly(
            f"""
            ALTER TABLE bookings_bookingtable ADD CONSTRAINT {CONSTRAINT}
            EXCLUDE USING gist (table_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
            WHERE (active)
            """,
            f"ALTER TABLE bookings_bookingtable DROP CONSTRAINT {CONSTRAINT}",
        ),
    ]
