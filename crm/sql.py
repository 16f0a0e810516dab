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

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)


def columns(model: type[Model], table: str | None = None) -> str:
    """The model's columns, quoted, in field order (qualified by `table` when given)."""
    return _columns(model, table, connection.vendor)


@cache
def _columns(model: type[Model], table: str | None, vendor: str) -> str:
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


def insert(instance: Model, *, signals: bool = False) -> None:
    """`instance.save()` of a new row: one INSERT written out, its id read back.

    Each field's value is what `save()` writes (its `pre_save`, so `auto_now` is set, then
    its preparation for this database). With `signals`, `pre_save` and `post_save` are sent
    as `save()` sends them (the audit log's receivers record the row). Not for a model with
    parents (multi-table inheritance), nor one whose own `save()` does what its caller needs:
    this is `Model.save_base`, not `save`.
    """
    meta = instance._meta
    assert not meta.parents, f"{meta.label} has parents"
    using = connection.alias
    if signals:
        pre_save.send(
            sender=type(instance), instance=instance, raw=False, using=using, update_fields=None
        )
    fields, sql, returning = _insert_statement(type(instance), connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = (
            cursor.fetchone()[0]
            if returning
            else connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        )
    instance._state.db = using
    instance._state.adding = False
    if signals:
        post_save.send(
            sender=type(instance),
            instance=instance,
            created=True,
            update_fields=None,
            raw=False,
            using=using,
        )


@cache
def _insert_statement(model: type[Model], vendor: str) -> tuple[list, str, bool]:
    """A model's INSERT on this kind of database: its fields, the SQL, whether it returns the
    new row's id (else the backend's last insert id is read)."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    returning = connection.features.can_return_columns_from_insert
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        + (f" RETURNING {qn(meta.pk.column)}" if returning else "")
    )
    return fields, sql, returning
