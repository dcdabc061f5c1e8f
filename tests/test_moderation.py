"""Sourced submissions and their moderation: the queue, trust, duplicates, locks, reverts,
edits that never overwrite someone else's, restoring an old revision, and the review feed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session, func, select

from tracker.models import ChangeSet, Evidence, Person, RecordLock, Revision, User
from tracker.moderation import submissions as service
from tracker.readmodel import view

pytestmark = pytest.mark.imported
SLUG = "rishi-sunak"  # opposed a ceasefire in the real records
TODAY = date.today()


def form(**overrides: str) -> dict[str, str]:
    data = {"kind": "statement", "stance": "ceasefire", "evidence_date": TODAY.isoformat(),
            "summary": "Called for an immediate ceasefire in a television interview.",
            "quote": "We need a ceasefire now", "source_url": "https://news.example.org/interview",
            "publisher": "Example News"}
    return {**data, **overrides}


def person(session: Session) -> Person:
    return session.exec(select(Person).where(Person.slug == SLUG)).one()


def stance(session: Session) -> str:
    session.expire_all()
    return view.stances(session, [person(session).id], "ceasefire")[person(session).id].stance  # type: ignore[list-item, index]


def evidence_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Evidence)).one()


def submitted(session: Session, summary_start: str = "Called for") -> Evidence:
    session.expire_all()
    return session.exec(select(Evidence).where(Evidence.summary.startswith(summary_start))  # type: ignore[attr-defined]
                        .order_by(Evidence.id.desc())).first()  # type: ignore[union-attr]


def test_a_new_contributors_submission_waits_and_changes_nothing_public(client, users, login,
                                                                       session) -> None:
    before = client.get(f"/people/{SLUG}").get_data(as_text=True)
    assert stance(session) == "opposed"
    login(client, users["contributor"])
    response = client.post(f"/people/{SLUG}/submit?topic=ceasefire", data=form())
    assert response.status_code == 302
    evidence = submitted(session)
    assert (evidence.status, evidence.submitted_by_id) == ("pending", users["contributor"].id)
    assert "a moderator will review it" in client.get("/account/submissions").get_data(as_text=True)
    client.post("/logout")
    # Nothing public changed: the stance, the page, the history, the latest changes.
    assert stance(session) == "opposed"
    page = client.get(f"/people/{SLUG}").get_data(as_text=True)
    assert "television interview" not in page and page.count("evidence") == before.count("evidence")
    assert "television interview" not in client.get(f"/people/{SLUG}/history").get_data(as_text=True)
    assert "television interview" not in client.get("/changes").get_data(as_text=True)
    change_set = session.exec(select(Revision.change_set_id).where(
        Revision.table_name == "evidence", Revision.record_id == evidence.id)).first()
    assert client.get(f"/changes/{change_set}").status_code == 404

    # The moderator sees it with the person's timeline, and approves: it is live at once.
    login(client, users["moderator"])
    queue = client.get("/moderation").get_data(as_text=True)
    assert "television interview" in queue
    review = client.get(f"/moderation/evidence/{evidence.id}").get_data(as_text=True)
    assert "Opposed a ceasefire" in review and "Timeline" in review and "Contributor" in review
    assert client.post(f"/moderation/evidence/{evidence.id}/approve", data={"reason": ""}).status_code == 302
    assert stance(session) == "ceasefire"
    client.post("/logout")
    page = client.get(f"/people/{SLUG}").get_data(as_text=True)
    assert "television interview" in page and "https://news.example.org/interview" in page
    history = client.get(f"/people/{SLUG}/history").get_data(as_text=True)
    assert "approved a submission" in history and "Moderator" in history
    twin = client.get(f"/people/{SLUG}?format=csv&table=evidence").get_data(as_text=True)
    assert "television interview" in twin
    # Who submitted and who approved it is never shown by account id (accounts are private).
    changes = client.get(f"/people/{SLUG}/history?format=csv&table=revisions").get_data(as_text=True)
    assert f"evidence,{evidence.id},update,status,pending,approved" in changes
    assert "submitted_by_id" not in changes and "reviewed_by_id" not in changes


def test_bad_submissions_are_refused_whole_with_reasons(client, users, login, session) -> None:
    login(client, users["contributor"])
    count = evidence_count(session)
    for overrides, message in (
            ({"source_url": ""}, "This field is required"),
            ({"source_url": "javascript:alert(1)"}, "starting http:// or https://"),
            ({"source_url": "ftp://files.example.org/x"}, "starting http:// or https://"),
            ({"source_url": "http://[::1/unclosed"}, "starting http:// or https://"),
            ({"source_url": "https://localhost/x"}, "starting http:// or https://"),
            ({"evidence_date": "2999-01-01"}, "cannot be in the future"),
            ({"evidence_date": "31/02/2024"}, "day, month and year"),
            ({"stance": "maybe"}, "Not a valid choice"),
            ({"kind": "vote"}, "Not a valid choice"),
            ({"summary": "short"}, "at least 10 characters")):
        response = client.post(f"/people/{SLUG}/submit?topic=ceasefire", data=form(**overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True), overrides
    assert evidence_count(session) == count
    assert client.post("/people/nobody-of-that-name/submit", data=form()).status_code == 404


def test_likely_duplicates_are_flagged_to_the_submitter_and_the_moderator(client, users, login,
                                                                         session) -> None:
    login(client, users["contributor"])
    assert client.post(f"/people/{SLUG}/submit", data=form()).status_code == 302
    again = client.post(f"/people/{SLUG}/submit",
                        data=form(summary="Said it again on the radio the same day."))
    assert again.status_code == 409
    assert "This may already be on the site" in again.get_data(as_text=True)
    assert submitted(session, "Said it again") is None
    sure = client.post(f"/people/{SLUG}/submit", data=form(summary="Said it again on the radio the same day.",
                                                           confirm_duplicate="y"))
    assert sure.status_code == 302
    second = submitted(session, "Said it again")
    client.post("/logout")
    login(client, users["moderator"])
    assert "Possible duplicates" in client.get(f"/moderation/evidence/{second.id}").get_data(as_text=True)


def make_trusted(session: Session, contributor: User, moderator: User) -> None:
    for n in range(10):
        evidence = service.submit(session, contributor, service.Submission(
            person_id=person(session).id, topic="ceasefire", kind="statement", stance="opposed",  # type: ignore[arg-type]
            evidence_date=date(2023, 10, 1 + n), summary=f"Earlier statement number {n} against a ceasefire.",
            source_url=f"https://news.example.org/earlier/{n}"))
        service.approve(session, moderator, evidence)
    session.commit()


def test_a_trusted_contributor_goes_live_at_once_and_a_moderator_can_revert(client, users, login,
                                                                            session) -> None:
    make_trusted(session, users["contributor"], users["moderator"])
    login(client, users["contributor"])
    assert client.post(f"/people/{SLUG}/submit", data=form()).status_code == 302
    evidence = submitted(session)
    assert evidence.status == "approved" and evidence.reviewed_by_id is None
    assert stance(session) == "ceasefire"
    client.post("/logout")
    login(client, users["moderator"])
    assert "Live from trusted contributors" in client.get("/moderation").get_data(as_text=True)
    refused = client.post(f"/moderation/evidence/{evidence.id}/reject", data={"reason": ""})
    assert refused.status_code == 400 and "Give a reason" in refused.get_data(as_text=True)
    assert client.post(f"/moderation/evidence/{evidence.id}/reject",
                       data={"reason": "The interview said the opposite."}).status_code == 302
    assert stance(session) == "opposed"
    client.post("/logout")
    login(client, users["contributor"])
    assert "The interview said the opposite." in client.get("/account/submissions").get_data(as_text=True)
    # A rejection among the last twenty: back to review first.
    client.post(f"/people/{SLUG}/submit", data=form(source_url="https://news.example.org/other",
                                                    summary="Called for a ceasefire at a rally."))
    assert submitted(session, "Called for a ceasefire at a rally").status == "pending"


def test_a_locked_person_takes_no_live_submission_and_no_edit(client, users, login, session) -> None:
    make_trusted(session, users["contributor"], users["moderator"])
    subject = person(session)
    login(client, users["moderator"])
    refused = client.post(f"/moderation/people/{subject.id}/lock", data={"reason": ""})
    assert refused.status_code == 302 and session.exec(select(RecordLock)).first() is None
    client.post(f"/moderation/people/{subject.id}/lock", data={"reason": "Liable to vandalism"})
    lock = session.exec(select(RecordLock)).one()
    assert (lock.table_name, lock.record_id) == ("person", subject.id)
    client.post("/logout")
    login(client, users["contributor"])
    client.post(f"/people/{SLUG}/submit", data=form())
    evidence = submitted(session)
    assert evidence.status == "pending"  # trusted, but the record is locked
    client.post("/logout")
    login(client, users["moderator"])
    page = client.get(f"/moderation/evidence/{evidence.id}/edit").get_data(as_text=True)
    opened = re.search(r'name="opened_on" type="hidden" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    blocked = client.post(f"/moderation/evidence/{evidence.id}/edit",
                          data=form(summary="Changed while locked, which must fail.", opened_on=opened,
                                    reason="tidy"))
    assert blocked.status_code == 409 and "unlock it first" in blocked.get_data(as_text=True)
    client.post(f"/moderation/people/{subject.id}/unlock")
    assert session.exec(select(RecordLock)).first() is None


def test_two_moderators_editing_the_same_evidence_see_a_conflict(app, client, users, login, session) -> None:
    login(client, users["contributor"])
    client.post(f"/people/{SLUG}/submit", data=form())
    evidence = submitted(session)
    first, second = client, app.test_client()
    client.post("/logout")
    login(first, users["moderator"])
    login(second, users["moderator2"])

    def opened_on(c) -> str:  # type: ignore[no-untyped-def]
        page = c.get(f"/moderation/evidence/{evidence.id}/edit").get_data(as_text=True)
        return re.search(r'name="opened_on" type="hidden" value="(\d+)"', page).group(1)  # type: ignore[union-attr]

    mine, theirs = opened_on(first), opened_on(second)
    saved = first.post(f"/moderation/evidence/{evidence.id}/edit", data=form(
        summary="Called for an immediate ceasefire on BBC Breakfast.", opened_on=mine,
        reason="named the show"))
    assert saved.status_code == 302
    clash = second.post(f"/moderation/evidence/{evidence.id}/edit", data=form(
        summary="Called for a ceasefire, reportedly.", opened_on=theirs, reason="hedged"))
    assert clash.status_code == 409
    text = clash.get_data(as_text=True)
    assert "Someone else changed this evidence" in text and "BBC Breakfast" in text
    session.expire_all()
    assert session.get(Evidence, evidence.id).summary == "Called for an immediate ceasefire on BBC Breakfast."  # type: ignore[union-attr]
    # Saving again from the conflict page replaces theirs knowingly.
    newest = re.search(r'name="opened_on" type="hidden" value="(\d+)"', text).group(1)  # type: ignore[union-attr]
    assert second.post(f"/moderation/evidence/{evidence.id}/edit", data=form(
        summary="Called for a ceasefire, reportedly.", opened_on=newest, reason="hedged")).status_code == 302


def test_a_moderator_restores_a_vandalised_record(client, users, login, session) -> None:
    login(client, users["moderator"])
    client.post(f"/people/{SLUG}/submit", data=form())
    evidence = submitted(session)
    good = session.exec(select(func.max(Revision.id)).where(
        Revision.table_name == "evidence", Revision.record_id == evidence.id)).one()
    page = client.get(f"/moderation/evidence/{evidence.id}/edit").get_data(as_text=True)
    opened = re.search(r'name="opened_on" type="hidden" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    client.post(f"/moderation/evidence/{evidence.id}/edit", data=form(
        summary="VANDALISED nonsense written over the record.", stance="opposed", opened_on=opened,
        reason="vandal"))
    assert stance(session) == "opposed"
    history = client.get(f"/people/{SLUG}/history").get_data(as_text=True)
    assert f'name="revision" value="{good}"' in history  # a restore button for moderators
    back = client.post("/moderation/restore", data={"revision": good, "reason": "undo vandalism",
                                                   "back": f"/people/{SLUG}/history"})
    assert back.status_code == 302
    session.expire_all()
    restored = session.get(Evidence, evidence.id)
    assert restored.summary.startswith("Called for an immediate") and restored.stance == "ceasefire"  # type: ignore[union-attr]
    assert stance(session) == "ceasefire"
    latest = session.exec(select(ChangeSet).order_by(ChangeSet.id.desc())).first()
    assert latest.reason == "undo vandalism" and latest.source == f"revision {good}"  # type: ignore[union-attr]
    client.post("/logout")
    assert 'name="revision"' not in client.get(f"/people/{SLUG}/history").get_data(as_text=True)


@pytest.mark.parametrize("path,method", [
    ("/moderation", "get"), ("/moderation/evidence/1", "get"), ("/moderation/evidence/1/approve", "post"),
    ("/moderation/evidence/1/edit", "get"), ("/moderation/restore", "post"),
    ("/moderation/people/1/lock", "post")])
def test_the_desk_is_for_moderators(client, users, login, path, method) -> None:
    assert getattr(client, method)(path).status_code in (302, 401)  # anonymous: sign in first
    login(client, users["contributor"])
    assert getattr(client, method)(path).status_code == 403


def test_the_review_feed_needs_its_key(client, users, login) -> None:
    login(client, users["contributor"])
    client.post(f"/people/{SLUG}/submit", data=form())
    client.post("/logout")
    login(client, users["moderator"])
    queue = client.get("/moderation").get_data(as_text=True)
    feed = re.search(r'href="https?://[^/"]+(/moderation/feed\.atom\?key=[^"]+)"', queue).group(1)  # type: ignore[union-attr]
    client.post("/logout")
    response = client.get(feed.replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert "television interview" in response.get_data(as_text=True)
    assert client.get("/moderation/feed.atom?key=forged").status_code == 403


def test_each_piece_of_evidence_has_a_history(client, users, login, session) -> None:
    login(client, users["contributor"])
    client.post(f"/people/{SLUG}/submit", data=form())
    evidence = submitted(session)
    client.post("/logout")
    assert client.get(f"/evidence/{evidence.id}/history").status_code == 404  # not public yet
    login(client, users["moderator"])
    assert "submitted evidence" in client.get(f"/evidence/{evidence.id}/history").get_data(as_text=True)
    client.post(f"/moderation/evidence/{evidence.id}/approve", data={"reason": "checked the interview"})
    client.post("/logout")
    history = client.get(f"/evidence/{evidence.id}/history").get_data(as_text=True)
    assert "approved a submission" in history and "Moderator" in history
    assert f'href="/evidence/{evidence.id}/history"' in client.get(f"/people/{SLUG}").get_data(as_text=True)
    assert client.get("/evidence/99999999/history").status_code == 404
    assert client.get("/evidence/99999999999999/history").status_code == 404


def test_going_back_never_leaves_the_site(client, users, login, session) -> None:
    subject = person(session)
    login(client, users["moderator"])
    for target in ("//evil.example/x", "/\\evil.example", "https://evil.example/"):
        response = client.post(f"/moderation/people/{subject.id}/unlock", data={"back": target})
        assert response.headers["Location"] == f"/people/{SLUG}/history", target
        response = client.post("/moderation/restore", data={"revision": "1", "reason": "", "back": target})
        assert response.headers["Location"] == "/moderation", target
