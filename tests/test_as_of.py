"""Pages as they stood at the end of a past day (``?as_of=YYYY-MM-DD``): dated records left
out, and every change committed later undone, from a copy of the database made once per day."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.asof.moment import AsOf, mark_records_began, records_began
from tracker.models import ChangeSet, DataVersion, Evidence, Person
from tracker.revisions import Recorder

pytestmark = pytest.mark.imported
TAHIR = "/people/tahir-ali"
SUNAK = "rishi-sunak"  # opposed a ceasefire in the real records
CEASEFIRE_VOTE = "2023-11-15-snp-amendment-h-immediate-ceasefire"
YESTERDAY = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()


def text(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response.get_data(as_text=True)


def csv_rows(client, url: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(text(client, url))))


def test_tahir_ali_before_the_ceasefire_vote_and_after(client) -> None:
    before = text(client, f"{TAHIR}?as_of=2023-11-01")
    assert CEASEFIRE_VOTE not in before
    assert "as it stood at the end of 1 Nov 2023" in before
    assert re.search(r'<a href="/people/tahir-ali" data-as-of="today">See today’s version</a>', before)
    votes = csv_rows(client, f"{TAHIR}?as_of=2023-11-01&format=csv&table=evidence")
    assert votes and not [r for r in votes if r["date"] >= "2023-11-02"]
    assert not [r for r in votes if r["kind"] == "vote"]
    periods = csv_rows(client, f"{TAHIR}?as_of=2023-11-01&format=csv&table=stance_periods")
    assert all(r["start"] <= "2023-11-01" for r in periods if r["start"])

    after = text(client, f"{TAHIR}?as_of=2023-11-16")
    assert CEASEFIRE_VOTE in after
    assert [r for r in csv_rows(client, f"{TAHIR}?as_of=2023-11-16&format=csv&table=evidence")
            if r["kind"] == "vote" and r["date"] == "2023-11-15"]
    today = text(client, TAHIR)
    assert 'class="as-of"' not in today and CEASEFIRE_VOTE in today


def test_the_json_twin_says_which_day_it_shows(client) -> None:
    body = json.loads(text(client, f"{TAHIR}?as_of=2023-11-01&format=json&table=evidence"))
    assert body["as_of"] == "2023-11-01"
    assert all(row["date"] <= "2023-11-01" for row in body["rows"])
    assert json.loads(text(client, f"{TAHIR}?format=json&table=evidence"))["as_of"] is None


def _submit_live(client, users, login, summary: str, day: str) -> None:  # type: ignore[no-untyped-def]
    """A moderator's own submission goes live at once: one change set, committed now."""
    login(client, users["moderator"])
    response = client.post(f"/people/{SUNAK}/submit?topic=ceasefire", data={
        "kind": "statement", "stance": "ceasefire", "evidence_date": day, "summary": summary,
        "quote": "", "source_url": "https://news.example.org/late", "publisher": "Example News"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.post("/logout")


def test_an_item_approved_today_is_on_no_page_as_of_yesterday(client, users, login, session) -> None:
    summary = "Called for a ceasefire in a speech only recorded today."
    _submit_live(client, users, login, summary, "2023-11-10")  # dated long ago, recorded today
    assert summary in text(client, f"/people/{SUNAK}")
    assert summary in text(client, f"/people/{SUNAK}?as_of={datetime.now(UTC).date().isoformat()}")

    page = text(client, f"/people/{SUNAK}?as_of={YESTERDAY}")
    assert summary not in page and "Opposed a ceasefire" in page
    assert summary not in text(client, f"/people/{SUNAK}?as_of={YESTERDAY}&format=csv&table=evidence")
    assert summary not in text(client, f"/people/{SUNAK}/history?as_of={YESTERDAY}")
    assert summary not in text(client, f"/changes?as_of={YESTERDAY}")
    assert summary not in text(client, f"/search?q=sunak&as_of={YESTERDAY}")
    assert summary not in text(client, f"/?as_of={YESTERDAY}")


def _move_history(session: Session, began: datetime) -> None:
    """Pretend the records were loaded on ``began`` (every change set so far committed then)."""
    session.execute(sa.update(ChangeSet).values(committed_at=began))
    session.execute(sa.update(DataVersion).values(records_began_at=began))
    session.commit()


def test_a_correction_made_later_does_not_rewrite_the_past(client, session) -> None:
    _move_history(session, datetime(2024, 1, 1, 12, tzinfo=UTC))
    evidence = session.exec(select(Evidence).where(Evidence.status == "approved")
                            .order_by(Evidence.id)).first()
    assert evidence is not None and evidence.person_id is not None
    slug = session.get(Person, evidence.person_id).slug  # type: ignore[union-attr]
    old = evidence.summary
    recorder = Recorder(session, actor="test", reason="a correction")
    recorder.update(evidence, {"summary": "CORRECTED: what the source really said."})
    recorder.flush()
    session.commit()
    corrected = recorder.change_set.id  # type: ignore[union-attr]
    session.execute(sa.update(ChangeSet).where(ChangeSet.id == corrected)
                    .values(committed_at=datetime(2025, 6, 1, 9, tzinfo=UTC)))
    session.commit()

    before = text(client, f"/people/{slug}?as_of=2025-05-31&format=csv&table=evidence")
    assert old.split("\n")[0][:40] in before and "CORRECTED" not in before
    assert "CORRECTED" in text(client, f"/people/{slug}?as_of=2025-06-01&format=csv&table=evidence")
    assert "CORRECTED" in text(client, f"/people/{slug}?format=csv&table=evidence")
    # After the records began, a past day says nothing about where they began.
    assert "Our records begin" not in text(client, f"/people/{slug}?as_of=2025-05-31")
    assert "Our records begin on 1 Jan 2024" in text(client, f"/people/{slug}?as_of=2023-12-01")
    assert f"/changes/{corrected}" not in text(client, "/changes?as_of=2025-05-31")


def test_links_on_a_past_page_stay_on_that_day(client) -> None:
    page = text(client, f"{TAHIR}?as_of=2023-11-16")
    assert 'href="/parties/labour?as_of=2023-11-16"' in page
    assert f'href="/divisions/{CEASEFIRE_VOTE}?as_of=2023-11-16"' in page
    assert 'href="/login"' in page and 'href="/people/tahir-ali/claim"' in page  # forms are today's
    assert '<input type="hidden" name="as_of" value="2023-11-16">' in page  # the search form
    assert "/static/site.css?" not in page and "as_of=2023-11-16" in page
    cite = re.search(r'Permanent link[^<]*<a href="([^"]+)"', page)
    assert cite and cite.group(1) == "http://127.0.0.1:5000/people/tahir-ali?as_of=2023-11-16"
    today = text(client, TAHIR)
    stamp = datetime.now(UTC).date()
    assert f"http://127.0.0.1:5000/people/tahir-ali?as_of={stamp.isoformat()}" in today
    assert "Cite this page" in today and "as_of=" not in today.split("Cite this page")[0].split("<main")[1]


@pytest.mark.parametrize(("query", "reason"), [
    ("as_of=2023-13-01", "is not a day of the calendar"),
    ("as_of=1-11-2023", "must be a day written YYYY-MM-DD"),
    ("as_of=2999-01-01", "or earlier"),
    ("as_of=%C2%B2023-11-01", "must be a day written YYYY-MM-DD"),
])
def test_a_bad_day_is_a_400_naming_as_of(client, query: str, reason: str) -> None:
    response = client.get(f"{TAHIR}?{query}")
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    twin = client.get(f"{TAHIR}?{query}&format=json&table=evidence")
    assert twin.status_code == 400 and twin.json["error"]["parameter"] == "as_of"  # type: ignore[index]


def test_forms_and_accounts_are_not_shown_as_of_a_day(client, users, login) -> None:
    assert client.get("/login?as_of=2023-11-01").status_code == 400
    login(client, users["contributor"])
    response = client.post(f"/people/{SUNAK}/submit?topic=ceasefire&as_of=2023-11-01", data={})
    assert response.status_code == 400 and "as_of" in response.get_data(as_text=True)


def test_a_day_is_copied_once_and_later_changes_leave_it_alone(app, client, users, login) -> None:
    folder = Path(app.config["ASOF_DIR"])
    reader = app.test_client()  # never signed in: no messages on its pages
    first = text(reader, f"{TAHIR}?as_of={YESTERDAY}")
    copies = sorted(folder.glob("*.sqlite3"))
    assert len(copies) == 1 and copies[0].name.startswith(YESTERDAY)
    _submit_live(client, users, login, "Said something new today about the ceasefire.", "2023-11-12")
    assert text(reader, f"{TAHIR}?as_of={YESTERDAY}") == first
    assert sorted(folder.glob("*.sqlite3")) == copies  # no second copy for the same day
    text(client, f"{TAHIR}?as_of=2023-11-16")
    assert len(list(folder.glob("*.sqlite3"))) == 2


def test_while_a_day_is_being_copied_elsewhere_the_page_says_so(app, client) -> None:
    app.config["ASOF_WAIT"] = 0.3
    app.extensions["tracker.as_of"].wait = 0.3
    copies = app.extensions["tracker.as_of"]
    from tracker.asof.moment import AsOf as Moment

    with app.app_context():
        engine = app.extensions["engine"]
        with engine.connect() as connection:
            began = records_began(connection)
        path = copies.path_for(engine, Moment(date(2023, 11, 2), began))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        response = client.get(f"{TAHIR}?as_of=2023-11-02")
        fcntl.flock(held, fcntl.LOCK_UN)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "preparing the site as it stood at the end of 2 November 2023" in response.get_data(as_text=True)
    assert client.get(f"{TAHIR}?as_of=2023-11-02").status_code == 200


def test_a_copy_is_whole_and_consistent(app, client) -> None:
    import sqlite3

    text(client, f"{TAHIR}?as_of=2023-11-16")
    (copy,) = Path(app.config["ASOF_DIR"]).glob("*.sqlite3")
    db = sqlite3.connect(copy)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM vote v JOIN division d ON d.id = v.division_id"
                      " WHERE d.division_date > '2023-11-16'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM evidence WHERE evidence_date > '2023-11-16'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM membership WHERE start_date > '2023-11-16'"
                      " OR end_date > '2023-11-16'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM stance_period").fetchone()[0] > 0
    db.close()


def test_the_first_load_marks_when_the_records_began(app, session) -> None:
    with app.app_context(), app.extensions["engine"].begin() as connection:
        began = records_began(connection)
        assert began is not None and began <= datetime.now(UTC)
        latest = connection.execute(sa.select(sa.func.max(ChangeSet.committed_at))).scalar()
        mark_records_began(connection)  # a later load does not move it
        assert records_began(connection) == began
    assert latest is not None
    moment = AsOf(date(2023, 11, 1), began)
    assert moment.before_records and moment.moment == began
    assert AsOf(began.date() + timedelta(days=1), began).moment > began
