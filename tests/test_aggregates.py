"""Stance counts by party per month, from the same timelines as the person pages."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from independent import independent_stances
from sqlmodel import select

from tracker.models import Person

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def _labour_sitting_on(shared_data, day: date) -> set[int]:  # type: ignore[no-untyped-def]
    """Parliament ids of the Labour MPs sitting on ``day``, straight from the data file."""
    path = shared_data / "mps" / "mps_2019_parliament_memberships.csv"
    with path.open(encoding="utf-8") as handle:
        return {int(r["parliament_member_id"]) for r in csv.DictReader(handle)
                if r["party"] in ("labour", "labourco-operative")
                and date.fromisoformat(r["start_date"]) <= day
                and (not r["end_date"] or date.fromisoformat(r["end_date"]) >= day)}


def _ceasefire_on(session, shared_data, day: date) -> int:  # type: ignore[no-untyped-def]
    ids = set(session.exec(select(Person.id).where(
        Person.parliament_id.in_(_labour_sitting_on(shared_data, day)))).all())  # type: ignore[union-attr]
    return sum(1 for stance in independent_stances(session, ids, day).values() if stance == "ceasefire")


@pytest.mark.imported
def test_labour_counts_by_month_match_the_evidence(cli, session, shared_data):
    result = cli("aggregate", "--by", "party", "--from", "2023-11", "--to", "2023-12")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0].keys() == {"month", "party", "stance", "count"}
    counts = {(r["month"], r["party"], r["stance"]): int(r["count"]) for r in rows}

    # Every sitting Labour MP is counted once a month; the ceasefire counts match a count made
    # straight from the rows: before the vote, signers of early day motions; after it, the
    # Labour ayes of 15 Nov 2023 as well.
    for month, day in (("2023-11", date(2023, 11, 1)), ("2023-12", date(2023, 12, 1))):
        total = sum(v for (m, p, _s), v in counts.items() if m == month and p == "Labour")
        assert total == len(_labour_sitting_on(shared_data, day))
        assert counts[(month, "Labour", "ceasefire")] == _ceasefire_on(session, shared_data, day)
    assert counts[("2023-12", "Labour", "ceasefire")] - counts[("2023-11", "Labour", "ceasefire")] >= 20
    # Every stance of the scale has a row, zeros included, so a chart and its CSV agree.
    assert {s for (m, p, s) in counts if m == "2023-12" and p == "Labour"} == {
        "ceasefire", "humanitarian", "pause", "opposed", "unknown"}


def test_unknown_body_is_a_clear_error(cli):
    result = cli("aggregate", "--body", "no-such-body")
    assert result.exit_code == 1
    assert "no body 'no-such-body'" in result.output
