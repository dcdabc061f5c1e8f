"""/downloads/dump.zip and /downloads/<table>.csv|.ndjson: the dump's own bytes, streamed."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from tracker.dataset.tables import TABLES

TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def dumped(app: Flask, cli, tmp_path: Path) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """A seeded site and the files `tracker export dump` writes for it."""
    assert cli("seed").exit_code == 0
    result = cli("export", "dump", str(tmp_path / "dump"))
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in (tmp_path / "dump").iterdir()}


def test_each_table_downloads_as_the_dump_file(client, dumped: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    for table in TABLES:
        response = client.get(f"/downloads/{table.name}.csv")
        assert response.status_code == 200, table.name
        assert response.is_streamed
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{table.name}-{TODAY}.csv"'
        assert response.get_data() == dumped[table.filename], table.name


def test_ndjson_has_one_object_per_row_with_stable_keys(client, dumped: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    for table in TABLES:
        response = client.get(f"/downloads/{table.name}.ndjson")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/x-ndjson")
        disposition = f'attachment; filename="{table.name}-{TODAY}.ndjson"'
        assert response.headers["Content-Disposition"] == disposition
        lines = response.get_data(as_text=True).splitlines()
        rows = list(csv.DictReader(io.StringIO(dumped[table.filename].decode(), newline="")))
        assert len(lines) == len(rows), table.name
        for line, row in zip(lines, rows, strict=True):
            record = json.loads(line)
            assert list(record) == table.column_names
            assert str(record["id"]) == row["id"]
    evidence = [json.loads(line) for line in client.get("/downloads/evidence.ndjson").get_data(as_text=True)
                .splitlines()]
    assert evidence and all(isinstance(e["signed_by_person"], bool) and isinstance(e["id"], int)
                            for e in evidence)
    assert all(e["created_at"].endswith("Z") for e in evidence)
    periods = client.get("/downloads/stance_period.ndjson").get_data(as_text=True).splitlines()
    assert periods and isinstance(json.loads(periods[0])["evidence"], list)  # JSON columns as JSON


def test_the_zip_holds_the_dump_files(client, dumped: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/downloads/dump.zip")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "application/zip"
    folder = f"ceasefire-tracker-{TODAY}"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{folder}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted(f"{folder}/{name}" for name in dumped)
    for name, data in dumped.items():
        assert archive.read(f"{folder}/{name}") == data, name
    # The same data, the same archive.
    assert client.get("/downloads/dump.zip").get_data() == response.get_data()


def test_unknown_tables_and_formats_say_what_exists(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/downloads/user.csv")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "there is no table 'user'" in text and "vote, whip" in text and "/downloads/dump.zip" in text
    response = client.get("/downloads/nothing.ndjson")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
    assert "person_name" in response.get_json()["error"]["message"]
    for url in ("/downloads/vote.xlsx", "/downloads/vote.json", "/downloads/vote"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "the formats are csv and ndjson" in response.get_data(as_text=True)
    assert client.get("/downloads/dump.tar").status_code == 400


def test_a_head_request_sends_no_rows(client, dumped: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    response = client.head("/downloads/vote.csv")
    assert response.status_code == 200 and response.get_data() == b""
    assert client.get("/downloads/vote.csv").get_data() == dumped["vote.csv"]


def test_a_download_is_validated_by_the_data_version(client, dumped: dict[str, bytes]) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/downloads/person.csv")
    etag = first.headers["ETag"]
    again = client.get("/downloads/person.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304
