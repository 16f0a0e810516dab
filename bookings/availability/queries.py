"""The SQL of availability's hottest statements, written out.

Every booking runs the lock and the free-table check; every uncached slots read runs the day's
counts. Built by the ORM, these statements cost more to compose in Python than PostgreSQL takes
to run them: the check took 1.9 ms through the ORM and takes 0.4 ms as written here, one
process on the benchmark's data. Here they are plain parameterized SQL with the same meaning,
valid on PostgreSQL and SQLite; the tests run them on both.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from bookings.availability.rules import tables_on
from bookings.models import Booking
from crm import sql
from restaurants.models import Restaurant, Table, TableCountOverride


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _active_statuses() -> tuple[str, list[str]]:
    """`IN (%s, …)` for the statuses that hold a table, and its parameters."""
    statuses = [str(status) for status in Booking.ACTIVE_STATUSES]
    return f"IN ({', '.join(['%s'] * len(statuses))})", statuses


def lock_restaurant(restaurant_id: int, *, day: dt.date | None = None) -> bool:
    """Hold the restaurant's row lock until the transaction ends (PostgreSQL); whether its floor
    is described (it has tables), read by the same statement.

    Every write to a restaurant's bookings takes it. Without `day` it is the row's exclusive
    lock (FOR UPDATE): one such write at a time, after the new bookings under way. With `day`
    (a new booking) it is the row's shared lock and a lock of that day: new bookings of other
    days go on side by side, those of one day one at a time, and an exclusive write waits for
    them all as they wait for it. The day's lock is taken once the row's is held, so a
    transaction already holding the row's exclusive lock may book inside it without a deadlock.

    SQLite has no row locks; its IMMEDIATE transactions already hold the database's write lock.
    """
    has_tables = f"EXISTS (SELECT 1 FROM {_table(Table)} WHERE restaurant_id = %s)"
    with connection.cursor() as cursor:
        if not connection.features.has_select_for_update:
            cursor.execute(f"SELECT {has_tables}", [restaurant_id])
        else:
            cursor.execute(
                *_locked(
                    f"SELECT {has_tables} FROM {_table(Restaurant)} WHERE id = %s",
                    [restaurant_id, restaurant_id],
                    restaurant_id,
                    day,
                )
            )
        row = cursor.fetchone()
    return bool(row and row[0])


def lock_restaurant_row(
    restaurant_id: int, *, day: dt.date | None = None
) -> tuple[Restaurant, bool]:
    """`lock_restaurant`, reading the restaurant's row with it: the row as the lock's previous
    holder committed it, and whether its floor is described, one statement.

    For a write that comes with the restaurant's id alone (the API's booking), so the row is
    not read once more before the lock. Raises Restaurant.DoesNotExist.
    """
    statement = (
        f"SELECT {sql.columns(Restaurant)}, "
        f"EXISTS (SELECT 1 FROM {_table(Table)} WHERE restaurant_id = %s) "
        f"FROM {_table(Restaurant)} WHERE id = %s"
    )
    params: list = [restaurant_id, restaurant_id]
    if connection.features.has_select_for_update:
        statement, params = _locked(statement, params, restaurant_id, day)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        raise Restaurant.DoesNotExist(f"Restaurant {restaurant_id} does not exist.")
    if day is not None and connection.features.has_select_for_update:
        row = row[:-1]  # the day lock's empty column
    return sql.from_row(Restaurant, row[:-1]), bool(row[-1])


def _locked(select: str, params: list, restaurant_id: int, day: dt.date | None) -> tuple[str, list]:
    """A SELECT of the restaurant's row made to lock it as `lock_restaurant` says.

    The day's lock is a transaction-level advisory lock keyed (restaurant id, the day's
    ordinal). It is called in the outer query, on the row the inner one has locked, so it is
    taken after the row's lock (a subquery with FOR SHARE is not merged into its outer one).
    """
    if day is None:
        return f"{select} FOR UPDATE", params
    return (
        f"SELECT locked.*, pg_advisory_xact_lock(%s, %s) FROM ({select} FOR SHARE) AS locked",
        [restaurant_id, day.toordinal(), *params],
    )


def slot_taken_and_tables(
    *, restaurant: Restaurant, date: dt.date, time_slot: str, exclude_id: int | None = None
) -> tuple[int, int]:
    """The slot's active bookings, and the day's tables: its override, else the default."""
    in_active, statuses = _active_statuses()
    exclude = "" if exclude_id is None else "AND id <> %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT
                (SELECT COUNT(*) FROM {_table(Booking)}
                 WHERE restaurant_id = %s AND date = %s AND time_slot = %s
                   AND status {in_active} {exclude}),
                (SELECT table_count FROM {_table(TableCountOverride)}
                 WHERE restaurant_id = %s AND date = %s)
            """,
            [
                restaurant.pk,
                date,
                time_slot,
                *statuses,
                *([] if exclude_id is None else [exclude_id]),
                restaurant.pk,
                date,
            ],
        )
        taken, override = cursor.fetchone()
    return taken, tables_on(default=restaurant.default_table_count, override=override)


def day_counts_and_override(
    *, restaurant_id: int, date: dt.date
) -> tuple[dict[str, int], int | None, bool]:
    """Active bookings per slot on a date, the day's table override if any, and whether the
    floor is described (it has tables): one statement."""
    in_active, statuses = _active_statuses()
    with connection.cursor() as cursor:
        # A slot is "HH:MM", so the override's row travels under the empty key and the
        # tables' count under "#".
        cursor.execute(
            f"""
            SELECT time_slot, COUNT(*) FROM {_table(Booking)}
            WHERE restaurant_id = %s AND date = %s AND status {in_active}
            GROUP BY time_slot
            UNION ALL
            SELECT '', table_count FROM {_table(TableCountOverride)}
            WHERE restaurant_id = %s AND date = %s
            UNION ALL
            SELECT '#', COUNT(*) FROM {_table(Table)} WHERE restaurant_id = %s
            """,
            [restaurant_id, date, *statuses, restaurant_id, date, restaurant_id],
        )
        counts = dict(cursor.fetchall())
    return counts, counts.pop("", None), bool(counts.pop("#", 0))


def guests_per_slot(
    *,
    restaurant_id: int,
    date: dt.date,
    time_slot: str | None = None,
    exclude_id: int | None = None,
) -> dict[str, int]:
    """The guests of active bookings starting at each slot of a date (pacing), or at one."""
    in_active, statuses = _active_statuses()
    where = "" if time_slot is None else "AND time_slot = %s"
    exclude = "" if exclude_id is None else "AND id <> %s"
    params = [restaurant_id, date, *statuses]
    params += [] if time_slot is None else [time_slot]
    params += [] if exclude_id is None else [exclude_id]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT time_slot, SUM(party_size) FROM {_table(Booking)}
            WHERE restaurant_id = %s AND date = %s AND status {in_active} {where} {exclude}
            GROUP BY time_slot
            """,
            params,
        )
        return {time: int(guests) for time, guests in cursor.fetchall()}
