"""/downloads and its pages: every file, table and column documented from the declarations the
files are made from, with their sizes, licences, a citation, and ``as_of`` on every download.
The overview links to a page per table (/downloads/tables/<name>) and per kind of page
(/downloads/pages/<page>), so that no page is over 100 KB of HTML."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape

from tracker import dataset
from tracker.dataset.package import LICENSES, OWN_RECORDS_TERMS, SOURCE_LIST, package
from tracker.exports import registry
from tracker.web.downloads_docs import FOLD_VALUES, documented_columns, twin_address

TODAY = datetime.now(UTC).date()
CEASEFIRE_VOTE = "2023-11-15-snp-amendment-h-immediate-ceasefire"


LIMIT = 100_000  # bytes of HTML a page may weigh (issue 7)


def _page(client, url: str = "/downloads") -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _documentation_urls() -> list[str]:
    return (["/downloads"] + [f"/downloads/tables/{t['name']}" for t in dataset.describe()["tables"]]
            + [f"/downloads/pages/{p['page']}" for p in registry.describe()["pages"]])


def _block(page: str, anchor: str, end: str = "</section>") -> str:
    """The HTML from the element with id ``anchor`` to the next ``end``."""
    start = page.index(f'id="{anchor}"')
    return page[start:page.index(end, start)]


def _e(text: str) -> str:
    return str(escape(text))


def _csv_rows(client, url: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_every_dump_table_and_column_is_documented_with_its_size_and_files(cli, client) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    page = _page(client)
    described = dataset.describe()
    overview = _block(page, "full")
    # The overview lists every table, in order, each linked to its own page.
    assert [t["name"] for t in described["tables"]] == re.findall(
        r'<tr id="table-([a-z_]+)"><td data-label="Table"><a href="/downloads/tables/\1">', overview)
    total = 0
    for table in described["tables"]:
        name = table["name"]
        rows = len(_csv_rows(client, f"/downloads/{name}.csv"))
        total += rows
        row = _block(overview, f"table-{name}", "</tr>")
        assert f"<code>{name}</code>" in row and f">{rows:,}<" in row, name  # counted from the database
        assert f'href="/downloads/{name}.csv"' in row and f'href="/downloads/{name}.ndjson"' in row
        section = _page(client, f"/downloads/tables/{name}")
        assert f'<h1 id="table-{name}">The <code>{name}</code> table</h1>' in section
        assert _e(table["description"]) in section, name
        assert f"{rows:,} row{'' if rows == 1 else 's'}" in section, name
        assert f'href="/downloads/{name}.csv"' in section and f'href="/downloads/{name}.ndjson"' in section
        keys = "".join(f"<code>{k}</code>" for k in table["primary_key"])
        assert f"<strong>Primary key:</strong> {keys}" in section, name
        for fk in table["foreign_keys"]:
            link = f'<a href="/downloads/tables/{fk["table"]}"><code>{fk["table"]}</code></a>'
            target = f'{link}.<code>{fk["target"]}</code>'
            assert f'<code>{fk["column"]}</code> → {target}' in section, (name, fk)
        for private in table["private_columns"]:
            assert f"<code>{private}</code>" in _block(section, "table-" + name, "</ul>"), (name, private)
        cells = re.findall(r'<tr id="column-[a-z_]+">(.*?)</tr>', section, re.S)
        assert len(cells) == len(table["columns"]), name
        for column, cell in zip(table["columns"], cells, strict=True):
            where = (name, column["name"])
            assert f'<code>{column["name"]}</code> <span class="dl-type">{column["type"]}' in cell, where
            assert _e(column["description"]) in cell, where
            assert f"<code>{_e(column['example'])}</code>" in cell, where  # every dump column has one
            for value in column.get("values", []):
                assert f"<code>{_e(value)}</code>" in cell, where
            if column.get("format") == "json":
                assert f"JSON {column['json']}" in cell, where
    tables = len(described["tables"])
    assert f"{tables} tables, {total:,} rows in all, at the time of this page" in overview
    assert 'href="/downloads/dump.zip"' in overview
    assert f"ceasefire-tracker-{TODAY.isoformat()}.zip" in overview
    left_out = _block(page, "left-out")
    assert all(f"<code>{e['name']}</code>: {_e(e['why'])}" in left_out for e in described["excluded_tables"])


def test_every_page_twin_table_and_column_is_documented(client) -> None:  # type: ignore[no-untyped-def]
    overview = _block(_page(client), "twins")
    pages = registry.describe()["pages"]
    assert [p["page"] for p in pages] == re.findall(
        r'<tr id="twins-([a-z_]+)"><td data-label="Page"><a href="/downloads/pages/\1">', overview)
    for kind in pages:
        row = _block(overview, f"twins-{kind['page']}", "</tr>")
        assert f"<code>{_e(kind['url'])}</code>" in row
        assert all(f"<code>{t['name']}</code>" in row for t in kind["tables"]), kind["page"]
        section = _page(client, f"/downloads/pages/{kind['page']}")
        assert f'<h1 id="twins-{kind["page"]}">' in section
        assert f"<code>{_e(kind['url'])}</code></h1>" in section
        assert re.findall(r'<section class="dl-twin" id="twins-[a-z_]+-([a-z_]+)"', section) == [
            t["name"] for t in kind["tables"]]
        for index, table in enumerate(kind["tables"]):
            block = _block(section, f"twins-{kind['page']}-{table['name']}")
            where = (kind["page"], table["name"])
            assert _e(table["description"]) in block, where
            assert f"<code>{_e(twin_address(kind['url'], 'csv', table['name']))}</code>" in block, where
            assert ("(main table)" in block) == (index == 0), where
            assert block.count("<dt>") == len(table["columns"]), where
            for column in table["columns"]:
                term = f'<dt><code>{column["name"]}</code> <span class="dl-type">{column["type"]}</span></dt>'
                assert f'{term}\n    <dd>{_e(column["description"])}' in block, (*where, column["name"])
                for value in column.get("values", []):
                    assert f"<code>{_e(value)}</code>" in block, (*where, column["name"], value)
    assert twin_address("/people/<slug>", "csv", "votes") == "/people/<slug>?format=csv&table=votes"
    assert twin_address("/search?q=<text>", "csv", "results") == "/search?q=<text>&format=csv&table=results"


def test_a_long_list_of_allowed_values_is_folded(app) -> None:  # type: ignore[no-untyped-def]
    macros = app.jinja_env.get_template("downloads/_macros.html").module
    short = str(macros.allowed(["aye", "no"], fold=False))
    assert short == '<span class="dl-values">Allowed values: <code>aye</code>, <code>no</code>.</span>'
    many = [f"v{i}" for i in range(FOLD_VALUES + 1)]
    folded = str(macros.allowed(many, fold=True))
    assert folded.startswith(f'<details class="dl-values"><summary>Allowed values: {len(many)}</summary>')
    assert all(f"<code>{v}</code>" in folded for v in many)
    assert str(macros.allowed([], fold=False)) == ""
    described = [{"name": "x", "values": many}, {"name": "y", "values": many[:FOLD_VALUES]}, {"name": "z"}]
    assert [c["fold"] for c in documented_columns(described)] == [True, False, False]


def test_unknown_tables_and_kinds_of_page_are_404s_that_say_what_exists(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/downloads/tables/users")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "There is no table &#39;users&#39; here. The tables are: source, topic, party" in text
    assert "stance_contradiction." in text
    response = client.get("/downloads/pages/<script>")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "<script>" not in text.split("<main", 1)[1].split("</main>")[0]
    assert "There is no kind of page &#39;&lt;script&gt;&#39; here." in text
    assert "The kinds of page are: home, changes, methodology" in text


@pytest.mark.imported
def test_no_documentation_page_is_over_100_kb_on_the_real_data(client) -> None:  # type: ignore[no-untyped-def]
    sizes = {url: len(client.get(url).get_data()) for url in _documentation_urls()}
    assert all(size > 2_000 for size in sizes.values()), sizes  # each is a real page
    heavy = {url: size for url, size in sizes.items() if size > LIMIT}
    assert not heavy, heavy


def test_licences_match_the_data_package_and_say_what_the_project_states(client) -> None:  # type: ignore[no-untyped-def]
    section = _block(_page(client), "licences")
    for licence in LICENSES:
        assert f'<a href="{licence["path"]}">{_e(licence["title"])}</a> ({licence["name"]})' in section
    for source in SOURCE_LIST:
        assert _e(source.name) in section and _e(source.credit) in section and _e(source.covers) in section
        assert _e(source.terms) in section and (source.licence is not None or source.terms), source.name
    for words in ("Open Parliament Licence v3.0", "Democracy Club", "mySociety", "TheyWorkForYou",
                  "Open Government Licence v3.0", "Contains OS data", "postcodes.io", "CC-BY-4.0"):
        assert _e(words) in section, words
    # Our own compilation: the repository states no licence for it, and the page says so plainly.
    assert _e(OWN_RECORDS_TERMS) in section and "No licence is stated yet" in section
    # One source of truth: datapackage.json's licences and sources are the page's.
    described = package(None, "https://tracker.example")
    assert described["licenses"] == list(LICENSES)
    assert [s["title"] for s in described["sources"]] == [s.title for s in SOURCE_LIST]
    assert "no licence stated" in described["sources"][-1]["title"]
    assert "CC-BY-4.0" not in described["sources"][-1]["title"]


def test_api_citation_and_as_of_are_explained_with_links(client) -> None:  # type: ignore[no-untyped-def]
    page = _page(client)
    api = _block(page, "api")
    assert 'href="/api"' in api and 'href="/api/openapi.json"' in api
    cite = _block(page, "cite")
    day = TODAY.strftime("%-d %b %Y")
    dump = f"http://127.0.0.1:5000/downloads/dump.zip?as_of={TODAY.isoformat()}"
    assert f"Ceasefire tracker, full data, as it stood on {day}, {dump} (accessed {day})." in cite
    assert f"http://127.0.0.1:5000/downloads?as_of={TODAY.isoformat()}" in cite
    as_of = _block(page, "as-of")
    assert f"/downloads/evidence.csv?as_of={TODAY.isoformat()}" in as_of and "?as_of=YYYY-MM-DD" in as_of
    start = page.index('class="toc dl-toc"')
    toc = page[start:page.index("</nav>", start)]
    for anchor in ("full", "reading", "tables", "left-out", "twins", "api", "licences", "cite", "as-of"):
        assert f'href="#{anchor}"' in toc and f'id="{anchor}"' in page, anchor


def test_the_page_is_linked_from_every_page_and_from_each_twin_line(cli, client) -> None:  # type: ignore[no-untyped-def]
    assert cli("seed").exit_code == 0
    home = client.get("/").get_data(as_text=True)
    nav = home[home.index('<nav class="site-nav"'):home.index("</nav>", home.index('<nav class="site-nav"'))]
    assert '<a href="/downloads">Downloads</a>' in nav
    footer = home[home.index('<footer class="site">'):]
    assert '<a href="/downloads">Downloads</a>' in footer
    assert '(<a href="/downloads/pages/home">about these files</a>)' in home
    person = client.get("/people/sophia-naqvi").get_data(as_text=True)
    assert '(<a href="/downloads/pages/person">about these files</a>)' in person
    assert 'href="/downloads/pages/person"' in client.get("/downloads/pages/home").get_data(as_text=True)
    for own in ("/downloads", "/downloads/tables/vote", "/downloads/pages/person"):
        assert '<a href="/downloads" aria-current="page">Downloads</a>' in _page(client, own), own


def test_the_pages_are_cached_and_validated_like_other_pages(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/downloads", "/downloads/tables/evidence", "/downloads/pages/division"):
        first = client.get(url)
        assert first.headers["X-Cache"] == "miss" and first.headers["ETag"], url
        assert client.get(url).headers["X-Cache"] == "hit", url
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304, url


@pytest.mark.imported
def test_downloads_and_their_page_as_of_a_past_day(client) -> None:  # type: ignore[no-untyped-def]
    evidence_today = _csv_rows(client, "/downloads/evidence.csv")
    assert [r for r in evidence_today if r["evidence_date"] > "2023-11-01"]
    before = _csv_rows(client, "/downloads/evidence.csv?as_of=2023-11-01")
    assert before and all(r["evidence_date"] <= "2023-11-01" for r in before)
    assert len(before) < len(evidence_today)
    response = client.get("/downloads/evidence.csv?as_of=2023-11-01")
    assert response.headers["Content-Disposition"] == 'attachment; filename="evidence-2023-11-01.csv"'

    # The votes of 15 Nov 2023 are in the data as of the day after, not as of the day before,
    # and the votes of later divisions only in today's.
    divisions = _csv_rows(client, "/downloads/division.csv")
    vote_day = next(r["id"] for r in divisions if r["slug"] == CEASEFIRE_VOTE)
    later = {r["id"] for r in divisions if r["division_date"] > "2023-11-16"}
    today = _csv_rows(client, "/downloads/vote.csv")
    assert later and {r["division_id"] for r in today} >= later | {vote_day}
    before = _csv_rows(client, "/downloads/vote.csv?as_of=2023-11-14")
    assert not any(r["division_id"] == vote_day for r in before)
    after = _csv_rows(client, "/downloads/vote.csv?as_of=2023-11-16")
    assert any(r["division_id"] == vote_day for r in after)
    assert not any(r["division_id"] in later for r in after) and len(after) < len(today)
    ndjson = client.get("/downloads/vote.ndjson?as_of=2023-11-14").get_data(as_text=True)
    assert f'"division_id":{vote_day},' not in ndjson
    assert f'"division_id":{vote_day},' in client.get("/downloads/vote.ndjson?as_of=2023-11-16").get_data(
        as_text=True)

    zipped = client.get("/downloads/dump.zip?as_of=2023-11-16")
    assert zipped.headers["Content-Disposition"] == 'attachment; filename="ceasefire-tracker-2023-11-16.zip"'
    archive = zipfile.ZipFile(io.BytesIO(zipped.get_data()))
    votes = archive.read("ceasefire-tracker-2023-11-16/vote.csv").decode()
    assert votes == client.get("/downloads/vote.csv?as_of=2023-11-16").get_data(as_text=True)

    page = client.get("/downloads?as_of=2023-11-16").get_data(as_text=True)
    assert "as the site stood at the end of 16 Nov 2023" in page
    assert f">{len(after):,}<" in _block(page, "table-vote", "</tr>")
    assert 'href="/downloads/vote.csv?as_of=2023-11-16"' in page  # links stay on the day
    assert 'href="/downloads/tables/vote?as_of=2023-11-16"' in page
    assert 'href="/downloads/pages/division?as_of=2023-11-16"' in page
    table = client.get("/downloads/tables/vote?as_of=2023-11-16").get_data(as_text=True)
    assert "This page as it stood at the end of 16 Nov 2023" in table
    assert f"{len(after):,} rows" in table and f"{len(today):,} rows" not in table
    assert 'href="/downloads/vote.csv?as_of=2023-11-16"' in table
    assert 'href="/downloads/tables/division?as_of=2023-11-16"' in table  # its foreign keys
    assert 'href="/downloads?as_of=2023-11-16#reading"' in table
    twins = client.get("/downloads/pages/person?as_of=2023-11-16").get_data(as_text=True)
    assert "This page as it stood at the end of 16 Nov 2023" in twins
    assert 'href="/downloads/pages/home?as_of=2023-11-16"' in twins


def test_as_of_on_a_download_is_checked(client) -> None:  # type: ignore[no-untyped-def]
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client.get(f"/downloads/evidence.csv?as_of={tomorrow}")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert "as_of" in response.get_data(as_text=True)
    response = client.get("/downloads/evidence.ndjson?as_of=2024-02-30")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "as_of"
