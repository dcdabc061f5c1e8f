"""Which topic a page shows without ``?topic=`` is data: the first of data/topics by ``order``."""

from __future__ import annotations

import re
import shutil

import pytest

from tracker.config import DATA_DIR
from tracker.reference import default_topic, topics_in_order


def _topics_with_order(tmp_path, **orders):  # type: ignore[no-untyped-def]
    """A copy of data/topics with each named topic's ``order`` replaced."""
    shutil.copytree(DATA_DIR / "topics", tmp_path / "topics")
    for slug, order in orders.items():
        path = tmp_path / "topics" / f"{slug.replace('_', '-')}.toml"
        text = re.sub(r"^order = .*$", f"order = {order}", path.read_text(), count=1, flags=re.M)
        path.write_text(text)
    return tmp_path


def test_the_shipped_default_is_the_ceasefire():
    assert topics_in_order() == ["ceasefire", "palestine-action"]
    assert default_topic(DATA_DIR) == "ceasefire"


def test_the_first_topic_by_order_is_the_default_of_every_page(app, client, tmp_path):
    app.config["DATA_DIR"] = _topics_with_order(tmp_path, ceasefire=9)
    assert default_topic(app.config["DATA_DIR"]) == "palestine-action"

    page = client.get("/parties").get_data(as_text=True)
    assert '<strong aria-current="page">Proscription of Palestine Action</strong>' in page
    assert '<a href="/parties?topic=ceasefire">Ceasefire in Gaza</a>' in page
    missing = client.get("/?topic=nothing")
    assert missing.status_code == 404
    assert "the topics are: palestine-action, ceasefire" in missing.get_data(as_text=True)


def test_a_topic_without_order_comes_after_those_with_one(tmp_path):
    data = _topics_with_order(tmp_path)
    path = data / "topics" / "ceasefire.toml"
    path.write_text(re.sub(r"^order = .*\n", "", path.read_text(), count=1, flags=re.M))
    assert topics_in_order(data) == ["palestine-action", "ceasefire"]


def test_an_order_that_is_not_a_number_names_its_file(tmp_path):
    data = _topics_with_order(tmp_path, palestine_action='"first"')
    with pytest.raises(ValueError, match=r"palestine-action\.toml: order must be a number, not 'first'"):
        topics_in_order(data)
