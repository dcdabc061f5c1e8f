"""Stance counts by party per month, from the same timelines as the person pages."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def _labour_sitting_on(shared_data, day: date) -> int:  # type: ignore[no-untyped-def]
    path = shared_data / "mps" / "mps_2019_parliament_memberships.csv"
    with path.open(encoding="utf-8") as handle:
        return sum(1 for r in csv.DictReader(handle)
                   if r["party"] in ("labour", "labourco-operative")
                   and date.fromisoformat(r["start_date"]) <= day
                   and (not r["end_date"] or date.fromisoformat(r["end_date"]) >= day))


def test_labour_counts_by_month_match_the_evidence(cli, shared_data):
    cli("import", "all", "--data-dir", str(shared_data))
    result = cli("aggregate", "--by", "party", "--from", "2023-11", "--to", "2023-12")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0].keys() == {"month", "party", "stance", "count"}
    counts = {(r["month"], r["party"], r["stance"]): int(r["count"]) for r in rows}

    # Before the vote no Labour MP has a recorded stance; after it, the 33 listed ayes do.
    labour_nov = sum(v for (m, p, _s), v in counts.items() if m == "2023-11" and p == "Labour")
    assert counts[("2023-11", "Labour", "ceasefire")] == 0
    assert labour_nov == _labour_sitting_on(shared_data, date(2023, 11, 1))
    assert counts[("2023-12", "Labour", "ceasefire")] == 33
    assert counts[("2023-12", "Labour", "unknown")] == _labour_sitting_on(shared_data, date(2023, 12, 1)) - 33
    # Every stance of the scale has a row, zeros included, so a chart and its CSV agree.
    assert {s for (m, p, s) in counts if m == "2023-12" and p == "Labour"} == {
        "ceasefire", "humanitarian", "pause", "opposed", "unknown"}


def test_unknown_body_is_a_clear_error(cli):
    result = cli("aggregate", "--body", "no-such-body")
    assert result.exit_code == 1
    assert "no body 'no-such-body'" in result.output
