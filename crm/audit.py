"""A new row with its audit-log entry, the entry as auditlog's own receiver writes it but with
its INSERT written out (`crm.sql.insert`).

Every booking writes one while it holds its restaurant's lock, and auditlog writes it through
the ORM (`LogEntry.objects.create`): 0.8 ms of CPU of the 2.6 ms the lock was held, one
process. Here the entry is auditlog's to the field: its diff, the fields its manager's
`log_create` fills, its `pre_log`/`post_log` signals, the actor and address set by the
`pre_save` receiver that `auditlog.context.set_actor` connects (the middleware does, for each
write). `crm/tests/test_audit.py` compares it with auditlog's own entry; check it when
auditlog is upgraded.
"""

from __future__ import annotations

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.models import DEFAULT_OBJECT_REPR, LogEntry
from auditlog.registry import auditlog
from auditlog.signals import post_log, pre_log
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.utils.encoding import smart_str

from crm import sql


def insert_logged(instance: Model) -> None:
    """`sql.insert(instance, signals=True)`, its audit-log entry written as described above."""
    logged = auditlog.contains(type(instance)) and not auditlog_disabled.get()
    with disable_auditlog():  # auditlog's own receiver stands down for this row
        sql.insert(instance, signals=True)
    if logged:
        _log_created(instance)


def _log_created(instance: Model) -> None:
    """auditlog's `receivers._create_log_entry` for a CREATE, with `LogEntry.objects.log_create`'s
    fields, the entry inserted by `sql.insert`."""
    sender, action = type(instance), LogEntry.Action.CREATE
    pre_log_results = pre_log.send(sender, instance=instance, action=action)
    if any(result is False for _receiver, result in pre_log_results):
        return
    use_json = settings.AUDITLOG_STORE_JSON_CHANGES
    changes = entry = error = None
    try:
        changes = model_instance_diff(None, instance, use_json_for_changes=use_json)
        pk = instance.pk
        try:
            object_repr = smart_str(instance)
        except ObjectDoesNotExist:
            object_repr = DEFAULT_OBJECT_REPR
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=pk,
            object_id=pk if isinstance(pk, int) else None,
            object_repr=object_repr,
            serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
            additional_data=(
                instance.get_additional_data()
                if callable(getattr(instance, "get_additional_data", None))
                else None
            ),
            cid=get_cid(),
            action=action,
            changes=changes,
        )
        sql.insert(entry, signals=True)
    except BaseException as exc:
        error = exc
    finally:
        if entry is not None or error is not None:
            post_log.send(
                sender,
                instance=instance,
                instance_old=None,
                action=action,
                error=error,
                pre_log_results=pre_log_results,
                changes=changes,
                log_entry=entry if error is None else None,
                log_created=error is None and entry is not None,
                use_json_for_changes=use_json,
            )
        if error is not None:
            raise error
