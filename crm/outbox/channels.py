"""Where events go. Each app registers its channel (`register`) in its AppConfig.ready: the
webhooks here, the guests' e-mails in `bookings.emails`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from crm.outbox.models import Delivery, OutboxEvent


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to. `final`: a failure not worth trying again."""

    ok: bool
    status_code: int | None = None
    error: str = ""
    skipped: bool = False
    final: bool = False

    @classmethod
    def sent(cls, status_code: int | None = None) -> Outcome:
        return cls(ok=True, status_code=status_code)

    @classmethod
    def nothing_to_send(cls, why: str) -> Outcome:
        return cls(ok=True, skipped=True, error=why)

    @classmethod
    def failed(cls, error: str, status_code: int | None = None, *, final: bool = False) -> Outcome:
        return cls(ok=False, status_code=status_code, error=error, final=final)


def no_follow_up(delivery: Delivery, outcome: Outcome, now: dt.datetime) -> None:
    return None


@dataclass(frozen=True)
class Channel:
    name: str
    # The targets an event goes to (each becomes one delivery), decided once per event.
    targets: Callable[[OutboxEvent], list[str]]
    # One attempt; an exception counts as a failure worth trying again.
    send: Callable[[Delivery], Outcome]
    # How long to wait before the next attempt after `attempts` failures; None: give up.
    retry_delay: Callable[[Delivery, dt.datetime], dt.timedelta | None]
    # Called after each attempt (made at `now`), inside its transaction.
    after: Callable[[Delivery, Outcome, dt.datetime], None] = field(default=no_follow_up)


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _channels[channel.name] = channel


def get(name: str) -> Channel | None:
    return _channels.get(name)


def all_channels() -> list[Channel]:
    return list(_channels.values())


def backoff(
    delivery: Delivery, now: dt.datetime, *, base_seconds: int, window: dt.timedelta
) -> dt.timedelta | None:
    """Exponential backoff (base, 2×base, 4×base, …) within `window` from the delivery's
    start: the last attempt falls at the window's end, then it gives up."""
    ends = delivery.created_at + window
    if now >= ends:
        return None
    delay = dt.timedelta(seconds=base_seconds * 2 ** max(delivery.attempts - 1, 0))
    return min(delay, ends - now)
