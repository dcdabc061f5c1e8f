"""Party pages: members' stances now and over time, the official line, the members, the twins."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from independent import independent_stances
from sqlmodel import select

from tracker.models import Person
from tracker.queries.stances import scale_for

SCALE = scale_for("ceasefire")
LABOUR_PARTIES = ("labour", "labourco-operative")


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _labour_sitting_today(shared_data) -> set[str]:  # type: ignore[no-untyped-def]
    """Parliament member ids of Labour MPs sitting today, straight from the data files."""
    today = date.today()
    with (shared_data / "mps" / "mps_2024_parliament_memberships.csv").open(encoding="utf-8") as handle:
        return {r["parliament_member_id"] for r in csv.DictReader(handle)
                if r["party"] in LABOUR_PARTIES and date.fromisoformat(r["start_date"]) <= today
                and (not r["end_date"] or date.fromisoformat(r["end_date"]) >= today)}


def _labour_sitting_on(shared_data, day: date) -> set[int]:  # type: ignore[no-untyped-def]
    path = shared_data / "mps" / "mps_2019_parliament_memberships.csv"
    with path.open(encoding="utf-8") as handle:
        return {int(r["parliament_member_id"]) for r in csv.DictReader(handle)
                if r["party"] in LABOUR_PARTIES and date.fromisoformat(r["start_date"]) <= day
                and (not r["end_date"] or date.fromisoformat(r["end_date"]) >= day)}


def _ceasefire(session, parliament_ids: set[int], day: date) -> int:  # type: ignore[no-untyped-def]
    """How many of these MPs called for a ceasefire on ``day``, counted from the rows."""
    ids = set(session.exec(select(Person.id).where(Person.parliament_id.in_(parliament_ids))).all())  # type: ignore[union-attr]
    return sum(1 for stance in independent_stances(session, ids, day).values() if stance == "ceasefire")


@pytest.fixture
def real_data(cli, shared_data):  # type: ignore[no-untyped-def]
    """The imported database (tests asking for it are marked ``imported``) plus the seeds."""
    assert cli("seed").exit_code == 0
    return shared_data


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_labour_page_with_the_real_data(real_data, client, count_queries, session):
    with count_queries() as labour_queries:
        response = client.get("/parties/labour")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1 and "<h1>Labour" in page

    # The official line from the seeds, as context, with its source.
    line = page[page.index('id="line-h"'):page.index('id="mps-h"')]
    assert "Backs a humanitarian or conditional ceasefire" in line
    assert "Labour’s official line" in line or "Labour&#39;s official line" in line
    assert re.search(r"Source:\s+Socialist Worker, Labour&#39;s call for an &#39;immediate", line)
    assert "never counted as any member’s own stance" in line

    # Stances now: the sitting Labour MPs of the data files, and their stances counted from the rows.
    sitting = _labour_sitting_today(real_data)
    assert f"<strong>{len(sitting)}</strong> sitting MPs today" in page
    now = page[page.index('id="now-h"'):page.index('id="time-h"')]
    ceasefire_now = _ceasefire(session, {int(i) for i in sitting}, date.today())
    assert re.search(r'stance-ceasefire">Calls for an immediate ceasefire</span> '
                     rf"<strong>{ceasefire_now}</strong> of {len(sitting)}\b", now)
    assert "No recorded position</span> <strong>" in now  # no recorded stance shown like any other

    # Over time: a chart container with its table alternative and its CSV.
    assert 'id="party-chart"' in page and 'data-figure="party-chart-figure"' in page
    assert "The numbers behind this chart" in page
    by_month = {day: _ceasefire(session, _labour_sitting_on(real_data, day), day)
                for day in (date(2023, 11, 1), date(2023, 12, 1))}
    assert re.search(rf"<td>1 Nov 2023</td><td>{by_month[date(2023, 11, 1)]}</td>", page)
    assert re.search(rf"<td>1 Dec 2023</td><td>{by_month[date(2023, 12, 1)]}</td>", page)
    link = re.search(r'<a href="([^"]+)">Download this chart’s data \(CSV\)</a>', page)
    assert link
    monthly = _csv(client.get(link.group(1).replace("&amp;", "&")))
    assert list(monthly[0]) == ["day", "party", "stance", "stance_label", "count", "members"]
    counts = {(r["day"], r["stance"]): int(r["count"]) for r in monthly}
    assert counts[("2023-11-01", "ceasefire")] == by_month[date(2023, 11, 1)]
    assert counts[("2023-12-01", "ceasefire")] == by_month[date(2023, 12, 1)]
    assert {r["party"] for r in monthly} == {"Labour"}
    figure = json.loads(re.search(r'id="party-chart-figure">(.*?)</script>', page, re.S).group(1))
    ceasefire_trace = next(t for t in figure["data"] if t["marker"]["color"] == SCALE["ceasefire"].colour)
    assert ceasefire_trace["y"][ceasefire_trace["x"].index("2023-12-01")] == by_month[date(2023, 12, 1)]

    # Members: Tahir Ali sat for Labour in 2019-2024; his stance links to his evidence.
    past = page[page.index('id="past-h"'):page.index('id="council-h"')]
    assert re.search(r'href="/people/tahir-ali">Tahir Ali</a></td>\s*<td data-label="Constituency">'
                     r'<a href="/constituencies/birmingham-hall-green-2010">', past)
    assert 'href="/people/tahir-ali#stance-h"><span class="badge stance-ceasefire">' in past
    assert 'href="/constituencies/' in page[page.index('id="mps-h"'):page.index('id="past-h"')]

    # The number of statements does not grow with the party's size.
    with count_queries() as small_queries:
        assert client.get("/parties/green").status_code == 200
    with count_queries() as no_mp_queries:
        assert client.get("/parties/heritage-party").status_code == 200
    assert labour_queries() == small_queries() <= 16
    assert no_mp_queries() <= labour_queries()  # with no one to look up, two evidence queries are skipped


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_party_twins_and_index_with_the_real_data(real_data, client, twin_rows):
    rows = _csv(client.get("/parties/labour?format=csv"))  # the primary table, stance_now
    assert list(rows[0]) == ["party", "stance", "stance_label", "sitting_mps"]
    body = json.loads(client.get("/parties/labour?format=json").data)
    assert list(body["tables"]) == ["stance_now", "stance_by_month", "official_line", "members"]
    members = _csv(client.get("/parties/labour?format=csv&table=members"))
    assert list(members[0]) == ["group", "person", "name", "constituency", "constituency_slug", "council",
                                "start", "end", "stance", "stance_label", "stance_since", "stance_conflict",
                                "stance_source", "stance_source_url"]
    stated = [m for m in members if m["stance"] != SCALE.default]
    assert stated and all(m["stance_source"] for m in stated)
    # Seed articles without a URL are cited by publisher and title; every other row has a URL.
    assert all(m["stance_source_url"].startswith("http") or m["stance_source"].startswith("Socialist Worker")
               for m in stated)
    tahir = [m for m in members if m["person"] == "tahir-ali"]
    assert {m["group"] for m in tahir} == {"current_mp", "mp_2019_parliament"}
    assert tahir[0]["stance_source_url"] == "https://votes.parliament.uk/votes/commons/division/1666"
    assert len([m for m in members if m["group"] == "current_mp"]) == len(_labour_sitting_today(real_data))

    columns = body["tables"]["official_line"]["columns"]
    assert [(c["name"], c["type"]) for c in columns[-2:]] == [("source", "string"), ("source_url", "url")]
    assert twin_rows("/parties/labour", "official_line")[0]["stance"] == "humanitarian"

    index = client.get("/parties").get_data(as_text=True)
    with_mps = index[index.index('id="mps-h"'):index.index('id="others-h"')]
    others = index[index.index('id="others-h"'):]
    assert '<a href="/parties/labour">Labour</a>' in with_mps
    assert '<a href="/parties/heritage-party">' in others and "/parties/labour" not in others
    listed = _csv(client.get("/parties?format=csv"))
    assert listed[0]["party"] == "labour"
    assert int(listed[0]["sitting_mps"]) == len(_labour_sitting_today(real_data))
    sitting = [int(r["sitting_mps"]) for r in listed]
    assert sitting == sorted(sitting, reverse=True)


def test_seeded_party_shows_councillors_who_left(cli, client):
    cli("seed")
    page = client.get("/parties/labour").get_data(as_text=True)
    council = page[page.index('id="council-h"'):]
    left = council[council.index("Councillors who left Labour"):]
    assert 'href="/people/hosnieh-djafari-marbini">Hosnieh Djafari-Marbini</a>' in left
    assert 'href="/councils/oxford-city-council">Oxford City Council</a>' in left
    assert re.search(r"Source: (<a href=\"http[^\"]+\"[^>]*>)?[A-Z]", left)
    assert 'href="/people/hosnieh-djafari-marbini#stance-h"><span class="badge stance-ceasefire">' in left
    # The SNP's own line is on its page, not Labour's.
    assert "The SNP&#39;s official line" not in page and "SNP’s official line" not in page
    snp = client.get("/parties/scottish-national-party").get_data(as_text=True)
    assert "The SNP&#39;s official line" in snp and "Calls for an immediate ceasefire" in snp


def test_unknown_or_odd_party_slugs_are_404s(client):
    for url in ("/parties/nobody", "/parties/%3Cscript%3E", "/parties/labour%00"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Try a search" in response.get_data(as_text=True)
    assert client.get("/parties?format=json").status_code == 200
