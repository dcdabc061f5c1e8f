"""Coverage: per topic, how many sitting MPs, GE2024 candidates and councillors hold a
recorded stance, on `tracker stats` and the home page, from the real imported data."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from sqlmodel import Session, select

from tracker.models import Topic
from tracker.queries.coverage import coverage, group_members
from tracker.queries.home import candidate_figures, sitting_mp_stances
from tracker.queries.stances import evidence_for_people
from tracker.reference import topic_slugs
from tracker.stance import load_topic

pytestmark = [pytest.mark.shared_data, pytest.mark.imported]


def _with_stance_setting_evidence(session: Session, topic: Topic, ids: list[int]) -> set[int]:
    """People with at least one piece of evidence (or vote) that sets a stance on the topic,
    from the evidence itself rather than from the timelines built of it."""
    default = load_topic(topic.slug).default
    records = evidence_for_people(session, ids, topic)
    return {pid for pid, items in records.items()
            if any(r.item.stance not in (None, default) for r in items)}


def test_coverage_counts_every_topic_and_agrees_with_the_raw_data(session, count_queries):
    today = date.today()
    with count_queries() as statements:
        items = coverage(session, today)
    assert [i.topic for i in items] == topic_slugs()  # every topic of data/topics, none named
    # A fixed number: three for the groups, one for the topics, then one per topic (the read model).
    assert statements() == 4 + len(items)

    members = group_members(session, today)
    assert len(members["ge2024_candidates"]) == 4515
    assert len(members["sitting_mps"]) == 650
    assert 0 < len(members["councillors"]) <= 40
    topics = {t.slug: t for t in session.exec(select(Topic)).all()}
    everyone = sorted({pid for ids in members.values() for pid in ids})
    for item in items:
        recorded = _with_stance_setting_evidence(session, topics[item.topic], everyone)
        for group in item.groups:
            assert group.total == len(members[group.key])
            expected = len(recorded.intersection(members[group.key]))
            assert group.with_stance == expected, (item.topic, group.key)
    ceasefire = next(i for i in items if i.topic == "ceasefire")
    assert ceasefire.group("sitting_mps").with_stance > 0
    assert ceasefire.group("councillors").with_stance > 0  # councillors who left Labour over Gaza


def test_coverage_agrees_with_the_home_page_figures(session):
    today = date.today()
    for item in coverage(session, today):
        scale = load_topic(item.topic)
        mps = sitting_mp_stances(session, today, item.topic)
        assert item.group("sitting_mps").total == mps.total
        # Everyone whose stance today is not "no recorded position" is counted; so is anyone
        # whose only stance has ended (a withdrawn EDM signature): we still hold a record of it.
        assert item.group("sitting_mps").with_stance >= mps.total - mps.counts[scale.default]
        candidates = candidate_figures(session, today, topic=item.topic)
        assert item.group("ge2024_candidates").with_stance == candidates.with_stance


def test_stats_prints_coverage_after_the_table_counts(cli):
    text = cli("stats").output
    assert text.index("person ") < text.index("Coverage on ")
    data = json.loads(cli("stats", "--json").output)
    assert isinstance(data["person"], int) and isinstance(data["decision"], int)  # table counts stay
    topics = data["coverage"]["topics"]
    assert sorted(topics) == topic_slugs()
    for slug, figures in topics.items():
        name = figures["name"]
        assert f"  {name} ({slug})" in text
        mps = figures["sitting_mps"]
        assert mps["out_of"] == 650 and 0 <= mps["with_recorded_stance"] <= 650
        assert figures["ge2024_candidates"]["out_of"] == 4515
        assert figures["sentence"].startswith(f"We hold a recorded stance on “{name}” for "
                                              f"{mps['with_recorded_stance']:,} of the 650 sitting MPs, ")
        assert "of the 4,515 candidates at the 2024 general election, and " in figures["sentence"]


def test_home_page_says_coverage_in_words_with_its_twin(cli, client):
    figures = json.loads(cli("stats", "--json").output)["coverage"]["topics"]
    page = client.get("/").get_data(as_text=True)
    section = page[page.index('id="coverage-h"'):]
    for slug, item in figures.items():
        assert item["sentence"] in section, slug
    rows = list(csv.DictReader(client.get("/?format=csv&table=coverage").get_data(as_text=True).splitlines()))
    assert len(rows) == 3 * len(figures)
    for row in rows:
        assert int(row["with_recorded_stance"]) == figures[row["topic"]][row["group"]]["with_recorded_stance"]
        assert int(row["out_of"]) == figures[row["topic"]][row["group"]]["out_of"]
