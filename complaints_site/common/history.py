"""Audit history shared by every tracked model.

`audited_history()` is the HistoricalRecords every tracked model uses: history rows carry the
acting user, a text label of the actor (a person or ``system:<task>``, kept even if the user is
later renamed) and the change reason. On PostgreSQL a trigger makes each history table
append-only, so not even raw SQL can change or delete a row (`make_history_append_only`).
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from complaints_site.common.actors import Actor, actor_label, actor_user


class HistoryBase(models.Model):
    history_actor = models.CharField(max_length=200, blank=True, default="", editable=False)

    class Meta:
        abstract = True


def audited_history(**kwargs: Any) -> HistoricalRecords:
    kwargs.setdefault("bases", [HistoryBase])
    kwargs.setdefault("cascade_delete_history", False)
    # simple-history's default is varchar(100): a longer reason would fail on PostgreSQL, and a
    # reason is the part of the record an auditor reads first.
    kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
    return HistoricalRecords(**kwargs)


APPEND_ONLY_TRIGGER = "history_append_only"
# The statement-level trigger that refuses TRUNCATE (row triggers never see a TRUNCATE). One
# name on every table: trigger names are per table.
NO_TRUNCATE_TRIGGER = "no_truncate"


def no_truncate() -> pgtrigger.Trigger:
    """BEFORE TRUNCATE, per statement: refuse. (pgtrigger's Protect has no statement-level
    TRUNCATE form, hence a plain trigger.) It also fires for the tables a TRUNCATE ... CASCADE
    reaches, so truncating a case table cannot take a ledger with it."""
    return pgtrigger.Trigger(
        name=NO_TRUNCATE_TRIGGER,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        level=pgtrigger.Statement,
        func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME; RETURN NULL;",
    )


def append_only_triggers(name: str) -> list[pgtrigger.Trigger]:
    """The triggers of an append-only table (PostgreSQL only): no UPDATE or DELETE of a row,
    raw SQL included, and no TRUNCATE of the table. Every model of this kind is sealed into the
    audit chain automatically (`common.audit.audited_models` finds them by this trigger)."""
    return [
        pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete),
        no_truncate(),
    ]


def no_delete_triggers(name: str) -> list[pgtrigger.Trigger]:
    """The triggers of a table whose rows may change but never go: no DELETE, no TRUNCATE."""
    return [pgtrigger.Protect(name=name, operation=pgtrigger.Delete), no_truncate()]


def is_append_only(trigger: pgtrigger.Trigger) -> bool:
    """Whether `trigger` is the row-level guard of an append-only table (UPDATE and DELETE
    refused unconditionally)."""
    operation = str(getattr(trigger, "operation", ""))
    return (
        isinstance(trigger, pgtrigger.Protect)
        and trigger.condition is None
        and "UPDATE" in operation
        and "DELETE" in operation
    )


def make_history_append_only(model: type[models.Model]) -> None:
    """Register the append-only triggers on the model's history table (PostgreSQL only)."""
    history_model = model.history.model  # type: ignore[attr-defined]
    pgtrigger.register(*append_only_triggers(APPEND_ONLY_TRIGGER))(history_model)


def stamp(instance: models.Model, *, actor: Actor, reason: str) -> None:
    """Mark the next save of `instance` with who did it and why (read when history is written)."""
    instance._history_user = actor_user(actor)  # type: ignore[attr-defined]
    instance._history_actor = actor_label(actor)  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


def _fill_actor(sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any) -> None:
    label = getattr(instance, "_history_actor", "")
    if not label and history_instance.history_user_id:
        user = history_instance.history_user
        label = f"user:{user.pk}:{user.get_username()}"
    history_instance.history_actor = label


def connect_signals() -> None:
    pre_create_historical_record.connect(_fill_actor, dispatch_uid="common.history.fill_actor")
