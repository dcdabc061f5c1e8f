"""Election pages: seats, candidates, how many have a recorded stance, and each seat's winner."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tracker.queries.stances import scale_for

GE2024 = "/elections/uk-general-election-2024"
ROCHDALE = "/elections/rochdale-by-election-2024"
SCALE = scale_for("ceasefire")


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _tally(page: str) -> dict[str, int]:
    """{stance label: count} as the page states them in words."""
    return {label: int(n.replace(",", "")) for label, n in
            re.findall(r'class="badge stance-[a-z]+">([^<]+)</span> <strong>([\d,]+)</strong> of', page)}


def _results(shared_data) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    path = shared_data / "elections" / "HoC-GE2024-results-by-candidate.csv"
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _listed_ayes(shared_data) -> set[str]:  # type: ignore[no-untyped-def]
    path = shared_data / "divisions" / "labour_ayes_2023-11-15_PARTIAL_indy100.csv"
    with path.open(encoding="utf-8") as handle:
        return {r["parliament_member_id"] for r in csv.DictReader(handle)}


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_general_election_page_with_the_real_data(cli, shared_data, client, count_queries):
    results = _results(shared_data)
    seats = {r["ONS ID"] for r in results}
    # Candidates who voted aye on 15 Nov 2023 (the only stances the public data gives) and stood again.
    ayes_standing = sum(1 for r in results if r["Member MNIS ID"] in _listed_ayes(shared_data))
    assert (len(seats), len(results)) == (650, 4515)

    with count_queries() as ge_queries:
        response = client.get(GE2024)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1 and "<h1>2024 UK general election</h1>" in page
    assert "<strong>650</strong> seats contested" in page
    assert "<strong>4,515</strong> candidates" in page
    # The page's tally of stances adds up to every candidate, and every candidate who voted
    # aye on the SNP amendment and stood again is among those with a recorded stance.
    tally = _tally(page)
    assert sum(tally.values()) == 4515
    stated_count = 4515 - tally[SCALE.label("unknown")]
    assert f"<strong>{stated_count:,}</strong> with any recorded stance" in page
    assert tally[SCALE.label("ceasefire")] >= ayes_standing

    # One row per constituency, linked, with the winner, the party and the winner's stance,
    # 50 to a page: the pages together list every constituency once.
    assert "Constituencies (650)" in page and "<strong>1–50</strong> of 650 constituencies" in page
    listed = []
    for number in range(1, 14):
        html = page if number == 1 else client.get(f"{GE2024}?page={number}").get_data(as_text=True)
        listed += re.findall(r'<td data-label="Constituency"><a href="/constituencies/([^"]+)"', html)
        if "Birmingham Hall Green and Moseley</a>" in html:
            hall_green = html
    assert len(listed) == len(set(listed)) == 650
    row = re.search(r'<a href="/constituencies/[^"]+">Birmingham Hall Green and Moseley</a></td>(.*?)</tr>',
                    hall_green, re.S).group(1)
    assert '<a href="/people/tahir-ali">Tahir Ali</a>' in row and ">Labour</a>" in row
    assert 'href="/people/tahir-ali#stance-h"><span class="badge stance-ceasefire">' in row

    # The twins: documented columns; every stated stance has its source.
    candidates = _csv(client.get(GE2024 + "?format=csv&table=candidates"))
    assert list(candidates[0]) == ["election", "constituency", "constituency_slug", "gss_code", "person",
                                   "name", "party", "party_slug", "votes", "share", "elected", "stance",
                                   "stance_label", "stance_since", "stance_conflict", "stance_source",
                                   "stance_source_url"]
    assert len(candidates) == 4515 and sum(r["elected"] == "true" for r in candidates) == 650
    stated = [r for r in candidates if r["stance"] != "unknown"]
    assert len(stated) >= ayes_standing
    assert all(r["stance_source_url"].startswith("http") for r in stated)
    seats_csv = _csv(client.get(GE2024 + "?format=csv&table=constituencies"))
    assert len(seats_csv) == 650
    assert sum(int(r["candidates"]) for r in seats_csv) == 4515
    assert list(seats_csv[0])[:6] == ["election", "constituency", "constituency_slug", "gss_code",
                                      "candidates", "candidates_with_recorded_stance"]
    assert {r["gss_code"] for r in seats_csv} == seats

    # With the seeds: the Rochdale by-election, and Labour's leaders' own statements counted.
    assert cli("seed").exit_code == 0
    page = client.get(GE2024).get_data(as_text=True)
    assert _tally(page)[SCALE.label("humanitarian")] == 2  # Keir Starmer and David Lammy
    assert f'href="{ROCHDALE}">2024 Rochdale by-election</a>' in page
    with count_queries() as by_election_queries:
        rochdale = client.get(ROCHDALE)
    by_election = rochdale.get_data(as_text=True)
    assert "<strong>1</strong> seat contested" in by_election
    assert "<strong>1</strong> candidate<" in by_election
    assert '<a href="/people/george-galloway">George Galloway</a>' in by_election
    assert '<a href="/parties/workers-party">Workers Party of Britain</a>' in by_election
    assert ge_queries() == by_election_queries() <= 8

    index = client.get("/elections").get_data(as_text=True)
    assert f'href="{GE2024}"' in index and f'href="{ROCHDALE}"' in index
    listed = _csv(client.get("/elections?format=csv"))
    assert [(r["election"], r["seats"], r["candidates"]) for r in listed] == [
        ("uk-general-election-2024", "650", "4515"), ("rochdale-by-election-2024", "1", "1")]


def test_no_recorded_stance_is_shown_like_any_other(cli, client):
    cli("seed")
    page = client.get(ROCHDALE).get_data(as_text=True)
    assert _tally(page) == {s.label: (1 if s.key == "unknown" else 0) for s in SCALE.stances}
    assert 'class="badge stance-unknown">No recorded position</span> <strong>1</strong> of 1' in page
    row = page[page.index('href="/constituencies/'):]
    assert 'href="/people/george-galloway#stance-h"><span class="badge stance-unknown">' in row


def test_unknown_election_slugs_are_404s(client):
    for url in ("/elections/nothing", "/elections/%3Cscript%3E", "/elections/uk-general-election-2024/x",
                "/elections/uk-general-election-2024%00"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Try a search" in response.get_data(as_text=True)
    assert "We hold no elections yet." in client.get("/elections").get_data(as_text=True)
