"""The rules of seating, as plain code: which tables a party takes, and when a start has room.

Nothing here reads the database: callers hand in the floor (`TableSpec`, the active tables only)
and the day's visits (`Visit`, the active bookings only), so each rule is tested on its own
(`test_seating`).

Times are integers, minutes from the local midnight of the day being read (past 1440 for a
visit after midnight). A visit holds its tables over the half-open interval [starts, ends): one
that ends at 20:00 leaves its tables free for a visit starting at 20:00.

The rules:

- A visit lasts by the party: the rule with the smallest `up_to_party` that covers the party,
  else the open-ended rule, else the restaurant's default (`visit_minutes`).
- A table is busy for [starts, ends) when any overlapping visit holds it (`busy_tables`).
- A party is seated, in this order of preference (`best_fit`): at one free table whose
  `min_seats`..`max_seats` range covers it, the smallest such table first; else at two to
  `MAX_COMBINED_TABLES` free tables of one combination group whose seats add up to it, fewest
  tables first, then fewest empty seats. Tables of different groups, and ungrouped tables, are
  never put together; `min_seats` does not apply to a combination. Ties go to display order.
- A host may pick the tables themselves (`check_tables`): a busy table is always refused, the
  size rules only unless the host overrides them.
- Pacing caps the guests arriving at one start (`pacing_allows`).
- A start is available when both a seating and the pacing allow it (`slot_availability`).
- A waiting party's quote counts the parties ahead of it in the queue: each, in turn, takes the
  tables that free up first for it (`queued_start`).
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

# The most tables one party may be seated at by `best_fit`.
MAX_COMBINED_TABLES = 6


@dataclass(frozen=True)
class TableSpec:
    """One table of the floor: its seats, its combination group ("" = never combined), its
    display order."""

    id: int
    name: str
    min_seats: int
    max_seats: int
    group: str = ""
    position: int = 0


@dataclass(frozen=True)
class Visit:
    """One active booking on the floor: the tables it holds over [starts, ends)."""

    booking_id: int
    starts: int
    ends: int
    party_size: int
    table_ids: frozenset[int]


class SeatingRefused(Exception):
    """A host's pick of tables is refused: `code` says why, `table_ids` which tables.

    Codes: "unknown_table", "taken", "not_combinable", "too_small", "too_large".
    """

    def __init__(self, code: str, table_ids: tuple[int, ...] = ()) -> None:
        super().__init__(code)
        self.code = code
        self.table_ids = table_ids


def _order(table: TableSpec) -> tuple[int, int]:
    """The display order of tables, and the tie-break of every choice: (position, id)."""
    return (table.position, table.id)


def _as_set(ids: Collection[int]) -> set[int] | frozenset[int]:
    """`ids` as a set, copied only when it is not one already (membership is tested a lot)."""
    return ids if isinstance(ids, set | frozenset) else set(ids)


def visit_minutes(rules: Sequence[tuple[int | None, int]], party_size: int, *, default: int) -> int:
    """How long a party's visit lasts: the rule with the smallest `up_to_party` >= the party,
    else the open-ended (None) rule, else `default`. Rules may come in any order; of equal
    rules the first given wins."""
    covering = [rule for rule in rules if rule[0] is not None and rule[0] >= party_size]
    if covering:
        return min(covering, key=lambda rule: rule[0])[1]
    for up_to_party, minutes in rules:
        if up_to_party is None:
            return minutes
    return default


def overlaps(a_starts: int, a_ends: int, b_starts: int, b_ends: int) -> bool:
    """Whether half-open [a_starts, a_ends) and [b_starts, b_ends) share a minute. An empty
    interval shares none, and touching ends do not overlap."""
    return a_starts < a_ends and b_starts < b_ends and a_starts < b_ends and b_starts < a_ends


def busy_tables(
    visits: Iterable[Visit], starts: int, ends: int, *, exclude_booking: int | None = None
) -> set[int]:
    """The tables held at some minute of [starts, ends), by any visit but `exclude_booking`'s
    (a booking being moved does not stand in its own way)."""
    busy: set[int] = set()
    for visit in visits:
        if visit.booking_id != exclude_booking and overlaps(visit.starts, visit.ends, starts, ends):
            busy.update(visit.table_ids)
    return busy


def _best_single(free: Sequence[TableSpec], party_size: int) -> TableSpec | None:
    """The smallest free table whose seat range covers the party; ties by (position, id)."""
    fitting = [t for t in free if t.min_seats <= party_size <= t.max_seats]
    if not fitting:
        return None
    return min(fitting, key=lambda t: (t.max_seats, *_order(t)))


def _best_combination(free: Sequence[TableSpec], party_size: int) -> tuple[TableSpec, ...] | None:
    """The best combination of 2..MAX_COMBINED_TABLES free tables of one group, or None.

    `free` is in (position, id) order, so `itertools.combinations` yields each group's
    combinations in the order of their keys: within a group the first combination with the
    fewest empty seats is that group's best, and the search of a group stops once no later one
    can have fewer. A group whose largest tables cannot seat the party at a size is skipped.
    """
    groups: dict[str, list[TableSpec]] = {}
    for table in free:
        if table.group:
            groups.setdefault(table.group, []).append(table)
    members = [(tables, sorted(t.max_seats for t in tables)) for tables in groups.values()]
    for size in range(2, MAX_COMBINED_TABLES + 1):
        best: tuple[int, tuple[tuple[int, int], ...], tuple[TableSpec, ...]] | None = None
        for tables, seats in members:
            if len(tables) < size or sum(seats[-size:]) < party_size:
                continue
            floor = max(sum(seats[:size]) - party_size, 0)  # no combination has fewer empty
            if best is not None and floor > best[0]:
                continue
            group_best: tuple[int, tuple[TableSpec, ...]] | None = None
            for combo in itertools.combinations(tables, size):
                empty = sum(t.max_seats for t in combo) - party_size
                if empty >= 0 and (group_best is None or empty < group_best[0]):
                    group_best = (empty, combo)
                    if empty == floor:
                        break
            if group_best is not None:
                key = (group_best[0], tuple(_order(t) for t in group_best[1]), group_best[1])
                if best is None or key[:2] < best[:2]:
                    best = key
        if best is not None:
            return best[2]
    return None


def _best_fit_sorted(free: Sequence[TableSpec], party_size: int) -> tuple[TableSpec, ...] | None:
    """`best_fit` over free tables already in (position, id) order."""
    single = _best_single(free, party_size)
    if single is not None:
        return (single,)
    return _best_combination(free, party_size)


def best_fit(
    tables: Sequence[TableSpec], party_size: int, busy: Collection[int]
) -> tuple[TableSpec, ...] | None:
    """Where a party sits, chosen for it: the smallest single free table that fits, else the
    combination of one group's free tables with the fewest tables, then the fewest empty seats,
    then the first in display order; None when neither exists. Ordered by (position, id)."""
    busy = _as_set(busy)
    free = sorted((t for t in tables if t.id not in busy), key=_order)
    return _best_fit_sorted(free, party_size)


def _fits_somewhere(tables: Sequence[TableSpec], party_size: int, busy: Collection[int]) -> bool:
    """Whether `best_fit` would seat the party, without choosing: a single table fits, or some
    group has two or more free tables whose largest (up to MAX_COMBINED_TABLES) seat it."""
    groups: dict[str, list[int]] = {}
    for table in tables:
        if table.id in busy:
            continue
        if table.min_seats <= party_size <= table.max_seats:
            return True
        if table.group:
            groups.setdefault(table.group, []).append(table.max_seats)
    return any(
        len(seats) >= 2 and sum(heapq.nlargest(MAX_COMBINED_TABLES, seats)) >= party_size
        for seats in groups.values()
    )


def check_tables(
    tables: Sequence[TableSpec],
    chosen_ids: Sequence[int],
    party_size: int,
    busy: Collection[int],
    *,
    override_size: bool = False,
) -> tuple[TableSpec, ...]:
    """A host's own pick of tables, checked; the chosen tables in (position, id) order.

    SeatingRefused, in this order: "unknown_table" (nothing chosen, or ids not among `tables`),
    "taken" (a chosen table is busy: never overridable, it would seat two parties at once);
    then, unless `override_size`: "not_combinable" (several tables not all of one group),
    "too_small" (their seats do not reach the party), "too_large" (a single table whose
    `min_seats` exceed the party). `table_ids` names the offending tables.
    """
    by_id = {table.id: table for table in tables}
    ids = list(dict.fromkeys(chosen_ids))
    if not ids:
        raise SeatingRefused("unknown_table")
    unknown = tuple(sorted(i for i in ids if i not in by_id))
    if unknown:
        raise SeatingRefused("unknown_table", unknown)
    chosen = tuple(sorted((by_id[i] for i in ids), key=_order))
    chosen_ids_ordered = tuple(t.id for t in chosen)
    busy = _as_set(busy)
    taken = tuple(i for i in chosen_ids_ordered if i in busy)
    if taken:
        raise SeatingRefused("taken", taken)
    if override_size:
        return chosen
    if len(chosen) > 1 and (not chosen[0].group or any(t.group != chosen[0].group for t in chosen)):
        raise SeatingRefused("not_combinable", chosen_ids_ordered)
    if sum(t.max_seats for t in chosen) < party_size:
        raise SeatingRefused("too_small", chosen_ids_ordered)
    if len(chosen) == 1 and chosen[0].min_seats > party_size:
        raise SeatingRefused("too_large", chosen_ids_ordered)
    return chosen


def pacing_allows(
    visits: Iterable[Visit],
    starts: int,
    party_size: int,
    limit: int | None,
    *,
    exclude_booking: int | None = None,
) -> bool:
    """Whether the party may arrive at `starts`: the guests of the visits starting then (but
    `exclude_booking`'s) plus the party stay within `limit`. No limit, no cap."""
    if limit is None:
        return True
    arriving = sum(
        v.party_size for v in visits if v.starts == starts and v.booking_id != exclude_booking
    )
    return arriving + party_size <= limit


def tables_held_at(visits: Iterable[Visit], minute: int, open_ids: Collection[int]) -> int:
    """How many of `open_ids` some visit holds at `minute` (starts <= minute < ends): the v1
    "booked" count of a slot. A table held by two visits counts once."""
    open_ids = _as_set(open_ids)
    held: set[int] = set()
    for visit in visits:
        if visit.starts <= minute < visit.ends:
            held.update(visit.table_ids)
    return len(held & open_ids)


def slot_availability(
    tables: Sequence[TableSpec],
    visits: Sequence[Visit],
    slot_starts: Sequence[int],
    party_size: int,
    *,
    visit_length: int,
    pacing_limit: int | None,
) -> list[bool]:
    """For each start, whether the party can be seated for [start, start + visit_length) and
    the pacing lets it arrive then: `best_fit(...) is not None and pacing_allows(...)`.

    A day's slot list asks this for every start, so the visits are read once (their intervals,
    tables and the guests arriving at each start) and the seating is only tested, not chosen.
    """
    held = [(v.starts, v.ends, v.table_ids) for v in visits if v.starts < v.ends and v.table_ids]
    arriving: Counter[int] = Counter()
    for visit in visits:
        arriving[visit.starts] += visit.party_size
    result: list[bool] = []
    for start in slot_starts:
        if pacing_limit is not None and arriving[start] + party_size > pacing_limit:
            result.append(False)
            continue
        ends = start + visit_length
        busy: set[int] = set()
        if start < ends:
            for v_starts, v_ends, table_ids in held:
                if v_starts < ends and start < v_ends:
                    busy.update(table_ids)
        result.append(_fits_somewhere(tables, party_size, busy))
    return result


def nearest_starts(
    available: Sequence[bool],
    slot_starts: Sequence[int],
    asked: int,
    *,
    limit: int = 2,
    after: int | None = None,
) -> list[int]:
    """The available starts to offer instead of `asked`: nearest first (the earlier on a tie),
    at most `limit`, and with `after` none before it (so none in the past)."""
    if len(available) != len(slot_starts):
        raise ValueError("available and slot_starts differ in length")
    candidates = {
        start
        for flag, start in zip(available, slot_starts, strict=True)
        if flag and start != asked and (after is None or start >= after)
    }
    return sorted(candidates, key=lambda start: (abs(start - asked), start))[: max(limit, 0)]


def earliest_start(
    tables: Sequence[TableSpec],
    visits: Sequence[Visit],
    party_size: int,
    *,
    visit_length: int,
    after: int,
    before: int,
) -> int | None:
    """The first minute from `after` (and before `before`) at which `best_fit` would seat the
    party for a whole visit, or None. Tables only free up when a visit ends, so the candidates
    are `after` itself and the ends of the visits after it: a waitlist's quoted wait."""
    candidates = sorted({after} | {v.ends for v in visits if after < v.ends < before})
    for start in candidates:
        if _fits_somewhere(tables, party_size, busy_tables(visits, start, start + visit_length)):
            return start
    return None


def queued_start(
    tables: Sequence[TableSpec],
    visits: Sequence[Visit],
    party_size: int,
    *,
    ahead: Sequence[tuple[int, int]],
    visit_length: int,
    after: int,
    before: int,
) -> int | None:
    """`earliest_start` for a party behind others on a waitlist. `ahead` is the parties before
    it, in queue order, each as (party size, visit length): each in turn is seated at the first
    start that fits it (`best_fit` there), and holds those tables for its visit, before this
    party is placed. A party ahead that fits nowhere today takes nothing; a party ahead that
    needs a table this party cannot use does not delay it."""
    held = list(visits)
    for queued, (size, length) in enumerate(ahead, start=1):
        start = earliest_start(tables, held, size, visit_length=length, after=after, before=before)
        if start is None:
            continue
        seats = best_fit(tables, size, busy_tables(held, start, start + length))
        if seats is None:  # pragma: no cover - earliest_start found a fit there
            continue
        held.append(
            Visit(
                booking_id=-queued,  # not a booking: never excluded, never a real id
                starts=start,
                ends=start + length,
                party_size=size,
                table_ids=frozenset(t.id for t in seats),
            )
        )
    return earliest_start(
        tables, held, party_size, visit_length=visit_length, after=after, before=before
    )
