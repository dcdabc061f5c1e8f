"""Constituency pages with the real data: MP, evidence, candidates, earlier seats, bounded SQL."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest
from sqlmodel import select

from tracker.models import Area

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

HALL_GREEN = "/constituencies/birmingham-hall-green-and-moseley"
INDY100 = "https://votes.parliament.uk/votes/commons/division/1666"  # the official record, now held whole


def _candidates_by_seat(shared_data) -> Counter[str]:  # type: ignore[no-untyped-def]
    path = shared_data / "elections" / "HoC-GE2024-results-by-candidate.csv"
    with path.open(encoding="utf-8-sig") as handle:
        return Counter(row["ONS ID"] for row in csv.DictReader(handle))


def _section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start:page.index("</section>", start)]


@pytest.mark.imported
def test_hall_green_and_moseley_page_and_its_links(cli, client, shared_data, twin_rows):
    response = client.get(HALL_GREEN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    now = _section(page, "now-h")
    assert 'href="/people/tahir-ali"' in now and "Tahir Ali" in now
    assert "Calls for an immediate ceasefire" in now
    # The evidence behind the stance: the vote of 15 Nov 2023, with its source and division.
    assert "15 Nov 2023" in now and f'href="{INDY100}"' in now
    assert 'href="/divisions/2023-11-15-snp-amendment-h-immediate-ceasefire"' in now

    candidates = _section(page, "cand-h")
    assert candidates.count('data-label="Candidate"') == 8 == _candidates_by_seat(shared_data)["E14001094"]
    assert "12,798" in candidates
    # "No recorded position" is shown as a badge like any other stance, linking to the evidence.
    assert candidates.count("No recorded position") == 7
    assert 'href="/people/shakeel-afsar#evidence-h"' in candidates

    past = _section(page, "past-h")
    assert "Birmingham, Hall Green" in past
    assert 'href="/constituencies/birmingham-hall-green-2010"' in past
    assert "held by Tahir Ali before 2024" in past
    assert "no official mapping" in past

    councils = _section(page, "councils-h")
    assert 'href="/councils/birmingham-city-council">Birmingham City Council</a>' in councils
    assert "of Birmingham City Council lies in this constituency" in councils

    # The chart has a table alternative and the page's data link.
    chart = _section(page, "chart-h")
    assert "The numbers behind this chart" in chart and "Calls for an immediate ceasefire" in chart

    # The CSV/JSON twins carry the same facts, with a source URL on every row stating a stance.
    body = json.loads(client.get(HALL_GREEN + "?format=json").get_data(as_text=True))
    assert body["table"] == "representatives" and "candidates" in body["tables"]
    candidates = twin_rows(HALL_GREEN, "candidates")
    assert len(candidates) == 8
    ali = next(r for r in candidates if r["person"] == "tahir-ali")
    assert (ali["votes"], ali["elected"], ali["stance"]) == (12798, True, "ceasefire")
    assert ali["stance_source_url"] == INDY100
    evidence = twin_rows(HALL_GREEN, "current_evidence")
    assert [(e["date"], e["vote_position"], e["source_url"]) for e in evidence] == [
        ("2023-11-15", "aye", INDY100)]
    related = twin_rows(HALL_GREEN, "related_seats")
    assert {(r["seat_name"], r["how_linked"]) for r in related} == {
        ("Birmingham, Hall Green", "held by Tahir Ali before 2024")}

    response = client.get(HALL_GREEN + "?format=csv")  # the primary table, representatives
    assert response.mimetype == "text/csv"
    header = response.get_data(as_text=True).splitlines()[0]
    assert header.startswith("person,name,body,party")

    # The old seat links forward to the new one through the same MP.
    page = client.get("/constituencies/birmingham-hall-green-2010").get_data(as_text=True)
    assert "boundaries of 2010–2024" in page
    after = _section(page, "past-h")
    assert 'href="/constituencies/birmingham-hall-green-and-moseley"' in after
    assert "held by Tahir Ali from 2024" in after

    # A seat whose name did not change is linked by name, and says so.
    old_seats = shared_data / "constituencies" / "constituencies_2010-2024_boundaries.csv"
    with old_seats.open(encoding="utf-8") as f:
        old_names = {row["name"] for row in csv.DictReader(f)}
    assert "Sevenoaks" in old_names
    page = client.get("/constituencies/sevenoaks").get_data(as_text=True)
    past = _section(page, "past-h")
    assert re.search(r'href="/constituencies/sevenoaks-2010">Sevenoaks</a>\s*<small>\(linked: same name',
                     past)


@pytest.mark.imported
def test_statement_count_does_not_grow_with_candidates_or_mps(cli, client, session, count_queries,
                                                              shared_data):
    counts = _candidates_by_seat(shared_data)
    fewest, most = min(counts, key=lambda k: counts[k]), max(counts, key=lambda k: counts[k])
    assert counts[most] >= 2 * counts[fewest]
    areas = session.exec(select(Area).where(Area.gss_code.in_([fewest, most]))).all()  # type: ignore[union-attr]
    slugs = {a.gss_code: a.slug for a in areas}

    statements = {}
    for gss in (fewest, most):
        url = f"/constituencies/{slugs[gss]}"
        client.get(url)  # warm caches (scale file, plotly version)
        with count_queries() as n:
            page = client.get(url).get_data(as_text=True)
        assert page.count('data-label="Candidate"') == counts[gss]
        statements[gss] = n()
    # The same statements whatever the number of candidates, MPs or linked seats.
    assert statements[most] == statements[fewest], statements
    assert statements[most] <= 15


def test_unknown_or_wrong_kind_of_slug_is_404(cli, client):
    cli("seed")
    assert client.get("/constituencies/oxford-city-council").status_code == 404
    assert client.get("/councils/holborn-and-st-pancras").status_code == 404
    assert client.get("/constituencies/" + "x" * 500).status_code == 404
