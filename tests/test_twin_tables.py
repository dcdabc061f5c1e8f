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
    assert list(data["tables"]) == [table]
    text = client.get(f"{url}?format=csv&table={table}").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text)))
    assert header == data["tables"][table]["columns"]  # one table: no leading `table` column
