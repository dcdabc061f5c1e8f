"""What a voter reads once the whole House's votes of 15 Nov 2023 are loaded (issue: complete records)."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = [pytest.mark.shared_data, pytest.mark.imported]

LABOURLIST = "https://labourlist.org/2023/11/parliament-ceasefire-vote-mps-labour-frontbench/"


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.find("</section>", start)]


@pytest.mark.parametrize("slug", ["tahir-ali", "jess-phillips", "andrew-slaughter", "naseem-shah"])
def test_labour_rebels_read_ceasefire_with_the_whip_they_defied(client, slug):
    page = client.get(f"/people/{slug}").get_data(as_text=True)
    stance = _section(page, "stance-h")
    assert "Calls for an immediate ceasefire" in stance and 'datetime="2023-11-15"' in stance
    assert ("<strong>Voted against the Labour whip (abstain)</strong> on King&#39;s Speech: "
            "SNP amendment (h)") in stance
    votes = _section(page, "votes-h")
    assert "Voted against the Labour whip (abstain)." in votes
    assert f'href="{LABOURLIST}"' in votes
    assert 'href="https://votes.parliament.uk/votes/commons/division/1666"' in votes
    assert 'also reported by <a href="https://www.indy100.com/' in votes or slug != "tahir-ali"
    rows = json.loads(client.get(f"/people/{slug}?format=json&table=votes").get_data(as_text=True))
    [snp] = [r for r in rows["rows"]
             if r["division"] == "2023-11-15-snp-amendment-h-immediate-ceasefire"]
    assert (snp["vote_position"], snp["whip"], snp["whip_verdict"]) == (
        "aye", "Labour whip: abstain", "Voted against the Labour whip (abstain)")


def test_keir_starmer_backs_pauses_and_has_no_vote_recorded_on_the_snp_amendment(client, cli):
    report = json.loads(cli("stance", "Keir Starmer", "--json").output)
    first = next(i for i in report["timeline"] if i["start"])
    assert (first["start"], first["stance"]) == ("2023-11-15", "pause")
    assert [(e["division"], e["vote_position"]) for e in first["evidence"]] == [
        ("2023-11-15-labour-amendment-r-humanitarian-pauses", "aye")]
    page = client.get("/people/keir-starmer").get_data(as_text=True)
    votes = _section(page, "votes-h")
    assert "<strong>No vote recorded</strong>" in votes
    assert "Followed the Labour whip to abstain." in votes
    assert "Not voting is never counted as a stance" in votes


def test_every_mp_sitting_on_the_day_has_a_stance_or_an_explicit_no_vote(client):
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/divisions/2023-11-15-snp-amendment-h-immediate-ceasefire?format=csv&table=votes").get_data(as_text=True))))
    assert len(rows) == len({r["person"] for r in rows}) == 650
    assert {r["position"] for r in rows} == {"aye", "no", "teller_aye", "teller_no", "no_vote_recorded"}
    home = client.get("/").get_data(as_text=True)
    votes = _section(home, "votes-h")
    text = " ".join(votes.split())
    assert ("SNP amendment (h) calling for an immediate ceasefire in Gaza</a></p> <p>The official record, "
            "every member listed (650): 127 aye, 296 no, 227 no vote recorded.") in text
    tracked = list(csv.DictReader(io.StringIO(client.get("/?format=csv&table=tracked_votes")
                                              .get_data(as_text=True))))
    snp = next(r for r in tracked if r["division"] == "2023-11-15-snp-amendment-h-immediate-ceasefire")
    assert (snp["members_listed"], snp["aye"], snp["no"], snp["no_vote_recorded"]) == (
        "650", "127", "296", "227")


def test_the_second_topic_is_on_person_pages_home_and_twins(client):
    page = client.get("/people/tahir-ali").get_data(as_text=True)
    assert 'href="/people/tahir-ali?topic=palestine-action">Proscription of Palestine Action</a>' in page
    other = client.get("/people/tahir-ali?topic=palestine-action").get_data(as_text=True)
    assert "Opposed proscribing Palestine Action" in _section(other, "stance-h")
    home = client.get("/?topic=palestine-action").get_data(as_text=True)
    assert "Did this person back proscribing Palestine Action" in home
    headline = list(csv.DictReader(io.StringIO(client.get(
        "/?topic=palestine-action&format=csv&table=headline").get_data(as_text=True))))
    counts = {r["stance"]: int(r["count"]) for r in headline if r["measure"] == "sitting_mps"}
    assert set(counts) == {"opposes_proscription", "backs_proscription", "unknown"}
    assert sum(counts.values()) == 650
    missing = client.get("/?topic=nothing")
    assert missing.status_code == 404
    assert "the topics are: ceasefire, palestine-action" in missing.get_data(as_text=True)
