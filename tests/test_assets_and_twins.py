"""plotly.js is served by the app itself; pages have CSV/JSON twins; chart JSON is safe."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date
from urllib.parse import urlsplit

from plotly.offline import get_plotlyjs_version

from tracker import chart_frames, charts
from tracker.clock import real_today
from tracker.queries.stances import scale_for
from tracker.stance import AggregateRow


def test_plotly_is_served_locally_with_long_caching(client):
    version = get_plotlyjs_version()
    page = client.get("/").get_data(as_text=True)
    assert f'data-plotly-src="/assets/plotly-{version}.min.js"' in page
    assert "cdn" not in page.lower()
    response = client.get(f"/assets/plotly-{version}.min.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert gzip.decompress(response.data).startswith(b"/**")
    assert client.get("/assets/plotly-0.0.1.min.js").status_code == 404


def test_stance_colours_come_from_the_scale(client):
    css = client.get("/assets/stances-ceasefire.css").get_data(as_text=True)
    for level in scale_for("ceasefire").stances:
        assert f".stance-{level.key}{{background:{level.colour};color:{level.text_colour}}}" in css
    assert client.get("/assets/stances-nothing.css").status_code == 404


def test_person_page_twins_carry_evidence_with_sources(cli, client):
    cli("seed")
    response = client.get("/people/sophia-naqvi?format=csv&table=evidence")
    today = real_today().isoformat()
    disposition = f'attachment; filename="sophia-naqvi-evidence-{today}.csv"'
    assert response.headers["Content-Disposition"] == disposition
    evidence = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert evidence and all(r["source"] for r in evidence)
    assert evidence[0]["stance"] == "ceasefire"
    body = json.loads(client.get("/people/sophia-naqvi?format=json").data)
    assert body["table"] == "evidence"  # the primary table's rows, and the index of every table
    assert body["rows"][0]["quote"].endswith("No ceasefire, no vote.")
    link = urlsplit(body["tables"]["stance_periods"]["json"])
    periods = client.get(f"{link.path}?{link.query}").get_json()
    assert periods["table"] == "stance_periods" and list(periods["rows"][0])[:4] == [
        "person", "start", "end", "stance"]


def test_chart_json_cannot_close_its_script_tag():
    figure = {"data": [{"name": "</script><script>alert(1)</script>"}], "layout": {}}
    text = charts.to_json(figure)
    assert "</script>" not in text and json.loads(text)["data"][0]["name"].startswith("</script>")


def test_stacked_figures_plot_their_frame_and_keep_scale_colours():
    scale = scale_for("ceasefire")
    day = date(2024, 1, 1)
    rows = [AggregateRow(day, "Labour", "ceasefire", 3), AggregateRow(day, "Labour", "unknown", 5)]
    figure = charts.counts_figure(chart_frames.monthly_counts(rows, scale), scale)
    by_name = {t["name"]: t for t in figure["data"]}
    assert by_name[scale["ceasefire"].short]["y"] == [3]
    assert by_name[scale["ceasefire"].short]["customdata"] == [[3, 8]]  # of the party's 8 MPs that day
    assert by_name[scale["ceasefire"].short]["marker"]["color"] == scale["ceasefire"].colour
    assert by_name[scale["ceasefire"].short]["hovertemplate"].startswith(scale.label("ceasefire"))
    percent = charts.shares_figure(chart_frames.monthly_shares(rows, scale), scale)
    assert {t["name"]: t["y"] for t in percent["data"]}[scale["unknown"].short] == [62.5]
