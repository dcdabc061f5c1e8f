"""History pages, change set pages and restoring a record to an old revision."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from tracker.models import ChangeSet, Evidence, Person, PersonName, Revision, Source, Topic
from tracker.revisions import Recorder, RestoreError, restore, snapshot

HISTORY_COLUMNS = ["change_set", "committed_at", "actor", "reason", "source", "table", "record_id",
                   "action", "field", "before", "after"]


def _same(stored: dict[str, Any], now: dict[str, Any]) -> None:
    """A record's values equal what a revision stored (a time compared as a UTC moment:
    SQLite hands times back without their zone)."""
    def moment(value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+(\+00:00)?", value):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return value

    assert {k: moment(v) for k, v in now.items()} == {k: moment(v) for k, v in stored.items()}


def _fresh(session: Session, model: type, record_id: int) -> dict[str, Any] | None:
    """The record as the database holds it now (not as the session remembers it)."""
    with Session(session.get_bind()) as other:
        found = other.get(model, record_id)
        return snapshot(found) if found else None


def _ann(cli, session) -> tuple[Person, Evidence, list[int]]:  # type: ignore[no-untyped-def]
    """Ann and one statement of hers, made in one change set and changed in two more."""
    cli("import", "reference")
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    first = Recorder(session, actor="test:alice", reason="her first statement",
                     source="https://example.org/ann-statement")
    source = first.add(Source(url="https://example.org/ann-statement", publisher="Example News",
                              title="Ann speaks"))
    person = first.add(Person(name="Ann Example", sort_name="Example, Ann", slug="ann-example"))
    first.flush()
    evidence = first.add(Evidence(topic_id=topic.id, person_id=person.id, kind="statement",
                                  stance="ceasefire", evidence_date=date(2023, 11, 1),
                                  summary="Backs an immediate ceasefire.", quote="Stop the bombing now.",
                                  source_id=source.id, status="approved"))
    first.flush()
    session.commit()
    second = Recorder(session, actor="test:bob", reason="misread the article")
    second.update(evidence, {"stance": "pause", "summary": "Backs a humanitarian pause."})
    second.flush()
    session.commit()
    third = Recorder(session, actor="test:carol", reason="a later interview")
    third.update(evidence, {"stance": "opposed", "summary": "Opposes a ceasefire.", "quote": None},
                 overwrite_with_none=True)
    third.flush()
    session.commit()
    ids = [r.change_set.id for r in (first, second, third)]  # type: ignore[union-attr]
    return person, evidence, ids


def _stance_now(client, slug: str) -> str:  # type: ignore[no-untyped-def]
    data = json.loads(client.get(f"/people/{slug}?format=json&table=stance_periods").get_data(as_text=True))
    return data["rows"][-1]["stance"]


def _stance_section(client, slug: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/people/{slug}").get_data(as_text=True)
    return page[page.index('id="stance-h"'):page.index('id="timeline-h"')]


def _evidence_revision(session, evidence_id: int, change_set_id: int) -> Revision:  # type: ignore[no-untyped-def]
    return session.exec(select(Revision).where(Revision.table_name == "evidence",
                                               Revision.record_id == evidence_id,
                                               Revision.change_set_id == change_set_id)).one()


def _history_rows(client, url: str, page: int = 1) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(url, query_string={"format": "csv", "page": page})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    assert reader.fieldnames == HISTORY_COLUMNS
    return list(reader)


def test_restore_puts_a_record_back_as_it_stood_and_the_site_follows(cli, client, session):
    person, evidence, (first_id, second_id, third_id) = _ann(cli, session)
    assert _stance_now(client, "ann-example") == "opposed"
    first = _evidence_revision(session, evidence.id, first_id)
    assert first.action == "create" and first.after["stance"] == "ceasefire"

    change_set = restore(session, first.id, actor="moderator:dana", reason="the first report was right")
    session.commit()

    # The record's values are exactly those of the first version.
    _same(first.after, _fresh(session, Evidence, evidence.id))  # type: ignore[arg-type]
    # The restore is a change set of its own, with who and why, committed.
    stored = _fresh(session, ChangeSet, change_set.id)
    assert stored["actor"] == "moderator:dana" and stored["reason"] == "the first report was right"
    assert stored["committed_at"] is not None and stored["source"] == f"revision {first.id}"
    assert change_set.id > third_id
    revision = session.exec(select(Revision).where(Revision.change_set_id == change_set.id)).one()
    assert (revision.table_name, revision.record_id, revision.action) == ("evidence", evidence.id, "update")
    assert revision.before["stance"] == "opposed" and revision.after["stance"] == "ceasefire"
    assert revision.before["quote"] is None and revision.after["quote"] == "Stop the bombing now."

    # The person's stance on the site is the restored one (the read model followed the commit).
    assert _stance_now(client, "ann-example") == "ceasefire"
    assert 'class="badge stance-ceasefire"' in _stance_section(client, "ann-example")

    # The history lists the four change sets, newest (the restore) first, with who, why and what.
    page = client.get("/people/ann-example/history").get_data(as_text=True)
    assert "<h1>History of Ann Example</h1>" in page
    assert "4 change sets," in page
    listed = [int(n) for n in re.findall(r'<li class="change" id="change-set-(\d+)"', page)]
    assert listed == [change_set.id, third_id, second_id, first_id]
    restored = page[page.index(f'id="change-set-{change_set.id}"'):page.index(f'id="change-set-{third_id}"')]
    assert "By moderator:dana · Why: the first report was right" in restored
    assert f'href="/changes/{change_set.id}"' in restored
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00">[^<]+ UTC</time>', restored)
    # Field by field, only what differs: stance, summary and quote (not the date or the kind).
    fields = re.findall(r'<td data-label="Field">([^<]+)</td>', restored)
    assert fields == ["stance", "summary", "quote"]
    assert '<td data-label="Before">“Opposed a ceasefire”</td>' in restored
    assert '<td data-label="After">“Calls for an immediate ceasefire”</td>' in restored
    assert ('<td data-label="Before">not set</td>'
            '<td data-label="After">“Stop the bombing now.”</td>') in restored
    # The first change set links its source, which is a URL.
    created = page[page.index(f'id="change-set-{first_id}"'):]
    assert 'Source: <a href="https://example.org/ann-statement"' in created
    assert "By test:alice · Why: her first statement" in created

    rows = _history_rows(client, "/people/ann-example/history")
    mine = [(r["change_set"], r["actor"], r["field"], r["before"], r["after"]) for r in rows
            if r["table"] == "evidence" and r["action"] == "update"]
    assert mine[:3] == [(str(change_set.id), "moderator:dana", "stance", "opposed", "ceasefire"),
                        (str(change_set.id), "moderator:dana", "summary", "Opposes a ceasefire.",
                         "Backs an immediate ceasefire."),
                        (str(change_set.id), "moderator:dana", "quote", "", "Stop the bombing now.")]


def test_history_shows_values_as_stored_not_as_they_are_now(cli, client, session):
    person, evidence, (first_id, second_id, third_id) = _ann(cli, session)
    rename = Recorder(session, actor="test:erin", reason="her name as she spells it")
    rename.update(person, {"name": "Ann Examplé"})
    rename.flush()
    session.commit()

    page = client.get("/people/ann-example/history").get_data(as_text=True)
    # The first change set still shows the first statement and the first name, though both changed since.
    created = page[page.index(f'id="change-set-{first_id}"'):]
    assert "<dd>“Backs an immediate ceasefire.”</dd>" in created
    assert "<dd>“Calls for an immediate ceasefire”</dd>" in created
    assert "<dd>“Ann Example”</dd>" in created
    misread = page[page.index(f'id="change-set-{second_id}"'):page.index(f'id="change-set-{first_id}"')]
    assert ('<td data-label="Before">“Backs an immediate ceasefire.”</td>'
            '<td data-label="After">“Backs a humanitarian pause.”</td>') in misread
    renamed = page[page.index(f'id="change-set-{rename.change_set.id}"'):]  # type: ignore[union-attr]
    assert '<td data-label="Before">“Ann Example”</td><td data-label="After">“Ann Examplé”</td>' in renamed

    table = json.loads(client.get("/people/ann-example/history?format=json").get_data(as_text=True))
    assert table["table"] == "revisions"
    assert [c["name"] for c in table["tables"]["revisions"]["columns"]] == HISTORY_COLUMNS
    stances = [(r["change_set"], r["action"], r["before"], r["after"]) for r in table["rows"]
               if r["table"] == "evidence" and r["field"] == "stance"]
    assert stances == [(third_id, "update", "pause", "opposed"), (second_id, "update", "ceasefire", "pause"),
                       (first_id, "create", None, "ceasefire")]
    # A create gives every field the record had, as stored (the twin is fuller than the page).
    created_fields = {r["field"]: r["after"] for r in table["rows"]
                      if r["change_set"] == first_id and r["table"] == "evidence"}
    assert created_fields["evidence_date"] == "2023-11-01" and created_fields["status"] == "approved"
    assert created_fields["summary"] == "Backs an immediate ceasefire."


def test_restore_a_deleted_record_and_restore_to_a_deletion(cli, client, session):
    person, evidence, (first_id, _second_id, third_id) = _ann(cli, session)
    evidence_id = evidence.id
    remove = Recorder(session, actor="test:frank", reason="wrong person")
    remove.delete(evidence)
    remove.flush()
    session.commit()
    assert _fresh(session, Evidence, evidence_id) is None
    assert _stance_now(client, "ann-example") == "unknown"

    # Restoring the first revision re-creates the record, with its id.
    first = _evidence_revision(session, evidence_id, first_id)
    back = restore(session, first.id, actor="moderator:dana", reason="it was her after all")
    session.commit()
    _same(first.after, _fresh(session, Evidence, evidence_id))  # type: ignore[arg-type]
    made = session.exec(select(Revision).where(Revision.change_set_id == back.id)).one()
    assert (made.action, made.record_id, made.before) == ("create", evidence_id, None)
    assert _stance_now(client, "ann-example") == "ceasefire"

    # Restoring the deletion deletes it again.
    deletion = _evidence_revision(session, evidence_id, remove.change_set.id)  # type: ignore[union-attr]
    again = restore(session, deletion.id, actor="moderator:dana", reason="no, it was not")
    session.commit()
    assert _fresh(session, Evidence, evidence_id) is None
    gone = session.exec(select(Revision).where(Revision.change_set_id == again.id)).one()
    assert gone.action == "delete" and gone.before["stance"] == "ceasefire" and gone.after is None
    assert _stance_now(client, "ann-example") == "unknown"

    # Restored twice over, it is still the same record: its first revision can be put back again.
    restore(session, first.id, actor="moderator:dana", reason="it was her after all")
    session.rollback()

    page = client.get("/people/ann-example/history").get_data(as_text=True)
    assert "6 change sets," in page
    assert "Evidence about Ann Example removed" in page
    listed = [int(n) for n in re.findall(r'<li class="change" id="change-set-(\d+)"', page)]
    assert listed[:3] == [again.id, back.id, remove.change_set.id] and listed[3] == third_id  # type: ignore[union-attr]


def test_restore_never_puts_a_deleted_record_over_a_new_one_with_its_id(cli, session):
    _person, evidence, (first_id, _second, _third) = _ann(cli, session)
    first = _evidence_revision(session, evidence.id, first_id)
    remove = Recorder(session, actor="test", reason="wrong person")
    remove.delete(evidence)
    remove.flush()
    # SQLite may give the next row the deleted row's id; a new record with that id is another record.
    newcomer = Recorder(session, actor="test", reason="another statement")
    values = {k: v for k, v in first.after.items() if k not in ("created_at", "external_key")}  # type: ignore[union-attr]
    newcomer.add(Evidence(**{**values, "evidence_date": date(2024, 1, 2), "summary": "Someone else"}))
    newcomer.flush()
    session.commit()
    with pytest.raises(RestoreError, match="its id now belongs to another record"):
        restore(session, first.id, actor="moderator:dana", reason="test")


def test_restore_refuses_what_it_cannot_restore(cli, session):
    _person, evidence, (first_id, _second, third_id) = _ann(cli, session)
    with pytest.raises(RestoreError, match="there is no revision 987654"):
        restore(session, 987654, actor="moderator:dana", reason="test")
    # A revision from before change sets held only the fields that changed.
    legacy_set = ChangeSet(actor="import:old", committed_at=datetime(2024, 1, 1, tzinfo=UTC))
    session.add(legacy_set)
    session.flush()
    legacy = Revision(change_set_id=legacy_set.id, table_name="evidence", record_id=evidence.id,  # type: ignore[arg-type]
                      action="update", subject_table="evidence", subject_id=evidence.id,
                      before={"stance": "unknown"}, after={"stance": "pause"})
    session.add(legacy)
    session.commit()
    with pytest.raises(RestoreError, match="holds only part of the record"):
        restore(session, legacy.id, actor="moderator:dana", reason="test")
    # Restoring the revision the record already stands at changes nothing, and says so.
    latest = _evidence_revision(session, evidence.id, third_id)
    with pytest.raises(RestoreError, match="already stands as it did"):
        restore(session, latest.id, actor="moderator:dana", reason="test")
    session.rollback()
    assert _fresh(session, Evidence, evidence.id)["stance"] == "opposed"  # type: ignore[index]
    assert session.exec(select(ChangeSet).where(ChangeSet.actor == "moderator:dana")).all() == []
    del first_id


def test_restore_that_conflicts_with_todays_records_is_refused_plainly(cli, session):
    person, evidence, (first_id, _second, _third) = _ann(cli, session)
    person_id = person.id
    created = session.exec(select(Revision).where(Revision.table_name == "person",
                                                  Revision.record_id == person_id)).one()
    # Deleting Ann while her evidence points at her cannot be done.
    gone = Recorder(session, actor="test:gina", reason="remove the evidence first")
    gone.delete(evidence)
    gone.flush()
    session.commit()
    newcomer = Recorder(session, actor="test:gina", reason="another Ann")
    other = newcomer.add(Person(name="Ann Example", sort_name="Example, Ann", slug="ann-example-2"))
    newcomer.flush()
    session.commit()
    removal = Recorder(session, actor="test:gina", reason="duplicate")
    removal.delete(person)
    removal.flush()
    session.commit()
    # Someone else has her slug now: the old Ann cannot come back beside them.
    renamed = Recorder(session, actor="test:gina", reason="the only Ann now")
    renamed.update(other, {"slug": "ann-example"})
    renamed.flush()
    session.commit()
    with pytest.raises(RestoreError, match=f"person {person_id} cannot be put back .* conflicts with the "
                                           "records as they are now"):
        restore(session, created.id, actor="moderator:dana", reason="bring her back")
    assert _fresh(session, Person, person_id) is None
    assert session.exec(select(ChangeSet).where(ChangeSet.actor == "moderator:dana")).all() == []
    del first_id


def test_change_set_page_counts_everything_and_pages_through_revisions(client, session):
    recorder = Recorder(session, actor="import:test", reason="a long list",
                        source="lists/long.csv")
    for n in range(120):
        recorder.add(Source(url=f"https://example.org/{n}", title=f"Item {n}"))
    recorder.flush()
    person = recorder.add(Person(name="Bea Example", sort_name="Example, Bea", slug="bea-example"))
    recorder.flush()
    session.commit()
    change_set = recorder.change_set.id  # type: ignore[union-attr]

    page = client.get(f"/changes/{change_set}").get_data(as_text=True)
    assert f"<h1>Change set {change_set}</h1>" in page
    assert "By import:test · Why: a long list" in page and "Source: lists/long.csv" in page
    counts = page[page.index('id="counts-h"'):page.index('id="revisions-h"')]
    assert re.search(r'Source added</td><td data-label="How many" class="num">120<', counts)
    assert re.search(r'Person added</td><td data-label="How many" class="num">1<', counts)
    assert "121 record changes in all." in counts
    assert "(page 1 of 3)" in page
    assert page.count('<li class="revision"') == 50
    assert f'href="/changes/{change_set}?page=2" rel="next"' in page

    last = client.get(f"/changes/{change_set}?page=3").get_data(as_text=True)
    assert last.count('<li class="revision"') == 21
    assert "Person added: Bea Example" in last
    assert ('about <a href="/people/bea-example">Bea Example</a> '
            '(<a href="/people/bea-example/history">history</a>)') in last
    assert f'href="/changes/{change_set}?page=2" rel="prev"' in last

    counts = client.get(f"/changes/{change_set}?format=json&page=3&table=counts").get_json()["rows"]
    assert counts == [
        {"change_set": change_set, "table": "person", "action": "create", "revisions": 1},
        {"change_set": change_set, "table": "source", "action": "create", "revisions": 120}]
    revisions = client.get(f"/changes/{change_set}?format=json&page=3").get_json()  # the primary table
    assert revisions["table"] == "revisions"
    assert [c["name"] for c in revisions["tables"]["revisions"]["columns"]] == HISTORY_COLUMNS
    assert {(r["table"], r["field"], r["after"]) for r in revisions["rows"]
            if r["record_id"] == person.id and r["table"] == "person"} >= {("person", "name", "Bea Example")}
    # The CSV twin gives the revisions (one table per URL; ``table=counts`` for the counts).
    text = client.get(f"/changes/{change_set}?format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["change_set"] == str(change_set) for r in rows)
    counts_csv = client.get(f"/changes/{change_set}?format=csv&table=counts").get_data(as_text=True)
    assert counts_csv.splitlines()[0] == "change_set,table,action,revisions"


def test_unknown_change_sets_and_records_are_404s_in_the_page_format(client):
    for url in ("/changes/424242", "/changes/99999999999999999999", "/people/nobody-at-all/history",
                "/constituencies/nowhere/history", "/parties/none/history", "/divisions/none/history"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "text/html" in response.content_type
    response = client.get("/changes/424242?format=json")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["error"]["message"] == "There is no change set 424242."
    response = client.get("/people/nobody-at-all/history?format=json")
    assert response.status_code == 404 and "There is no person" in response.get_json()["error"]["message"]
    response = client.get("/changes/1?page=²")
    assert response.status_code == 400


def test_changes_rows_link_to_their_change_set(cli, client, session):
    cli("seed")
    seed = session.exec(select(ChangeSet).where(ChangeSet.actor == "seed")).one()
    page = client.get("/changes").get_data(as_text=True)
    assert f'<a href="/changes/{seed.id}">Change set {seed.id}</a>' in page
    assert client.get(f"/changes/{seed.id}").status_code == 200
    # The seeded pledge's page links to its history, which lists the seed.
    pledge = client.get("/pledges/no-ceasefire-no-vote").get_data(as_text=True)
    assert '<a href="/pledges/no-ceasefire-no-vote/history">History of this page’s records</a>' in pledge
    history = client.get("/pledges/no-ceasefire-no-vote/history").get_data(as_text=True)
    assert f'id="change-set-{seed.id}"' in history and "Pledge added: " in history


@pytest.mark.shared_data
@pytest.mark.imported
def test_every_record_page_links_to_its_history(client):
    pages = ["/people/tahir-ali", "/constituencies/birmingham-hall-green-and-moseley",
             "/councils/oxford-city-council", "/parties/labour", "/elections/uk-general-election-2024",
             "/divisions/2023-11-15-snp-amendment-h-immediate-ceasefire"]
    decision = re.search(r'href="(/decisions/[^"?#]+)"', client.get("/decisions").get_data(as_text=True))
    pages.append(decision.group(1))  # type: ignore[union-attr]
    for path in pages:
        page = client.get(path).get_data(as_text=True)
        assert f'<a href="{path}/history">History of this page’s records</a>' in page, path
        history = client.get(f"{path}/history")
        assert history.status_code == 200, path
        text = history.get_data(as_text=True)
        assert "<h1>History of " in text and '<li class="change"' in text, path
        assert f'href="{path}"' in text, path
    # Tahir Ali's history holds his votes, seats and names, as the imports stored them.
    text = client.get("/people/tahir-ali/history?page=1").get_data(as_text=True)
    assert "By import:" in text
    rows = _history_rows(client, "/people/tahir-ali/history")
    assert {"vote", "membership", "person"} <= {r["table"] for r in rows} | {
        r["table"] for r in _history_rows(client, "/people/tahir-ali/history", page=2)}


def test_a_history_page_runs_the_same_queries_for_few_or_many_changes(cli, client, session, count_queries):
    cli("import", "reference")
    for slug, names in (("few-names", 2), ("many-names", 45)):
        recorder = Recorder(session, actor="test:names", reason="spellings")
        source = recorder.add(Source(url=f"https://example.org/{slug}", title="Names"))
        person = recorder.add(Person(name=slug, sort_name=slug, slug=slug))
        recorder.flush()
        for n in range(names):
            recorder.add(PersonName(person_id=person.id, name=f"{slug} {n}", origin=f"list-{n % 3}",
                                    source_id=source.id))
        recorder.flush()
        session.commit()
    counts = []
    for slug in ("few-names", "many-names"):
        with count_queries() as queries:
            page = client.get(f"/people/{slug}/history").get_data(as_text=True)
        counts.append(queries())
        assert "Other name added: " in page
    assert counts[0] == counts[1]
