"""bench/national.py: its synthetic load fits the schema and the site shows it; its wrk reading;
its export measurement (bench/national_exports.py) on a small database.

The benchmark itself is not run here (it takes minutes); these keep it working as the
schema moves.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tracker.config import PROJECT_ROOT
from tracker.dataset.tables import TABLES


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


national_data = _bench_module("national_data")
national_http = _bench_module("national_http")
national_exports = _bench_module("national_exports")
for _name in ("national_pages", "national_report"):
    _bench_module(_name)
national = _bench_module("national")


def _rows(app: Flask, sql: str, **params: object) -> list[sa.Row]:
    with app.extensions["engine"].connect() as conn:
        return list(conn.execute(sa.text(sql), params))


@pytest.mark.imported
def test_synthetic_load_on_the_imported_data(app: Flask, client: FlaskClient) -> None:
    engine = app.extensions["engine"]
    scale = national_data.Scale(0.002)  # 1 council, 36 councillors, 4 divisions, 200 evidence
    counts = national_data.load(engine, PROJECT_ROOT / "data", scale, seed=7, log=lambda _: None)

    assert national_data.marker(engine) == "scale=0.002 seed=7"
    assert counts["councillors.person"] == counts["councillors.membership"] == 36
    assert counts["divisions.division"] == 4
    assert counts["evidence.evidence"] == counts["evidence.revision"] == 200

    # Every MP sitting that day votes once in each synthetic division, two tellers a side.
    divisions = _rows(app, "SELECT id, division_date, aye_count, no_count FROM division "
                           "WHERE commons_division_id >= 900000")
    assert len(divisions) == 4
    for division_id, day, ayes, noes in divisions:
        positions = Counter(p for (p,) in _rows(
            app, "SELECT position FROM vote WHERE division_id = :d", d=division_id))
        sitting = _rows(app, "SELECT COUNT(DISTINCT m.person_id) FROM membership m "
                             "JOIN body b ON b.id = m.body_id WHERE b.kind = 'commons' "
                             "AND (m.start_date IS NULL OR m.start_date <= :d) "
                             "AND (m.end_date IS NULL OR m.end_date >= :d)", d=day)[0][0]
        assert sum(positions.values()) == sitting > 600
        assert positions["teller_aye"] == positions["teller_no"] == 2
        assert (ayes, noes) == (positions["aye"] + 2, positions["no"] + 2)

    # One revision per evidence row, with the row as it was written, in one change set
    # when the schema has change sets.
    revisions = _rows(app, "SELECT r.record_id, e.id FROM revision r LEFT JOIN evidence e "
                           "ON e.id = r.record_id WHERE r.table_name = 'evidence' "
                           "AND e.external_key LIKE 'bench:%'")
    assert len(revisions) == 200 and all(evidence_id for _, evidence_id in revisions)
    if "change_set_id" in {c["name"] for c in sa.inspect(engine).get_columns("revision")}:
        sets = _rows(app, "SELECT DISTINCT r.change_set_id, c.actor FROM revision r JOIN change_set c "
                          "ON c.id = r.change_set_id JOIN evidence e ON e.id = r.record_id "
                          "WHERE r.table_name = 'evidence' AND e.external_key LIKE 'bench:%'")
        assert [actor for _, actor in sets] == ["bench:national"]

    # The council page lists its synthetic councillors.
    slug, name = _rows(app, "SELECT a.slug, p.name FROM membership m JOIN area a ON a.id = m.area_id "
                            "JOIN person p ON p.id = m.person_id "
                            "WHERE m.external_id LIKE 'bench:council:%' ORDER BY m.id")[0]
    page = client.get(f"/councils/{slug}")
    assert page.status_code == 200
    assert name in page.get_data(as_text=True)

    # Ids were handed out by the load: the database still hands out new ones after them.
    with engine.begin() as conn:
        new_id = conn.execute(sa.text(
            "INSERT INTO person (name, sort_name, slug) VALUES ('After Load', 'Load, After', "
            "'after-load') RETURNING id")).scalar()
    assert new_id > max(r[0] for r in _rows(app, "SELECT id FROM person WHERE slug <> 'after-load'"))


WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:18765/nope
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.58ms    2.10ms  18.85ms   87.15%
    Req/Sec     1.89k   553.76     2.87k    60.00%
  1873 requests in 2.00s, 0.93MB read
  Socket errors: connect 0, read 1, write 0, timeout 7
  Non-2xx or 3xx responses: 73
Requests/sec:    936.50
Transfer/sec:      0.93MB
"""


def test_wrk_summary_counts_only_successful_responses() -> None:
    result = national_http.parse_wrk(WRK_OUTPUT, duration=1)
    assert result.ok_per_s == pytest.approx((1873 - 73) / 2.0)
    assert (result.completed, result.timeouts, result.non_2xx, result.errors) == (1873, 7, 73, 1)


def test_percentiles_are_nearest_rank() -> None:
    latency = national_http.Latency(samples_ms=[float(n) for n in range(1, 21)])
    assert latency.percentile(95) == 19.0
    assert latency.p50 == 10.5
    assert national_http.Latency().percentile(95) is None


@pytest.mark.imported
def test_export_measurement_on_a_small_database(app: Flask, tmp_path: Path) -> None:
    """Our side of the export benchmark, end to end: the imported data served by `tracker serve`,
    its vote.csv and dump.zip read over HTTP, `tracker export dump` run, the table printed.
    Datasette's virtualenv cannot be made where it is asked for here, so that side is left
    out with the reason (no network needed)."""
    url = app.config["DATABASE_URL"]
    votes = _rows(app, "SELECT COUNT(*) FROM vote")[0][0]
    assert votes > 0
    (tmp_path / "a-file").write_text("not a folder\n")
    args = national.parse_args(["--export-runs", "1", "--timeout", "120",
                                "--datasette-venv", str(tmp_path / "a-file" / "venv")])
    kind = "postgres" if url.startswith("postgresql") else "sqlite"
    printed: list[str] = []
    result = national_exports.run(kind, kind, url, args, tmp_path, national.tracker_cli,
                                  printed.append)

    assert result.votes == votes
    [mine] = result.ours
    assert (mine.status, mine.error, mine.rows) == (200, "", votes)
    # The same bytes as the dump's vote.csv, from a server of several processes.
    assert mine.size == result.dump.vote_csv_size > 0
    assert mine.processes >= 2 and mine.peak_kib >= mine.idle_kib > 0
    assert result.dump.error == "" and result.dump.files == len(TABLES) + 1
    assert result.dump.seconds and result.dump.peak_mib
    assert result.zip is not None and result.zip.ok and result.zip.note == f"{len(TABLES) + 1} files"
    assert result.datasette == []
    assert result.datasette_skipped == ("Datasette serves SQLite only" if kind == "postgres"
                                        else result.datasette_skipped)
    if kind == "sqlite":
        assert result.datasette_skipped.startswith("`-m venv")

    [row] = [line.split() for line in printed if line.startswith("ours /downloads/vote.csv #1")]
    assert row[3] == f"{votes:,}"
    assert any(line.startswith("Datasette vote.csv") and line.endswith(f"skipped: {result.datasette_skipped}")
               for line in printed)
    verdicts = {line.split()[1]: line.split()[0] for line in printed if line.startswith("  ")
                and line.split()[0] in ("PASS", "FAIL", "n/a")}
    assert verdicts == {"our": "n/a", "peak": verdicts["peak"], "full": "PASS"}


def test_a_datasette_that_cannot_be_installed_is_left_out_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    command, why = national_exports.ensure_datasette(tmp_path / "a-file" / "venv", lambda _: None)
    assert command is None
    assert why.startswith("`-m venv") and "failed" in why


def test_datasette_paths_use_its_tilde_encoding() -> None:
    assert national_exports.tilde_encode("national-0.05-7") == "national-0~2E05-7"
    assert national_exports.tilde_encode("a b/c") == "a+b~2Fc"
