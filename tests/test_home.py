"""The home page: search, headline figures checked against an independent count, chart, changes."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from independent import independent_stances
from sqlmodel import select

from tracker.models import Candidacy, Election, Person
from tracker.queries.stances import scale_for


def test_empty_database_home_page_says_there_is_no_data(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No data yet" in page and "There is no data in this tracker yet" in page
    assert '<label for="home-q">' in page
    assert client.get("/?format=json").status_code == 200


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_home_figures_match_an_independent_count(cli, client, session, shared_data):
    # Sitting MPs: the open memberships of the 2024 Parliament file.
    with (shared_data / "mps" / "mps_2024_parliament_memberships.csv").open(encoding="utf-8") as handle:
        sitting_ids = {int(r["parliament_member_id"]) for r in csv.DictReader(handle) if not r["end_date"]}
    sitting = {p.id for p in session.exec(select(Person).where(
        Person.parliament_id.in_(sitting_ids))).all()}  # type: ignore[union-attr]
    assert len(sitting) == len(sitting_ids) == 650
    stances = independent_stances(session, sitting)
    expected = dict.fromkeys(scale_for("ceasefire").keys(), 0)
    for pid in sitting:
        expected[stances.get(pid, "unknown")] += 1
    assert expected["ceasefire"] > 0

    page = client.get("/").get_data(as_text=True)
    mps = page[page.index('id="mps-h"'):page.index('id="cands-h"')]
    assert "Of the 650 MPs sitting on" in mps
    for key, n in expected.items():
        label = scale_for("ceasefire").label(key)
        assert re.search(rf'<span class="figure">{n}</span> MPs?: '
                         rf'<span class="badge stance-{key}">{label}</span>',
                         mps), (key, n)

    # GE2024 candidates with any recorded stance, out of every row of the results file.
    with (shared_data / "elections" / "HoC-GE2024-results-by-candidate.csv").open(encoding="utf-8-sig") as f:
        total = sum(1 for _ in csv.DictReader(f))
    election = session.exec(select(Election).where(Election.slug == "uk-general-election-2024")).one()
    candidates = {c.person_id for c in session.exec(select(Candidacy).where(
        Candidacy.election_id == election.id)).all()}
    with_stance = len(independent_stances(session, candidates))
    assert 0 < with_stance < total == 4515
    cands = page[page.index('id="cands-h"'):page.index('id="chart-h"')]
    assert f'<span class="figure">{with_stance}</span> of the 4,515 candidates' in cands

    # The chart: small multiples of the four largest parties and "Other", with its table and CSV.
    chart = page[page.index('id="chart-h"'):page.index('id="latest-h"')]
    figure = json.loads(re.search(r'<script type="application/json" id="commons-chart-figure">(.*?)</script>',
                                  chart, re.S).group(1))
    panels = [a["text"] for a in figure["layout"]["annotations"]]
    assert panels == [f"<b>{p}</b>" for p in ("Labour", "Conservative", "SNP", "Liberal Democrat", "Other")]
    assert "The numbers behind this chart" in chart
    assert 'href="/?format=csv&amp;table=commons_by_party"' in chart
    assert 'href="/methodology#chart-commons-by-party"' in chart
    chart_csv = client.get("/?format=csv&table=commons_by_party").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(chart_csv)))
    assert list(rows[0]) == ["day", "party", "stance", "stance_label", "count", "members", "percent"]
    assert {r["party"] for r in rows} == {"Labour", "Conservative", "SNP", "Liberal Democrat", "Other"}
    assert rows[0]["day"] == "2023-10-01"
    counts = {(r["day"], r["party"], r["stance"]): int(r["count"]) for r in rows}
    # The 57 ayes on amendment (h) of members labelled Labour (the 56 Labour ayes and Andy
    # McDonald, whom TWFY labels Labour), and 5 with no vote recorded who signed 61430 or 61468.
    assert counts[("2023-12-01", "Labour", "ceasefire")] == 62
    today = date.today().replace(day=1).isoformat()
    assert sum(v for (m, _p, _s), v in counts.items() if m == today) == 650

    # The latest changes, in words, linking to the changes page.
    latest = page[page.index('id="latest-h"'):]
    assert 'href="/changes"' in latest and "recorded for" in latest


def test_home_page_search_box_and_navigation(cli, client):
    cli("seed")
    page = client.get("/").get_data(as_text=True)
    assert page.count("<h1>") == 1
    assert '<label for="home-q">Your postcode, a place or a name</label>' in page
    assert 'action="/search"' in page and 'name="q"' in page
    nav = page[page.index('<nav class="site-nav"'):page.index("</nav>")]
    for href in ("/", "/parties", "/divisions", "/elections", "/pledges", "/changes", "/methodology"):
        assert f'href="{href}"' in nav
    assert 'href="/" aria-current="page"' in nav
    assert 'id="site-q"' in page  # the header search box stays
