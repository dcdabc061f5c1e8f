"""``&table=NAME`` narrows any page's twin to that one table."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = [pytest.mark.shared_data, pytest.mark.imported]


@pytest.mark.parametrize(("url", "table"), [
    ("/councils/oxford-city-council", "councillors"),
    ("/constituencies/oxford-east", "councils"),
    ("/people/tahir-ali", "votes"),
    ("/people/tahir-ali", "edms"),
])
def test_one_table_per_request(client, url, table):
    data = json.loads(client.get(f"{url}?format=json&table={table}").get_data(as_text=True))
    assert data["table"] == table and table in data["tables"]
    columns = [c["name"] for c in data["tables"][table]["columns"]]
    assert data["rows"] and all(list(r) == columns for r in data["rows"])
    text = client.get(f"{url}?format=csv&table={table}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == columns  # one table: no leading `table` column
    assert len(rows) == len(data["rows"]) + 1
