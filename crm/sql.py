"""Model rows read and written by statements written out, with the ORM's meaning.

Every booking runs a few statements whose composition through the ORM (building the query,
compiling it to SQL) costs several times what the database takes to run them. Their SQL is
written out where they run; these helpers keep what the ORM would do with their rows: the
model's own columns, each value converted (read) or prepared (written) by its field, on
PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TypeVar
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

M = TypeVar("M", bound=Model)


def columns(model: type[Model], table: str | None = None) -> str:
    """The model's columns, quoted, in field order (qualified by `table` when given)."""
    qn = connection.ops.quote_name
    prefix = "" if table is None else f"{qn(table)}."
    return ", ".join(f"{prefix}{qn(f.column)}" for f in model._meta.concrete_fields)


def from_row(model: type[M], row: Sequence) -> M:
    """The model of a row of `columns(model)`, as the ORM would have loaded it."""
    values = list(row)
    for i, converters in _converters(model):
        for convert, column in converters:
            values[i] = convert(values[i], column, connection)
    return model.from_db(connection.alias, _attnames(model), values)


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


# Per connection (one a thread), per model: the converters of each column that has any.
_converters_of: WeakKeyDictionary = WeakKeyDictionary()


def _converters(model: type[Model]) -> list[tuple[int, list]]:
    wrapper = connections[DEFAULT_DB_ALIAS]
    known = _converters_of.setdefault(wrapper, {})
    if model not in known:
        found = []
        for i, field in enumerate(model._meta.concrete_fields):
            # SQLite's booleans are 0 and 1, JSON comes as text: the backend's converters,
            # then the field's, as the ORM's compiler applies them.
            column = field.cached_col
            converters = wrapper.ops.get_db_converters(column) + column.get_db_converters(wrapper)
            if converters:
                found.append((i, [(convert, column) for convert in converters]))
        known[model] = found
    return known[model]


def insert(instance: Model) -> None:
    """`instance.save()` of a new row whose model has no signal receiver nor `save()` of its
    own, and no field set on save (`auto_now`): one INSERT, its id read back."""
    meta = instance._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    returning = connection.features.can_return_columns_from_insert
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        + (f" RETURNING {qn(meta.pk.column)}" if returning else "")
    )
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = (
            cursor.fetchone()[0]
            if returning
            else connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        )
    instance._state.adding = False
    instance._state.db = connection.alias
