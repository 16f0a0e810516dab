"""The rules of seating as plain code: no database, no cache."""

from __future__ import annotations

import itertools
import random

import pytest

from bookings.availability import seating
from bookings.availability.seating import (
    MAX_COMBINED_TABLES,
    SeatingRefused,
    TableSpec,
    Visit,
    best_fit,
    busy_tables,
    check_tables,
    nearest_starts,
    overlaps,
    pacing_allows,
    slot_availability,
    tables_held_at,
    visit_minutes,
)

H = 60  # minutes in an hour: 18 * H is 18:00


def table(id, max_seats, *, min_seats=1, group="", position=0):
    return TableSpec(
        id=id,
        name=f"T{id}",
        min_seats=min_seats,
        max_seats=max_seats,
        group=group,
        position=position,
    )


def visit(booking_id, starts, ends, table_ids, party_size=2):
    return Visit(
        booking_id=booking_id,
        starts=starts,
        ends=ends,
        party_size=party_size,
        table_ids=frozenset(table_ids),
    )


def ids(tables):
    return None if tables is None else tuple(t.id for t in tables)


# visit_minutes


@pytest.mark.parametrize(
    ("party", "minutes"),
    [(1, 90), (2, 90), (3, 120), (4, 120), (5, 150), (12, 150)],
)
def test_visit_minutes_take_the_smallest_rule_covering_the_party_else_the_open_one(party, minutes):
    rules = [(None, 150), (4, 120), (2, 90)]  # out of order on purpose
    assert visit_minutes(rules, party, default=100) == minutes


def test_visit_minutes_fall_back_to_the_default_without_an_open_rule():
    rules = [(6, 120), (2, 90)]
    assert visit_minutes(rules, 7, default=100) == 100
    assert visit_minutes(rules, 6, default=100) == 120
    assert visit_minutes([], 2, default=100) == 100
    assert visit_minutes([(None, 180)], 2, default=100) == 180


# overlaps and busy_tables


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((18 * H, 20 * H), (19 * H, 21 * H), True),
        ((18 * H, 20 * H), (20 * H, 22 * H), False),  # touching ends: half-open
        ((20 * H, 22 * H), (18 * H, 20 * H), False),
        ((18 * H, 22 * H), (19 * H, 20 * H), True),  # one inside the other
        ((18 * H, 20 * H), (18 * H, 20 * H), True),
        ((18 * H, 19 * H), (20 * H, 21 * H), False),
        ((19 * H, 19 * H), (18 * H, 20 * H), False),  # an empty interval holds no minute
    ],
)
def test_overlaps_is_half_open(a, b, expected):
    assert overlaps(*a, *b) is expected
    assert overlaps(*b, *a) is expected


def test_an_18_00_visit_of_two_hours_blocks_19_00_but_not_20_00():
    visits = [visit(1, 18 * H, 20 * H, {1, 2}), visit(2, 21 * H, 23 * H, {3})]
    assert busy_tables(visits, 19 * H, 21 * H) == {1, 2}
    assert busy_tables(visits, 20 * H, 21 * H) == set()  # ends exactly when the other starts
    assert busy_tables(visits, 20 * H, 22 * H) == {3}
    assert busy_tables(visits, 17 * H, 18 * H) == set()
    assert busy_tables(visits, 17 * H, 18 * H + 1) == {1, 2}


def test_visits_after_midnight_count_past_1440():
    visits = [visit(1, 23 * H, 25 * H, {4})]
    assert busy_tables(visits, 24 * H + 30, 26 * H) == {4}
    assert busy_tables(visits, 25 * H, 26 * H) == set()


def test_busy_tables_leave_out_the_booking_being_moved():
    visits = [visit(1, 18 * H, 20 * H, {1}), visit(2, 19 * H, 21 * H, {2})]
    assert busy_tables(visits, 19 * H, 20 * H, exclude_booking=1) == {2}
    assert busy_tables(visits, 19 * H, 20 * H, exclude_booking=2) == {1}
    assert busy_tables(visits, 19 * H, 20 * H, exclude_booking=99) == {1, 2}


# best_fit: single tables


def test_best_fit_takes_the_smallest_single_table_that_fits():
    tables = [table(1, 6), table(2, 4), table(3, 2), table(4, 8)]
    assert ids(best_fit(tables, 3, busy=set())) == (2,)
    assert ids(best_fit(tables, 2, busy=set())) == (3,)
    assert ids(best_fit(tables, 2, busy={3})) == (2,)
    assert ids(best_fit(tables, 7, busy=[])) == (4,)


def test_best_fit_ties_go_to_position_then_id():
    tables = [
        table(5, 4, position=2),
        table(3, 4, position=1),
        table(9, 4, position=1),
        table(1, 4, position=3),
    ]
    assert ids(best_fit(tables, 4, busy=set())) == (3,)
    assert ids(best_fit(tables, 4, busy={3})) == (9,)
    assert ids(best_fit(tables, 4, busy={3, 9})) == (5,)
    # Equal position: the lower id.
    assert ids(best_fit([table(8, 4), table(7, 4)], 2, busy=set())) == (7,)


def test_best_fit_respects_min_seats_of_a_single_table():
    tables = [table(1, 6, min_seats=4), table(2, 2, min_seats=2)]
    assert ids(best_fit(tables, 2, busy=set())) == (2,)
    assert ids(best_fit(tables, 4, busy=set())) == (1,)
    assert best_fit(tables, 3, busy=set()) is None  # the 2 is too small, the 6 wants 4 or more
    assert best_fit(tables, 2, busy={2}) is None


def test_a_party_of_one_does_not_take_a_min_two_table():
    tables = [table(1, 2, min_seats=2), table(2, 4, min_seats=2)]
    assert best_fit(tables, 1, busy=set()) is None
    # A lone table of a group is no combination either.
    assert best_fit([table(1, 2, min_seats=2, group="a")], 1, busy=set()) is None


def test_min_two_tables_of_one_group_combine_even_for_a_party_of_one():
    # The rule as written: min_seats do not apply to a combination, so when no single table
    # takes the party, two grouped tables do, however few the guests.
    tables = [table(1, 2, min_seats=2, group="a"), table(2, 2, min_seats=2, group="a")]
    assert ids(best_fit(tables, 1, busy=set())) == (1, 2)


def test_a_single_table_wins_over_a_combination_with_fewer_empty_seats():
    tables = [table(1, 2, group="a"), table(2, 2, group="a"), table(3, 6)]
    assert ids(best_fit(tables, 4, busy=set())) == (3,)


# best_fit: combinations


def test_best_fit_combines_tables_of_one_group_when_no_single_table_fits():
    tables = [
        table(1, 2, group="window", position=1),
        table(2, 2, group="window", position=2),
        table(3, 4, group="window", position=3),
        table(4, 4),
    ]
    assert ids(best_fit(tables, 6, busy=set())) == (1, 3)  # 2+4, no empty seats
    assert ids(best_fit(tables, 5, busy=set())) == (1, 3)  # 2+4 before 2+4 of table 2
    assert ids(best_fit(tables, 6, busy={1})) == (2, 3)
    assert ids(best_fit(tables, 8, busy=set())) == (1, 2, 3)  # ungrouped 4 never joins


def test_combinations_prefer_fewest_tables_then_fewest_empty_seats():
    tables = [
        table(1, 2, group="a", position=1),
        table(2, 2, group="a", position=2),
        table(3, 2, group="a", position=3),
        table(4, 6, group="a", position=4),
    ]
    # Two tables (2+6, two empty) beat three (2+2+2, none empty).
    assert ids(best_fit(tables, 7, busy=set())) == (1, 4)
    tables = [
        table(1, 4, group="a", position=1),
        table(2, 6, group="a", position=2),
        table(3, 3, group="a", position=3),
    ]
    # Of the pairs 4+6 (3 empty), 4+3 (0 empty), 6+3 (2 empty): 4+3.
    assert ids(best_fit(tables, 7, busy=set())) == (1, 3)


def test_combination_ties_go_to_the_smallest_sorted_position_id_tuple():
    tables = [
        table(10, 3, group="b", position=5),
        table(11, 3, group="b", position=1),
        table(12, 3, group="a", position=2),
        table(13, 3, group="a", position=3),
        table(14, 3, group="b", position=2),
    ]
    # Every pair seats 6 exactly; b's (1, 11), (2, 14) sorts before a's (2, 12), (3, 13).
    assert ids(best_fit(tables, 6, busy=set())) == (11, 14)
    assert ids(best_fit(tables, 6, busy={11})) == (12, 13)
    # Equal positions across groups: the lower id decides.
    tables = [table(2, 3, group="x"), table(4, 3, group="x"), table(1, 3, group="y")]
    tables.append(table(3, 3, group="y"))
    assert ids(best_fit(tables, 5, busy=set())) == (1, 3)


def test_a_better_group_beats_an_earlier_one_at_the_same_size():
    tables = [
        table(1, 4, group="a", position=1),
        table(2, 4, group="a", position=2),
        table(3, 3, group="b", position=3),
        table(4, 3, group="b", position=4),
    ]
    assert ids(best_fit(tables, 6, busy=set())) == (3, 4)  # 3+3 has no empty seats, 4+4 two


def test_tables_are_never_combined_across_groups_or_when_ungrouped():
    across = [table(1, 4, group="a"), table(2, 4, group="b")]
    assert best_fit(across, 8, busy=set()) is None
    ungrouped = [table(1, 4), table(2, 4), table(3, 4)]
    assert best_fit(ungrouped, 8, busy=set()) is None
    mixed = [table(1, 4, group="a"), table(2, 4), table(3, 2, group="a")]
    assert ids(best_fit(mixed, 6, busy=set())) == (1, 3)
    assert best_fit(mixed, 7, busy=set()) is None


def test_combinations_take_at_most_six_tables_and_only_free_ones():
    tables = [table(i, 2, group="long", position=i) for i in range(1, 9)]
    assert MAX_COMBINED_TABLES == 6
    assert ids(best_fit(tables, 12, busy=set())) == (1, 2, 3, 4, 5, 6)
    assert ids(best_fit(tables, 11, busy={1, 3})) == (2, 4, 5, 6, 7, 8)
    assert best_fit(tables, 13, busy=set()) is None  # seven 2-tops would seat 13: over the cap
    assert best_fit(tables, 12, busy={1, 2, 3}) is None  # five left


def test_min_seats_do_not_apply_to_a_combination():
    tables = [table(1, 6, min_seats=5, group="a"), table(2, 6, min_seats=5, group="a")]
    assert ids(best_fit(tables, 7, busy=set())) == (1, 2)


def test_best_fit_returns_tables_in_position_id_order():
    tables = [table(7, 2, group="a", position=3), table(3, 2, group="a", position=1)]
    assert ids(best_fit(tables, 4, busy=set())) == (3, 7)


def test_best_fit_is_none_when_everything_is_busy():
    tables = [table(1, 4, group="a"), table(2, 4, group="a")]
    assert best_fit(tables, 2, busy={1, 2}) is None
    assert best_fit([], 2, busy=set()) is None


def _brute_force_fit(tables, party, busy):
    """The rule of best_fit, written the slow, obvious way."""
    free = [t for t in tables if t.id not in busy]
    singles = [t for t in free if t.min_seats <= party <= t.max_seats]
    if singles:
        return (min(singles, key=lambda t: (t.max_seats, t.position, t.id)).id,)
    for size in range(2, MAX_COMBINED_TABLES + 1):
        fits = []
        for combo in itertools.combinations(free, size):
            groups = {t.group for t in combo}
            seats = sum(t.max_seats for t in combo)
            if len(groups) == 1 and "" not in groups and seats >= party:
                key = tuple(sorted((t.position, t.id) for t in combo))
                fits.append((seats - party, key))
        if fits:
            return tuple(table_id for _, table_id in min(fits)[1])
    return None


def test_best_fit_on_random_floors_seats_the_party_at_free_tables_of_one_group():
    rng = random.Random(20240607)
    for case in range(400):
        tables = []
        for table_id in range(1, rng.randint(1, 10) + 1):
            max_seats = rng.choice([1, 2, 2, 4, 4, 6, 8])
            tables.append(
                table(
                    table_id,
                    max_seats,
                    min_seats=rng.randint(1, max_seats),
                    group=rng.choice(["", "a", "a", "b"]),
                    position=rng.randint(0, 4),
                )
            )
        rng.shuffle(tables)
        visits = []
        for booking_id in range(rng.randint(0, 6)):
            starts = rng.randrange(17 * H, 23 * H, 15)
            held = rng.sample([t.id for t in tables], rng.randint(1, min(2, len(tables))))
            visits.append(visit(booking_id, starts, starts + rng.choice([60, 90, 120]), held))
        starts = rng.randrange(17 * H, 23 * H, 15)
        party = rng.randint(1, 16)
        busy = busy_tables(visits, starts, starts + 90)

        chosen = best_fit(tables, party, busy)

        assert ids(chosen) == _brute_force_fit(tables, party, busy), case
        assert seating._fits_somewhere(tables, party, busy) is (chosen is not None), case
        if chosen is None:
            continue
        assert all(t.id not in busy for t in chosen), case
        assert sum(t.max_seats for t in chosen) >= party, case
        assert list(chosen) == sorted(chosen, key=lambda t: (t.position, t.id)), case
        if len(chosen) == 1:
            assert chosen[0].min_seats <= party <= chosen[0].max_seats, case
        else:
            assert len(chosen) <= MAX_COMBINED_TABLES, case
            assert len({t.group for t in chosen}) == 1 and chosen[0].group, case
        # What best_fit chooses, a host may pick too.
        assert check_tables(tables, [t.id for t in chosen], party, busy) == chosen, case


# check_tables


FLOOR = [
    table(1, 2, min_seats=1, group="window", position=1),
    table(2, 4, min_seats=2, group="window", position=2),
    table(3, 6, min_seats=4, group="patio", position=3),
    table(4, 8, min_seats=5, position=4),
]


def refusal(*args, **kwargs):
    with pytest.raises(SeatingRefused) as caught:
        check_tables(*args, **kwargs)
    return caught.value.code, caught.value.table_ids


def test_check_tables_returns_the_chosen_tables_in_position_order_without_duplicates():
    assert ids(check_tables(FLOOR, [2, 1, 2], 5, busy=set())) == (1, 2)
    assert ids(check_tables(FLOOR, [3], 4, busy={1})) == (3,)


def test_check_tables_refuses_unknown_or_no_tables():
    assert refusal(FLOOR, [], 2, set()) == ("unknown_table", ())
    assert refusal(FLOOR, [9, 1, 7], 2, set()) == ("unknown_table", (7, 9))
    # Unknown comes before taken, and override_size does not lift it.
    assert refusal(FLOOR, [1, 9], 2, {1}, override_size=True) == ("unknown_table", (9,))


def test_check_tables_refuses_busy_tables_even_with_the_size_override():
    assert refusal(FLOOR, [2, 1], 3, {2, 3}) == ("taken", (2,))
    assert refusal(FLOOR, [4], 30, {4}, override_size=True) == ("taken", (4,))


def test_check_tables_refuses_tables_that_do_not_combine():
    assert refusal(FLOOR, [3, 2], 8, set()) == ("not_combinable", (2, 3))  # two groups
    assert refusal(FLOOR, [4, 1], 8, set()) == ("not_combinable", (1, 4))  # 4 has no group
    ungrouped = [table(5, 2), table(6, 2)]
    assert refusal(ungrouped, [5, 6], 4, set()) == ("not_combinable", (5, 6))  # both ""
    # not_combinable comes before too_small.
    assert refusal(FLOOR, [1, 3], 20, set()) == ("not_combinable", (1, 3))


def test_check_tables_refuses_too_few_seats():
    assert refusal(FLOOR, [1, 2], 7, set()) == ("too_small", (1, 2))
    assert refusal(FLOOR, [2], 5, set()) == ("too_small", (2,))


def test_check_tables_refuses_a_single_table_too_large_for_the_party():
    assert refusal(FLOOR, [4], 4, set()) == ("too_large", (4,))
    assert ids(check_tables(FLOOR, [4], 5, set())) == (4,)
    # A combination is never too large: min_seats do not apply to it.
    assert ids(check_tables(FLOOR, [1, 2], 1, set())) == (1, 2)


def test_the_size_override_lifts_every_size_rule_but_not_taken():
    assert ids(check_tables(FLOOR, [3, 2], 8, set(), override_size=True)) == (2, 3)
    assert ids(check_tables(FLOOR, [1, 2], 9, set(), override_size=True)) == (1, 2)
    assert ids(check_tables(FLOOR, [4], 2, set(), override_size=True)) == (4,)


def test_seating_refused_carries_its_code_and_tables():
    error = SeatingRefused("taken", (3, 4))
    assert (error.code, error.table_ids, str(error)) == ("taken", (3, 4), "taken")
    assert SeatingRefused("too_small").table_ids == ()


# pacing_allows and tables_held_at


def test_pacing_counts_the_guests_arriving_at_that_very_start():
    visits = [
        visit(1, 19 * H, 21 * H, {1}, party_size=4),
        visit(2, 19 * H, 21 * H, {2}, party_size=3),
        visit(3, 19 * H - 15, 21 * H, {3}, party_size=6),  # arrives earlier: not counted
    ]
    assert pacing_allows(visits, 19 * H, 3, limit=10) is True  # 4 + 3 + 3 == 10
    assert pacing_allows(visits, 19 * H, 4, limit=10) is False
    assert pacing_allows(visits, 19 * H, 50, limit=None) is True
    assert pacing_allows(visits, 19 * H + 15, 10, limit=10) is True
    assert pacing_allows(visits, 19 * H, 7, limit=10, exclude_booking=1) is True
    assert pacing_allows(visits, 19 * H, 8, limit=10, exclude_booking=1) is False
    assert pacing_allows([], 19 * H, 10, limit=9) is False


def test_tables_held_at_counts_open_tables_held_at_that_minute():
    visits = [
        visit(1, 18 * H, 20 * H, {1, 2}),
        visit(2, 19 * H, 21 * H, {3}),
        visit(3, 19 * H, 20 * H, {2}),  # the same table twice counts once
        visit(4, 19 * H, 21 * H, {9}),  # not an open table
    ]
    open_ids = {1, 2, 3, 4}
    assert tables_held_at(visits, 19 * H, open_ids) == 3
    assert tables_held_at(visits, 18 * H, open_ids) == 2
    assert tables_held_at(visits, 20 * H, open_ids) == 1  # 18:00's visit has ended
    assert tables_held_at(visits, 21 * H, open_ids) == 0
    assert tables_held_at(visits, 19 * H, [3]) == 1


# slot_availability and nearest_starts


EVENING = [18 * H, 19 * H, 20 * H, 21 * H]
SMALL_FLOOR = [
    table(1, 2, group="bar", position=1),
    table(2, 2, group="bar", position=2),
    table(3, 4, position=3),
]


def test_slot_availability_across_an_evening():
    visits = [
        visit(1, 18 * H, 20 * H, {3}, party_size=4),
        visit(2, 19 * H, 21 * H, {1}, party_size=2),
    ]
    # A 4 for 90 minutes: at 18:00 and 19:00 the 4-top is held and the 2-top 1 is from 19:00,
    # so 2+2 does not stand; at 20:00 the 4-top is free again (18:00's visit ends at 20:00).
    assert slot_availability(
        SMALL_FLOOR, visits, EVENING, 4, visit_length=90, pacing_limit=None
    ) == [False, False, True, True]
    # For 60 minutes the 18:00 visit ends at 19:00, before the 2-top 1 is taken: 2+2 at 18:00.
    assert slot_availability(
        SMALL_FLOOR, visits, EVENING, 4, visit_length=60, pacing_limit=None
    ) == [True, False, True, True]
    assert slot_availability(
        SMALL_FLOOR, visits, EVENING, 2, visit_length=90, pacing_limit=None
    ) == [True, True, True, True]
    assert slot_availability(
        SMALL_FLOOR, visits, EVENING, 5, visit_length=60, pacing_limit=None
    ) == [False, False, False, False]


def test_slot_availability_applies_the_pacing_limit():
    visits = [visit(1, 18 * H, 19 * H, {3}, party_size=4)]
    assert slot_availability(SMALL_FLOOR, visits, EVENING, 2, visit_length=60, pacing_limit=5) == [
        False,
        True,
        True,
        True,
    ]
    assert slot_availability(SMALL_FLOOR, visits, EVENING, 2, visit_length=60, pacing_limit=6) == [
        True,
        True,
        True,
        True,
    ]


def test_slot_availability_agrees_with_best_fit_and_pacing_allows():
    rng = random.Random(7)
    for case in range(100):
        tables = [
            table(i, rng.choice([2, 4, 6]), group=rng.choice(["", "a", "b"]), position=i)
            for i in range(1, 9)
        ]
        visits = []
        for booking_id in range(rng.randint(0, 10)):
            starts = rng.randrange(17 * H, 23 * H, 30)
            held = rng.sample(range(1, 9), rng.randint(1, 2))
            visits.append(visit(booking_id, starts, starts + 90, held, rng.randint(1, 6)))
        slot_starts = list(range(17 * H, 23 * H, 30))
        party, length, limit = rng.randint(1, 14), rng.choice([60, 90, 120]), rng.choice([None, 8])
        expected = [
            best_fit(tables, party, busy_tables(visits, s, s + length)) is not None
            and pacing_allows(visits, s, party, limit)
            for s in slot_starts
        ]
        assert (
            slot_availability(
                tables, visits, slot_starts, party, visit_length=length, pacing_limit=limit
            )
            == expected
        ), case


def test_nearest_starts_offer_the_closest_available_earlier_first():
    starts = [18 * H, 18 * H + 30, 19 * H, 19 * H + 30, 20 * H]
    available = [True, True, False, True, True]
    assert nearest_starts(available, starts, 19 * H) == [18 * H + 30, 19 * H + 30]
    assert nearest_starts(available, starts, 19 * H, limit=3) == [
        18 * H + 30,
        19 * H + 30,
        18 * H,
    ]
    assert nearest_starts(available, starts, 19 * H, limit=10) == [
        18 * H + 30,
        19 * H + 30,
        18 * H,
        20 * H,
    ]
    # The asked start itself is never offered, even when available.
    assert nearest_starts(available, starts, 18 * H + 30) == [18 * H, 19 * H + 30]
    assert nearest_starts(available, starts, 19 * H, limit=0) == []
    assert nearest_starts([False] * 5, starts, 19 * H) == []


def test_nearest_starts_after_leave_out_the_past():
    starts = [18 * H, 18 * H + 30, 19 * H, 19 * H + 30, 20 * H]
    available = [True, True, False, True, True]
    assert nearest_starts(available, starts, 19 * H, after=18 * H + 45) == [
        19 * H + 30,
        20 * H,
    ]
    assert nearest_starts(available, starts, 19 * H, after=19 * H + 30) == [19 * H + 30, 20 * H]
    assert nearest_starts(available, starts, 19 * H, after=21 * H) == []


def test_nearest_starts_refuse_mismatched_lists():
    with pytest.raises(ValueError):
        nearest_starts([True], [18 * H, 19 * H], 18 * H)


def test_queued_start_seats_the_parties_ahead_first_in_their_order():
    """Two 2-tops: one free at 60, one at 120; visits last 90 minutes. The first party ahead
    takes the table free at 60, the second the one free at 120, so a third starts at 150,
    when the first leaves."""
    tables = [table(1, 2), table(2, 2)]
    visits = [visit(10, 0, 60, {1}), visit(11, 0, 120, {2})]
    alone = seating.queued_start(tables, visits, 2, ahead=[], visit_length=90, after=0, before=600)
    behind = seating.queued_start(
        tables, visits, 2, ahead=[(2, 90), (2, 90)], visit_length=90, after=0, before=600
    )
    assert (alone, behind) == (60, 150)


def test_queued_start_a_party_ahead_that_fits_nowhere_takes_nothing():
    tables = [table(1, 2)]
    visits = [visit(10, 0, 60, {1})]
    start = seating.queued_start(
        tables, visits, 2, ahead=[(8, 120)], visit_length=90, after=0, before=600
    )
    assert start == 60


def test_queued_start_none_when_the_queue_fills_the_day():
    tables = [table(1, 2)]
    start = seating.queued_start(
        tables, [], 2, ahead=[(2, 90)] * 3, visit_length=90, after=0, before=270
    )
    assert start is None
