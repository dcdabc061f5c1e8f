"""The home page: search, headline figures checked against an independent count, chart, changes."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import Candidacy, Division, Election, Evidence, Person, Vote
from tracker.queries.stances import scale_for


def test_empty_database_home_page_says_there_is_no_data(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No data yet" in page and "There is no data in this tracker yet" in page
    assert '<label for="home-q">' in page
    assert client.get("/?format=json").status_code == 200


def _independent_stances(session, person_ids: set[int]) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """Each person's latest stance, worked out here from the rows without the stance engine.

    Latest date wins; on the same day the stronger kind of evidence (from the scale's
    strength table) wins. The real data has no same-day disagreements to resolve.
    """
    strength = scale_for("ceasefire").strength
    facts: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
    for e in session.exec(select(Evidence).where(Evidence.status == "approved",
                                                 Evidence.person_id.is_not(None))).all():  # type: ignore[union-attr]
        facts[e.person_id].append((e.evidence_date, strength[e.kind], e.stance))
    for vote, division in session.exec(select(Vote, Division).join(Division)).all():
        means = {"aye": division.aye_means, "teller_aye": division.aye_means, "no": division.no_means,
                 "teller_no": division.no_means}.get(vote.position)
        if means:
            facts[vote.person_id].append((division.division_date, strength["vote"], means))
    return {pid: max(facts[pid])[2] for pid in person_ids if pid in facts}


@pytest.mark.shared_data
@pytest.mark.slow
def test_home_figures_match_an_independent_count(cli, client, session, shared_data):
    cli("import", "all", "--data-dir", str(shared_data))
    # Sitting MPs: the open memberships of the 2024 Parliament file.
    with (shared_data / "mps" / "mps_2024_parliament_memberships.csv").open(encoding="utf-8") as handle:
        sitting_ids = {int(r["parliament_member_id"]) for r in csv.DictReader(handle) if not r["end_date"]}
    sitting = {p.id for p in session.exec(select(Person).where(
        Person.parliament_id.in_(sitting_ids))).all()}  # type: ignore[union-attr]
    assert len(sitting) == len(sitting_ids) == 650
    stances = _independent_stances(session, sitting)
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
    with_stance = len(_independent_stances(session, candidates))
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
    chart_csv = client.get("/?format=csv&table=commons_by_party").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(chart_csv)))
    assert list(rows[0]) == ["month", "party", "stance", "stance_label", "count"]
    assert {r["party"] for r in rows} == {"Labour", "Conservative", "SNP", "Liberal Democrat", "Other"}
    assert rows[0]["month"] == "2023-10-01"
    counts = {(r["month"], r["party"], r["stance"]): int(r["count"]) for r in rows}
    assert counts[("2023-12-01", "Labour", "ceasefire")] == 33  # the 33 listed Labour ayes
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
