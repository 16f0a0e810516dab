"""A described floor for the tests of the host's shift (timeline, walk-ins, waitlist)."""

from __future__ import annotations

from restaurants.models import Table, VisitLength


def describe_floor(restaurant) -> dict[str, Table]:
    """Two 2-tops and a 4-top in the hall (the 2-tops push together), a 6-top on the terrace;
    parties up to 2 stay 90 minutes, up to 4 two hours, larger ones 150 minutes."""
    tables = {
        "H1": Table.objects.create(
            restaurant=restaurant,
            name="H1",
            max_seats=2,
            area="hall",
            combination_group="hall",
            position=1,
        ),
        "H2": Table.objects.create(
            restaurant=restaurant,
            name="H2",
            max_seats=2,
            area="hall",
            combination_group="hall",
            position=2,
        ),
        "H4": Table.objects.create(
            restaurant=restaurant, name="H4", min_seats=3, max_seats=4, area="hall", position=3
        ),
        "T6": Table.objects.create(
            restaurant=restaurant, name="T6", min_seats=4, max_seats=6, area="terrace", position=4
        ),
    }
    VisitLength.objects.create(restaurant=restaurant, up_to_party=2, minutes=90)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=4, minutes=120)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=None, minutes=150)
    return tables
