"""Charts you can reproduce: every chart's plotted numbers equal the CSV it links to, and it
links to the methodology section that explains how it counts.

The figure is read out of the page (the JSON plotly.js draws), the CSV through the twin
URL the chart links to, as a journalist would.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import Counter
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tracker import chart_frames, charts
from tracker.queries.stances import scale_for
from tracker.readmodel.evidence import CitedEvidence
from tracker.readmodel.view import CONFLICT_LABEL, StanceHistory, StanceView
from tracker.stance import AggregateRow, Scale

SCALE = scale_for("ceasefire")
DATA_LINK = "Download this chart’s data (CSV)"
METHOD_LINK = "How this is counted"

HOME = "/"
PARTIES = ["/parties/labour", "/parties/scottish-national-party", "/parties/green"]
# A vote for pauses then a statement, a ceasefire vote, several changes of stance, a withdrawn
# early day motion signature, and a long record of motions.
PEOPLE = ["/people/keir-starmer", "/people/tahir-ali", "/people/alison-thewliss", "/people/bobby-dean",
          "/people/jeremy-corbyn"]
CONSTITUENCIES = ["/constituencies/birmingham-hall-green-and-moseley",
                  "/constituencies/holborn-and-st-pancras", "/constituencies/islington-north"]


def charts_on(page: str) -> list[dict[str, Any]]:
    """Every chart of a page: its id, its figure, and the hrefs of its two links."""
    found = []
    for block in re.findall(r'<figure class="chart".*?</figure>', page, re.S):
        chart_id = re.search(r'<div class="chart-plot" id="([^"]+)"', block).group(1)  # type: ignore[union-attr]
        script = rf'<script type="application/json" id="{re.escape(chart_id)}-figure">(.*?)</script>'
        figure = re.search(script, block, re.S)
        links = {html.unescape(text): html.unescape(href)
                 for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)}
        found.append({"id": chart_id, "figure": json.loads(figure.group(1)) if figure else None,  # type: ignore[union-attr]
                      "data": links.get(DATA_LINK), "method": links.get(METHOD_LINK)})
    return found


def linked_csv(client, url: str, table: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The CSV a chart links to, read through that link (a twin URL of the page's own table)."""
    query = parse_qs(urlsplit(url).query)
    assert query["format"] == ["csv"] and query["table"] == [table], url
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv", url
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def check_method_link(client, url: str, anchor: str, methodology: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    parts = urlsplit(url)
    assert parts.path == "/methodology" and parts.fragment == anchor, url
    key = parts.query
    if key not in methodology:
        response = client.get(f"/methodology?{key}" if key else "/methodology")
        assert response.status_code == 200
        methodology[key] = response.get_data(as_text=True)
    page = methodology[key]
    assert f'id="{anchor}"' in page, anchor
    section = page[page.index(f'id="{anchor}"'):]
    section = section[:section.index("</ul>")]
    assert section.count("<li>") >= 3, section  # an explanation, not just a heading


def _number(text: str) -> float | int | None:
    if text == "":
        return None
    return float(text) if "." in text else int(text)


def check_bars(figure: dict[str, Any], rows: list[dict[str, str]], column: str, by_panel: bool,
               scale: Scale = SCALE) -> None:
    """Every bar segment drawn is a row of the CSV (day, party, stance -> column, count, members),
    and every row of the CSV is drawn."""
    by_short = {s.short: s.key for s in scale.stances}
    table = {(r["day"], r["party"], r["stance"]): r for r in rows}
    assert len(table) == len(rows)
    drawn = 0
    for trace in figure["data"]:
        assert trace["type"] == "bar"
        stance = by_short[trace["name"]]
        party = trace["meta"] if by_panel else None
        for x, y, (count, members) in zip(trace["x"], trace["y"], trace["customdata"], strict=True):
            row = table[(x, party or rows[0]["party"], stance)]
            assert _number(row[column]) == y, (x, party, stance)
            assert (int(row["count"]), int(row["members"])) == (count, members)
            drawn += 1
    assert drawn == len(rows)


def check_timeline(figure: dict[str, Any], rows: list[dict[str, str]]) -> None:
    """The line goes through each step row's (date, level) to the last step's until; the dots are
    the evidence rows, each in the trace of the stance it states."""
    steps = [r for r in rows if r["series"] == "stance"]
    dots = [r for r in rows if r["series"] == "evidence"]
    assert len(steps) + len(dots) == len(rows) and dots
    line = next(t for t in figure["data"] if t["name"] == "Stance")
    assert line["x"] == [r["date"] for r in steps] + [steps[-1]["until"]]
    assert line["y"] == [int(r["level"]) for r in steps] + [int(steps[-1]["level"])]
    for a, b in zip(steps, steps[1:], strict=False):
        assert a["until"] == b["date"]  # each step ends where the next begins
    plotted = Counter()
    for trace in figure["data"]:
        if trace["name"] == "Stance":
            continue
        assert trace["mode"] == "markers"
        for x, y in zip(trace["x"], trace["y"], strict=True):
            plotted[(x, y, trace["name"])] += 1
    assert plotted == Counter((r["date"], int(r["level"]), r["stance_label"] or "Sets no stance")
                              for r in dots)
    for r in rows:
        stance = r["stance"] or SCALE.default
        assert int(r["level"]) == SCALE.rank(stance)


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_every_chart_draws_exactly_the_csv_it_links_to(client):
    methodology: dict[str, str] = {}
    seen = Counter()

    # The home page: one panel per party group, percentages of the group's MPs.
    home = charts_on(client.get(HOME).get_data(as_text=True))
    assert [c["id"] for c in home] == ["commons-chart"]
    rows = linked_csv(client, home[0]["data"], "commons_by_party")
    check_method_link(client, home[0]["method"], "chart-commons-by-party", methodology)
    check_bars(home[0]["figure"], rows, "percent", by_panel=True)
    assert {t["meta"] for t in home[0]["figure"]["data"]} == {
        "Labour", "Conservative", "SNP", "Liberal Democrat", "Other"}
    members = Counter()
    for r in rows:  # percent is of all the group's MPs that day, and the groups are every MP sitting
        assert float(r["percent"]) == round(100 * int(r["count"]) / int(r["members"]), 1)
        members[(r["day"], r["party"])] += int(r["count"])
        assert members[(r["day"], r["party"])] <= int(r["members"])
    assert all(n == int(next(r["members"] for r in rows if (r["day"], r["party"]) == k))
               for k, n in members.items())
    assert sum(n for (day, _party), n in members.items() if day == "2023-11-01") == 650
    seen["home"] += 1

    # Party pages: numbers of the party's MPs.
    for url in PARTIES:
        found = charts_on(client.get(url).get_data(as_text=True))
        assert len(found) == 1, url
        rows = linked_csv(client, found[0]["data"], "stance_by_month")
        check_method_link(client, found[0]["method"], "chart-party-by-month", methodology)
        check_bars(found[0]["figure"], rows, "count", by_panel=False)
        assert all(r["day"].endswith("-01") for r in rows)
        seen["party"] += 1

    # Person and constituency pages: a stance line with a dot per piece of evidence.
    for url in PEOPLE + CONSTITUENCIES:
        found = charts_on(client.get(url).get_data(as_text=True))
        assert found, url
        for chart in found:
            rows = linked_csv(client, chart["data"], "stance_chart")
            check_method_link(client, chart["method"], "chart-stance-over-time", methodology)
            if url in CONSTITUENCIES:  # one chart per current MP; the CSV has each, by person
                person = chart["id"].removeprefix("chart-")
                rows = [r for r in rows if r["person"] == person]
            check_timeline(chart["figure"], rows)
            seen["timeline"] += 1
    assert seen == {"home": 1, "party": len(PARTIES), "timeline": len(PEOPLE) + len(CONSTITUENCIES)}


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.imported
def test_chart_links_keep_the_topic_and_describe_their_columns(client):
    page = client.get("/parties/labour?topic=palestine-action").get_data(as_text=True)
    (chart,) = charts_on(page)
    assert parse_qs(urlsplit(chart["data"]).query)["topic"] == ["palestine-action"]
    assert parse_qs(urlsplit(chart["method"]).query)["topic"] == ["palestine-action"]
    rows = linked_csv(client, chart["data"], "stance_by_month")
    assert {r["stance"] for r in rows} == set(scale_for("palestine-action").keys())
    check_bars(chart["figure"], rows, "count", by_panel=False, scale=scale_for("palestine-action"))

    # The JSON twin says what each column of the chart's table means.
    body = client.get(chart["data"].replace("format=csv", "format=json")).get_json()
    columns = {c["name"]: c["description"] for c in body["tables"]["stance_by_month"]["columns"]}
    assert list(columns) == ["day", "party", "stance", "stance_label", "count", "members"]
    assert "1st of a month" in columns["day"]
    assert "/methodology#chart-party-by-month" in body["tables"]["stance_by_month"]["description"]


def test_methodology_explains_each_aggregation(client):
    page = client.get("/methodology").get_data(as_text=True)
    toc = page[page.index('class="toc"'):page.index("</nav>", page.index('class="toc"'))]
    assert 'href="#charts-h"' in toc

    def section(anchor: str) -> str:
        start = page.index(f'id="{anchor}"')
        return html.unescape(page[start:page.index("</ul>", start)])

    rules = section("chart-counting")
    assert "“No recorded position”" in rules and f"“{CONFLICT_LABEL}”" in rules
    assert "Not voting is never a stance" in rules
    home = section("chart-commons-by-party")
    assert "the 1st of each month from 1 Oct 2023" in home and "not an average over the month" in home
    assert "“Other”" in home and "Labour, Conservative, SNP and Liberal Democrat" in home
    assert "Percentages are of members, not of recorded stances" in home
    party = section("chart-party-by-month")
    assert "numbers of MPs, not percentages" in party
    timeline = section("chart-stance-over-time")
    assert "on or after" in timeline and f"“{CONFLICT_LABEL}”" in timeline


# The frames themselves, on made-up rows.

def test_share_frame_drops_groups_with_no_members_and_rounds_percentages():
    day, later = date(2024, 5, 1), date(2024, 7, 1)
    rows = [AggregateRow(day, "Labour", "ceasefire", 1), AggregateRow(day, "Labour", "unknown", 2),
            AggregateRow(day, "SNP", "ceasefire", 0), AggregateRow(day, "SNP", "unknown", 0),
            AggregateRow(later, "SNP", "ceasefire", 3), AggregateRow(later, "SNP", "unknown", 0)]
    frame = chart_frames.monthly_shares(rows, SCALE)
    records = list(chart_frames.records(frame))
    assert [(r["day"], r["party"], r["stance"], r["count"], r["members"], r["percent"]) for r in records] == [
        (day, "Labour", "ceasefire", 1, 3, 33.3), (day, "Labour", "unknown", 2, 3, 66.7),
        (later, "SNP", "ceasefire", 3, 3, 100.0), (later, "SNP", "unknown", 0, 3, 0.0)]
    assert all(type(r["count"]) is int and type(r["percent"]) is float for r in records)
    figure = charts.shares_figure(frame, SCALE)
    snp = {t["name"]: t for t in figure["data"] if t["meta"] == "SNP"}
    assert snp[SCALE["ceasefire"].short]["x"] == ["2024-07-01"]  # no bar where the group had no MP
    assert snp[SCALE["ceasefire"].short]["y"] == [100.0]
    assert snp[SCALE["ceasefire"].short]["marker"]["color"] == SCALE["ceasefire"].colour
    json.loads(charts.to_json(figure))  # plain JSON: no NaN, no numpy numbers
    assert chart_frames.monthly_shares([], SCALE).empty


def _evidence(item_id: str, day: date, stance: str | None, kind: str = "statement") -> CitedEvidence:
    return CitedEvidence(item_id, day, kind, stance, SCALE.label(stance) if stance else None, "Said so",
                         None, None, None, "https://example.org/" + item_id, "Example")


def test_timeline_frame_draws_conflicts_and_stanceless_evidence_on_the_default_line():
    first, second = _evidence("evidence:1", date(2023, 11, 1), "ceasefire"), _evidence(
        "evidence:2", date(2024, 1, 5), "opposed")
    edm = _evidence("edm:3", date(2024, 1, 5), None, kind="edm")
    periods = (
        StanceView(1, "ceasefire", "unknown", SCALE.label("unknown"), False, None, date(2023, 11, 1)),
        StanceView(1, "ceasefire", "ceasefire", SCALE.label("ceasefire"), False, date(2023, 11, 1),
                   date(2024, 1, 5), (first,)),
        StanceView(1, "ceasefire", "unknown", CONFLICT_LABEL, True, date(2024, 1, 5), None, (first, second)))
    history = StanceHistory(1, periods, (first, second, edm))
    frame = chart_frames.stance_points(history, SCALE, "someone", date(2024, 3, 1))
    rows = list(chart_frames.records(frame))
    assert [(r["series"], r["date"], r["until"], r["stance_label"], r["level"]) for r in rows] == [
        ("stance", date(2023, 11, 1), date(2024, 1, 5), SCALE.label("ceasefire"), 3),
        ("stance", date(2024, 1, 5), date(2024, 3, 1), CONFLICT_LABEL, 0),
        ("evidence", date(2023, 11, 1), None, SCALE.label("ceasefire"), 3),
        ("evidence", date(2024, 1, 5), None, SCALE.label("opposed"), -1),
        ("evidence", date(2024, 1, 5), None, None, 0)]
    figure = charts.timeline_figure(frame, SCALE)
    line = figure["data"][0]
    assert (line["x"], line["y"]) == (["2023-11-01", "2024-01-05", "2024-03-01"], [3, 0, 0])
    dots = {t["name"]: t for t in figure["data"][1:]}
    assert dots["Sets no stance"]["marker"]["symbol"] == "circle-open"
    assert dots["Sets no stance"]["text"][0].startswith("on or after 5 Jan 2024 (edm)")
    # The table beside the chart lists the same steps.
    assert chart_frames.steps_table(frame)["rows"] == [
        {"From": "1 Nov 2023", "To": "5 Jan 2024", "Stance": SCALE.label("ceasefire")},
        {"From": "5 Jan 2024", "To": "now", "Stance": CONFLICT_LABEL}]
    empty = chart_frames.stance_points(StanceHistory(2, periods[:1], ()), SCALE, "no-one", date(2024, 3, 1))
    assert empty.empty and list(empty.columns) == list(chart_frames.TIMELINE_COLUMNS)
