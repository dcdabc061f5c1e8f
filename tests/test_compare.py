"""People side by side (/compare?people=a,b,...): stances now from the read model, one chart
whose CSV is its data, everyone's evidence newest first with whose it is, 400s that say what
is wrong, twins, the links in from constituency and person pages, and XSS payloads inert."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html import unescape

import pytest
from sqlmodel import select

from tests.xss import PAYLOADS, assert_inert_csv, assert_inert_html, assert_inert_json
from tracker.clock import real_today
from tracker.models import Evidence, Person, Source, Topic
from tracker.readmodel import view

SNP_AMENDMENT = "2023-11-15-snp-amendment-h-immediate-ceasefire"
OFFICIAL = "https://votes.parliament.uk/votes/commons/division/1666"
PAIR = "/compare?people=tahir-ali,rishi-sunak"
# Eight MPs of the 2023 Parliament (more than a comparison takes).
EIGHT = ["tahir-ali", "rishi-sunak", "jeremy-corbyn", "liam-byrne", "jess-phillips", "keir-starmer",
         "rushanara-ali", "preet-kaur-gill"]
HALL_GREEN = "/constituencies/birmingham-hall-green-and-moseley"


def _section(page: str, heading_id: str, next_id: str | None = None) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index(f'id="{next_id}"', start)] if next_id else page[start:]


def _figure(page: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script type="application/json" id="compare-chart-figure">(.*?)</script>', page, re.S)
    assert found, "the chart's figure is on the page"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _csv(client, url: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# The real data ------------------------------------------------------------------------

@pytest.mark.shared_data
@pytest.mark.imported
def test_an_mp_who_voted_for_a_ceasefire_beside_one_who_voted_against(client, session, twin_rows):
    """Tahir Ali voted aye on the SNP amendment of 15 Nov 2023, Rishi Sunak no."""
    response = client.get(PAIR)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Compare Tahir Ali and Rishi Sunak</h1>" in page
    now = _section(page, "now-h", "chart-h")
    tahir, rishi = now[now.index('id="person-tahir-ali"'):now.index('id="person-rishi-sunak"')], \
        now[now.index('id="person-rishi-sunak"'):]
    # Who they are: seat, constituency and party, each linked.
    assert "MP for" in tahir and 'href="/constituencies/birmingham-hall-green-and-moseley"' in tahir
    assert 'href="/parties/labour"' in tahir
    assert "MP for" in rishi and 'href="/constituencies/richmond-and-northallerton"' in rishi
    assert 'href="/parties/conservative"' in rishi
    # Their stances now, as the read model holds them, with the vote that set them and its source.
    assert '<span class="badge stance-ceasefire">Calls for an immediate ceasefire</span>' in tahir
    assert '<span class="badge stance-opposed">Opposed a ceasefire</span>' in rishi
    for card in (tahir, rishi):
        assert '<time datetime="2023-11-15">15 Nov 2023</time>' in card
        assert f'href="{OFFICIAL}"' in card
    assert 'href="/people/tahir-ali"' in tahir and 'href="/people/rishi-sunak"' in rishi

    people = twin_rows(PAIR, "people")
    assert [p["person"] for p in people] == ["tahir-ali", "rishi-sunak"]
    ids = {p.slug: p.id for p in session.exec(select(Person).where(
        Person.slug.in_(["tahir-ali", "rishi-sunak"]))).all()}  # type: ignore[attr-defined]
    held = view.stances(session, list(ids.values()), "ceasefire")
    for row in people:
        current = held[ids[row["person"]]]
        assert (row["stance"], row["stance_label"], row["stance_since"]) == (
            current.stance, current.label, current.start.isoformat())  # type: ignore[union-attr]
    assert [(p["stance"], p["party"], p["constituency"]) for p in people] == [
        ("ceasefire", "Labour", "Birmingham Hall Green and Moseley"),
        ("opposed", "Conservative", "Richmond and Northallerton")]
    # The votes that differ, in the merged evidence.
    votes = {(e["person"], e["vote_position"]) for e in twin_rows(PAIR, "evidence")
             if e["division"] == SNP_AMENDMENT}
    assert votes == {("tahir-ali", "aye"), ("rishi-sunak", "no")}


def _cell(value: object) -> str:
    """A JSON twin's value as the CSV twin writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.shared_data
@pytest.mark.imported
def test_the_charts_csv_is_the_figures_data(cli, client, twin_rows):
    cli("seed")  # the seeds hold Keir Starmer's later statement: his line steps
    url = PAIR + ",keir-starmer"
    page = client.get(url).get_data(as_text=True)
    figure = _figure(page)
    rows = _csv(client, url + "&format=csv&table=chart")
    assert rows == [{k: _cell(v) for k, v in r.items()} for r in twin_rows(url, "chart")]
    # The page links to that CSV under the chart.
    assert 'href="/compare?people=tahir-ali,rishi-sunak,keir-starmer&amp;format=csv&amp;table=chart"' in page
    traces = figure["data"]
    assert [t["name"] for t in traces] == ["Tahir Ali", "Tahir Ali", "Rishi Sunak", "Rishi Sunak",
                                           "Keir Starmer", "Keir Starmer"]
    assert len({float(r["y"]) for r in rows if r["person"] == "keir-starmer" and r["series"] == "stance"}) > 1
    for slug, line, dots in (("tahir-ali", traces[0], traces[1]), ("rishi-sunak", traces[2], traces[3]),
                             ("keir-starmer", traces[4], traces[5])):
        steps = [r for r in rows if r["person"] == slug and r["series"] == "stance"]
        evidence = [r for r in rows if r["person"] == slug and r["series"] == "evidence"]
        assert steps and evidence
        assert line["x"] == [r["date"] for r in steps] + [steps[-1]["until"]]
        assert line["y"] == [float(r["y"]) for r in steps] + [float(steps[-1]["y"])]
        assert dots["x"] == [r["date"] for r in evidence]
        assert dots["y"] == [float(r["y"]) for r in evidence]
        # Every point is drawn at its stance's rank, nudged by the person's offset.
        for r in steps + evidence:
            assert abs(float(r["y"]) - int(r["level"])) <= 0.2
    tahir_now = [r for r in rows if r["person"] == "tahir-ali" and r["series"] == "stance"][-1]
    rishi_now = [r for r in rows if r["person"] == "rishi-sunak" and r["series"] == "stance"][-1]
    assert (tahir_now["stance"], rishi_now["stance"]) == ("ceasefire", "opposed")
    assert int(tahir_now["level"]) > int(rishi_now["level"])  # drawn higher: the scale's order
    # The hover text of each dot names whose it is and the source.
    assert any("Tahir Ali<br>" in text and "Source: UK Parliament (Commons Votes), Division 3" in text
               for text in traces[1]["text"])


@pytest.mark.shared_data
@pytest.mark.imported
def test_everyones_evidence_newest_first_with_whose_it_is(client, twin_rows):
    url = "/compare?people=rishi-sunak,tahir-ali,keir-starmer"
    merged = twin_rows(url, "evidence")
    days = [e["date"] for e in merged]
    assert days == sorted(days, reverse=True) and len(set(days)) > 2
    own = []
    for slug in ("rishi-sunak", "tahir-ali", "keir-starmer"):
        own += [(slug, e["date"], e["summary"], e["source_url"])
                for e in twin_rows(f"/people/{slug}", "evidence")]
    assert sorted((e["person"], e["date"], e["summary"], e["source_url"]) for e in merged) == sorted(own)
    names = {"rishi-sunak": "Rishi Sunak", "tahir-ali": "Tahir Ali", "keir-starmer": "Keir Starmer"}
    assert all(e["name"] == names[e["person"]] for e in merged)

    page = client.get(url).get_data(as_text=True)
    items = re.findall(r'<li class="evidence">(.*?)</li>', _section(page, "evidence-h", "form-h"), re.S)
    assert len(items) == len(merged)  # fewer than a page of them
    for item, row in zip(items, merged, strict=True):
        whose = re.search(r'<p class="compare-whose"><a href="/people/([^"]+)">([^<]+)</a>', item)
        assert whose and whose.groups() == (row["person"], names[row["person"]])
        assert f'<time datetime="{row["date"]}">' in item
        if row["source_url"]:
            assert f'href="{row["source_url"]}"' in item
    # On one day, in the order the address names the people.
    same_day = [e["person"] for e in merged if e["date"] == "2023-11-15"]
    assert same_day == sorted(same_day, key=["rishi-sunak", "tahir-ali", "keir-starmer"].index)


@pytest.mark.shared_data
@pytest.mark.imported
def test_lists_that_cannot_be_compared_are_400s_that_say_why(client):
    cases = [
        ("people=tahir-ali", "too_few_people", "Fewer than two people"),
        ("people=tahir-ali,tahir-ali", "duplicate_person", "The same person twice"),
        ("people=tahir-ali,no-such-person-here", "unknown_person", "No such person"),
        ("people=" + ",".join(EIGHT[:7]), "too_many_people", "More than six people"),
        ("people=tahir-ali&add=zzqx+wvvq", "no_match", "No one of that name"),
        ("people=", "too_few_people", "Fewer than two people"),
        ("people=tahir-ali,rishi-sunak,tahir-ali,jess-phillips", "duplicate_person", "The same person twice"),
    ]
    for query, reason, title in cases:
        response = client.get(f"/compare?{query}")
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert f'<h2 id="problem-h">{title}</h2>' in page, query
        # The form to put it right holds the people we know, ticked.
        assert '<form class="form compare-form" method="get" action="/compare">' in page
        if "tahir-ali" in query:
            assert 'name="people" value="tahir-ali" checked' in page, query
        twin = client.get(f"/compare?{query}&format=json")
        assert twin.status_code == 400 and twin.mimetype == "application/json", query
        error = twin.get_json()["error"]
        assert error["reason"] == reason and error["message"] and error["what_to_do"], query
        text = client.get(f"/compare?{query}&format=csv")
        assert text.status_code == 400 and text.mimetype == "text/plain", query
    page = client.get("/compare?people=tahir-ali,no-such-person-here").get_data(as_text=True)
    assert "We hold no person at the address “no-such-person-here”." in page
    assert client.get("/compare?people=tahir-ali,no-such-person-here&format=json").get_json()["error"][
        "names"] == ["no-such-person-here"]
    seven = client.get("/compare?people=" + ",".join(EIGHT[:7])).get_data(as_text=True)
    assert "this address names 7" in seven
    assert "names 1 (“Tahir Ali”)" in client.get("/compare?people=tahir-ali").get_data(as_text=True)
    # Six is allowed; the page is kept by the cache like other public pages.
    six = client.get("/compare?people=" + ",".join(EIGHT[:6]))
    assert six.status_code == 200 and six.headers.get("ETag")
    again = client.get("/compare?people=" + ",".join(EIGHT[:6]),
                       headers={"If-None-Match": six.headers["ETag"]})
    assert again.status_code == 304
    # An unknown format or table is a 400 too.
    assert client.get(PAIR + "&format=xml").status_code == 400
    bad_table = client.get(PAIR + "&format=json&table=nope")
    assert bad_table.status_code == 400
    assert "people, periods, evidence, chart" in bad_table.get_json()["error"]["message"]


@pytest.mark.shared_data
@pytest.mark.imported
def test_the_form_adds_by_name_removes_by_unticking_and_asks_which_one(client):
    # Ticked boxes and a typed name come back as the comparison's own address, with slugs.
    response = client.get("/compare?people=tahir-ali&people=keir-starmer&add=Rishi+Sunak&add=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/compare?people=tahir-ali,keir-starmer,rishi-sunak"
    # Unticking leaves a person out.
    assert client.get("/compare?people=tahir-ali&people=rishi-sunak").headers["Location"] == PAIR
    # A name several people share: a list to choose from, each a comparison with them added.
    page = client.get("/compare?people=tahir-ali&add=Ali").get_data(as_text=True)
    assert "Which “Ali” did you mean?" in page
    choices = re.findall(r'<a href="(/compare\?people=tahir-ali,[^"]+)">Compare with ([^<]+)</a>', page)
    assert len(choices) > 1 and all("tahir-ali,tahir-ali" not in href for href, _ in choices)
    ambiguous = client.get("/compare?people=tahir-ali&add=Ali&format=json")
    assert ambiguous.status_code == 400 and ambiguous.get_json()["error"]["reason"] == "ambiguous_name"
    href, name = choices[0]
    chosen = client.get(unescape(href))
    assert chosen.status_code == 200 and unescape(name) in chosen.get_data(as_text=True)
    # A bare /compare is where one starts: the form, with two boxes.
    start = client.get("/compare").get_data(as_text=True)
    assert start.count('name="add"') == 2 and "Compare people" in start


@pytest.mark.shared_data
@pytest.mark.imported
def test_constituency_and_person_pages_link_into_a_comparison(client):
    page = client.get(HALL_GREEN).get_data(as_text=True)
    link = re.search(r'<a href="(/compare\?people=[^"]+)">Compare the candidates</a>', page)
    assert link, "the constituency page links to its candidates compared"
    slugs = unescape(link.group(1)).split("=", 1)[1].split(",")
    assert slugs[0] == "tahir-ali" and len(slugs) == 6 and len(set(slugs)) == 6  # the MP, then most votes
    assert "6 of 8" in page
    assert client.get(unescape(link.group(1))).status_code == 200
    rows = client.get(unescape(link.group(1)) + "&format=json").get_json()["rows"]
    assert [p["person"] for p in rows] == slugs

    person = client.get("/people/tahir-ali").get_data(as_text=True)
    assert f'<a href="{link.group(1)}">Compare with the other candidates</a>' in person
    form = person[person.index('class="compare-with-form"'):]
    form = form[:form.index("</form>")]
    assert 'name="people" value="tahir-ali"' in form and 'name="add"' in form
    assert client.get("/compare?people=tahir-ali&add=Rishi+Sunak").headers["Location"] == PAIR


@pytest.mark.shared_data
@pytest.mark.imported
def test_every_table_of_the_twins_and_a_fixed_number_of_queries(client, count_queries):
    counts = []
    for url in (PAIR, "/compare?people=" + ",".join(EIGHT[:6])):
        with count_queries() as n:
            assert client.get(url).status_code == 200
        counts.append(n())
    assert counts[0] == counts[1], counts  # six people cost what two do
    index = client.get(PAIR + "&format=json").get_json()
    assert list(index["tables"]) == ["people", "periods", "evidence", "chart"]
    assert index["table"] == "people" and len(index["rows"]) == 2
    for table in index["tables"]:
        response = client.get(f"{PAIR}&format=csv&table={table}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="compare-tahir-ali-rishi-sunak-{table}-{real_today().isoformat()}.csv"')
    periods = client.get(PAIR + "&format=json&table=periods").get_json()["rows"]
    assert {p["person"] for p in periods} == {"tahir-ali", "rishi-sunak"}
    assert [p["stance"] for p in periods if p["person"] == "rishi-sunak" and p["end"] is None] == ["opposed"]


# Made-up data -------------------------------------------------------------------------

def _person_with_evidence(session, slug: str, name: str, stance: str, day: date,  # type: ignore[no-untyped-def]
                          text: str = "Said so.", publisher: str = "Example News") -> Person:
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    person = Person(name=name, sort_name=name, slug=slug)
    source = Source(url=f"https://example.org/{slug}", publisher=publisher, title=text[:200])
    session.add_all([person, source])
    session.flush()
    session.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement", stance=stance,
                         evidence_date=day, summary=text, quote=text, source_id=source.id, status="approved"))
    session.commit()
    return person


def test_two_people_holding_one_stance_draw_two_lines_and_the_chart_runs_to_today(cli, client, session,
                                                                                  monkeypatch):
    cli("seed")
    _person_with_evidence(session, "ann-one", "Ann One", "ceasefire", date(2024, 1, 10))
    _person_with_evidence(session, "bob-two", "Bob Two", "ceasefire", date(2024, 3, 5))
    monkeypatch.setattr("tracker.clock.real_today", lambda: date(2025, 6, 1))
    url = "/compare?people=ann-one,bob-two"
    rows = _csv(client, url + "&format=csv&table=chart")
    steps = [r for r in rows if r["series"] == "stance"]
    assert [(r["person"], r["date"], r["until"]) for r in steps] == [
        ("ann-one", "2024-01-10", "2025-06-01"), ("bob-two", "2024-03-05", "2025-06-01")]
    assert steps[0]["level"] == steps[1]["level"] and steps[0]["y"] != steps[1]["y"]
    figure = _figure(client.get(url).get_data(as_text=True))
    assert figure["data"][0]["x"][-1] == "2025-06-01"
    assert figure["data"][0]["line"]["dash"] != figure["data"][2]["line"]["dash"]


def test_someone_with_no_evidence_is_shown_as_such(cli, client, session):
    cli("seed")
    _person_with_evidence(session, "ann-one", "Ann One", "ceasefire", date(2024, 1, 10))
    session.add(Person(name="Cal Three", sort_name="Three, Cal", slug="cal-three"))
    session.commit()
    page = client.get("/compare?people=ann-one,cal-three").get_data(as_text=True)
    card = page[page.index('id="person-cal-three"'):]
    assert '<span class="badge stance-unknown">No recorded position</span>' in card
    assert "That is not a position either way." in card
    assert "Now: Ann One: “Calls for an immediate ceasefire” since 10 Jan 2024. Cal Three has no evidence " \
           "(“No recorded position”), so no line." in page
    assert "No seat, candidacy or party recorded" in card


def test_xss_payloads_are_inert_on_the_page_and_in_its_twins(cli, client, session):
    cli("seed")
    slugs = []
    for n, payload in enumerate(PAYLOADS[:6]):
        slug = f"payload-{n}"
        _person_with_evidence(session, slug, payload[:200], "ceasefire" if n % 2 else "opposed",
                              date(2024, 1, 1 + n), text=f"{payload} {PAYLOADS[-n - 1]}",
                              publisher=payload[:200])
        slugs.append(slug)
    for n, payload in enumerate(PAYLOADS[6:]):
        # Every other payload as evidence of the first two people.
        topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
        person = session.exec(select(Person).where(Person.slug == slugs[n % 2])).one()
        source = Source(url=f"https://example.org/p/{n}", publisher=payload[:200], title=payload[:200])
        session.add(source)
        session.flush()
        session.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement", stance="ceasefire",
                             evidence_date=date(2024, 2, 1 + n % 27), summary=payload, quote=payload,
                             source_id=source.id, status="approved"))
    session.commit()
    url = "/compare?people=" + ",".join(slugs)
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert_inert_html(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
    pages = client.get(url + "&evidence_page=2").get_data(as_text=True)
    assert_inert_html(pages)
    for table in ("people", "periods", "evidence", "chart"):
        assert_inert_csv(client.get(f"{url}&format=csv&table={table}").get_data(as_text=True))
        assert assert_inert_json(client.get(f"{url}&format=json&table={table}").get_data(as_text=True))
    assert "'=HYPERLINK(" in client.get(f"{url}&format=csv&table=evidence").get_data(as_text=True)
    # Payloads typed into the address or the form come back as text in the refusals.
    for payload in PAYLOADS:
        for query in ({"people": f"payload-0,{payload}"}, {"people": "payload-0", "add": payload}):
            refused = client.get("/compare", query_string=query)
            assert refused.status_code in (200, 302, 400), (payload, refused.status_code)
            if refused.status_code != 302:
                assert_inert_html(refused.get_data(as_text=True))
            as_json = client.get("/compare", query_string={**query, "format": "json"})
            if as_json.status_code == 302:  # a name that is one of the people made up here
                assert as_json.headers["Location"].startswith("/compare?people=payload-0,payload-")
            else:
                assert_inert_json(as_json.get_data(as_text=True))
    for tag in re.findall(r"<script\b[^>]*>", page):  # no inline script (CSP)
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert ' style="' not in page
