"""Pledge campaigns (issue 8): admins create and edit them (with conflicts instead of lost updates),
moderators make a candidate's personal single-use link, the candidate signs or declines through it,
and campaign pages show per election and constituency who signed, refused, broke it or has no answer
recorded, with their CSV twin."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlmodel import Session, select

from tests.xss import PAYLOADS, assert_inert_csv, assert_inert_html, assert_inert_json
from tracker import create_app
from tracker.accounts.users import create_user
from tracker.campaigns import links
from tracker.models import (
    Body,
    Candidacy,
    ChangeSet,
    Division,
    Election,
    Evidence,
    Person,
    Pledge,
    PledgeLink,
    RecordLock,
    Revision,
    Source,
    Topic,
    Vote,
)
from tracker.readmodel import view
from tracker.revisions import Recorder

NCNV = "/pledges/no-ceasefire-no-vote"
GE2024 = "uk-general-election-2024"
CAMPAIGN = {"title": "Ceasefire Now Pledge", "organisation": "Example Campaign",
            "text": "I will call for an immediate and permanent ceasefire in Gaza.",
            "url": "https://example.org/ceasefire-now", "topic": "ceasefire", "stance": "ceasefire",
            "launched_on": "2024-05-22", "closes_on": "2024-07-04"}


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv", response.status_code
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _made_link(response) -> str:  # type: ignore[no-untyped-def]
    """The path of the link shown once on the links page."""
    assert response.status_code == 201, response.get_data(as_text=True)[:2000]
    text = response.get_data(as_text=True)
    found = re.search(r'value="http://127\.0\.0\.1:5000(/pledge-links/[^"]+)"', text)
    assert found, "the new link is shown"
    return found.group(1)


def _pledge(session: Session, slug: str = "no-ceasefire-no-vote") -> Pledge:
    session.expire_all()
    return session.exec(select(Pledge).where(Pledge.slug == slug)).one()


def _person(session: Session, slug: str) -> Person:
    return session.exec(select(Person).where(Person.slug == slug)).one()


def _unrecorded_candidate(session: Session) -> Person:
    """A GE2024 candidate with no recorded stance on a ceasefire (real data)."""
    people = session.exec(select(Person).join(Candidacy, Candidacy.person_id == Person.id)
                          .join(Election, Election.id == Candidacy.election_id)
                          .where(Election.slug == GE2024).order_by(Person.id).limit(200)).all()
    stances = view.stances(session, [p.id for p in people], "ceasefire")
    return next(p for p in people if not stances[p.id].recorded)


def _stance(session: Session, person: Person) -> str:
    session.expire_all()
    return view.stances(session, [person.id], "ceasefire")[person.id].stance  # type: ignore[list-item]


def _answer_row(client, person: Person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = _csv(client.get(NCNV + "?format=csv&table=answers"))
    return next(r for r in rows if r["person"] == person.slug)


# -- creating and editing campaigns --------------------------------------------------------------

def test_only_an_admin_creates_a_campaign(cli, client, users, login, session) -> None:
    cli("seed")
    assert client.get("/pledges/new").status_code == 302  # anonymous: to the sign-in page
    assert client.post("/pledges/new", data=CAMPAIGN).status_code == 302
    for role in ("contributor", "moderator", "representative"):
        login(client, users[role])
        assert client.get("/pledges/new").status_code == 403
        assert client.post("/pledges/new", data=CAMPAIGN).status_code == 403
        client.post("/logout")
    assert len(session.exec(select(Pledge)).all()) == 1  # the seeded campaign only

    login(client, users["admin"])
    form = client.get("/pledges/new").get_data(as_text=True)
    assert '<optgroup label="Ceasefire in Gaza">' in form and 'name="closes_on" type="date"' in form
    created = client.post("/pledges/new", data=CAMPAIGN)
    assert created.status_code == 302 and created.headers["Location"] == "/pledges/ceasefire-now-pledge"
    pledge = _pledge(session, "ceasefire-now-pledge")
    assert (pledge.title, pledge.stance, pledge.url, pledge.launched_on, pledge.closes_on) == (
        "Ceasefire Now Pledge", "ceasefire", "https://example.org/ceasefire-now", date(2024, 5, 22),
        date(2024, 7, 4))
    change_set = session.exec(select(ChangeSet).join(Revision, Revision.change_set_id == ChangeSet.id)
                              .where(Revision.table_name == "pledge", Revision.record_id == pledge.id)).one()
    assert (change_set.actor, change_set.user_id, change_set.reason) == ("Admin", users["admin"].id,
                                                                         "created a campaign")
    page = client.get("/pledges/ceasefire-now-pledge").get_data(as_text=True)
    assert "I will call for an immediate and permanent ceasefire in Gaza." in page
    assert "opened on <time datetime=\"2024-05-22\">22 May 2024</time>" in page

    # The same title again gets a slug of its own; a title that would take /pledges/new does not.
    again = client.post("/pledges/new", data=CAMPAIGN)
    assert again.headers["Location"] == "/pledges/ceasefire-now-pledge-2"
    new = client.post("/pledges/new", data={**CAMPAIGN, "title": "New"})
    assert new.headers["Location"] == "/pledges/new-2"


def test_a_bad_campaign_is_refused_with_its_problems_and_nothing_is_saved(cli, client, users, login,
                                                                          session) -> None:
    cli("seed")
    login(client, users["admin"])
    bad = client.post("/pledges/new", data={**CAMPAIGN, "url": "javascript:alert(1)",
                                            "stance": "opposes_proscription", "closes_on": "2024-05-01",
                                            "title": "<script>alert(1)</script>"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "starting http:// or https://" in text
    assert "Choose one of the stances of “Ceasefire in Gaza”" in text
    assert "The campaign cannot close before it opens." in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    unknown = client.post("/pledges/new", data={**CAMPAIGN, "topic": "nothing", "launched_on": "2024-13-01"})
    assert unknown.status_code == 400
    assert len(session.exec(select(Pledge)).all()) == 1


def _edit_form(client, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    opened = re.search(r'name="opened_on" type="hidden" value="([0-9]*)"', text)
    assert opened, "the form carries the revision it was opened on"
    return {**CAMPAIGN, "title": "No Ceasefire No Vote", "organisation": "No Ceasefire No Vote",
            "text": "Every candidate must be asked where they stand.", "url": "", "launched_on": "",
            "closes_on": "", "opened_on": opened.group(1)}


def test_editing_a_campaign_someone_else_changed_shows_a_conflict(app, cli, users, login, session) -> None:
    cli("seed")
    with app.app_context():
        create_user(session, email="admin2@example.org", name="Second Admin", role="admin",
                    password="correct horse battery staple", actor="test")
        session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, users["admin"])
    second.post("/login", data={"email": "admin2@example.org", "password": "correct horse battery staple"})
    mine, theirs = _edit_form(first, NCNV + "/edit"), _edit_form(second, NCNV + "/edit")

    saved = first.post(NCNV + "/edit", data={**mine, "closes_on": "2024-07-04", "reason": "the election day"})
    assert saved.status_code == 302 and saved.headers["Location"] == NCNV
    assert _pledge(session).closes_on == date(2024, 7, 4)

    conflict = second.post(NCNV + "/edit", data={**theirs, "organisation": "NCNV campaign"})
    assert conflict.status_code == 409
    text = conflict.get_data(as_text=True)
    assert "Someone else changed this campaign while you were editing it" in text
    assert "Admin saved a change" in text and "the election day" in text
    assert "4 Jul 2024" in text or "2024-07-04" in text  # the saved version is shown beside theirs
    assert "NCNV campaign" in text
    pledge = _pledge(session)
    assert (pledge.organisation, pledge.closes_on) == ("No Ceasefire No Vote", date(2024, 7, 4))  # not lost

    # Having seen the saved version, saving again keeps theirs as the form now holds it.
    reopened = re.search(r'name="opened_on" type="hidden" value="([0-9]+)"', text).group(1)  # type: ignore[union-attr]
    again = second.post(NCNV + "/edit", data={**theirs, "organisation": "NCNV campaign",
                                              "opened_on": reopened,
                                              "closes_on": "2024-07-04"})
    assert again.status_code == 302
    assert _pledge(session).organisation == "NCNV campaign"
    history = first.get(NCNV + "/history").get_data(as_text=True)
    assert "Second Admin" in history and "the election day" in history


def test_only_admins_edit_and_a_signed_campaign_keeps_its_stance(cli, client, users, login, session) -> None:
    cli("seed")
    login(client, users["moderator"])
    assert client.get(NCNV + "/edit").status_code == 403
    client.post("/logout")
    login(client, users["admin"])
    assert client.get("/pledges/nothing/edit").status_code == 404
    _sign_directly(session, "jo-lawson")
    form = _edit_form(client, NCNV + "/edit")
    refused = client.post(NCNV + "/edit", data={**form, "stance": "humanitarian"})
    assert refused.status_code == 400
    assert "People have already answered this campaign" in refused.get_data(as_text=True)
    assert _pledge(session).stance == "ceasefire"

    # A campaign a moderator locked takes no edits.
    session.add(RecordLock(table_name="pledge", record_id=_pledge(session).id, reason="vandalised twice",
                           locked_by_id=users["moderator"].id))
    session.commit()
    form = {**_edit_form(client, NCNV + "/edit"), "organisation": "Vandal"}
    locked = client.post(NCNV + "/edit", data=form)
    assert locked.status_code == 400
    assert "locked this campaign against edits: vandalised twice" in locked.get_data(as_text=True)
    assert _pledge(session).organisation == "No Ceasefire No Vote"


def _sign_directly(session: Session, slug: str) -> None:
    pledge = _pledge(session)
    source = Source(url=f"https://example.org/{slug}", publisher="Example")
    recorder = Recorder(session, actor="test")
    recorder.add(source)
    recorder.flush()
    recorder.add(Evidence(topic_id=pledge.topic_id, person_id=_person(session, slug).id, kind="pledge",
                          stance="ceasefire", evidence_date=date(2024, 3, 2), summary="Signed the pledge.",
                          source_id=source.id, pledge_id=pledge.id, status="approved"))  # type: ignore[arg-type]
    recorder.flush()
    session.commit()


# -- personal links -----------------------------------------------------------------------------

@pytest.mark.imported
def test_a_candidate_signs_through_their_own_link(app, cli, client, users, login, session) -> None:
    cli("seed")
    person = _unrecorded_candidate(session)
    for role, status in (("contributor", 403), ("representative", 403)):
        login(client, users[role])
        assert client.post(NCNV + "/links", data={"person": person.slug}).status_code == status
        assert client.get(NCNV + "/links").status_code == status
        client.post("/logout")
    assert client.post(NCNV + "/links", data={"person": person.slug}).status_code == 302  # to sign in

    login(client, users["moderator"])
    campaign = client.get(NCNV + f"?answer=none&election={GE2024}").get_data(as_text=True)
    assert "Personal signing links" in campaign and "Make a link" in campaign
    assert re.search(r'href="/pledges/no-ceasefire-no-vote/links\?person=[a-z0-9-]+">Make a link', campaign)
    confirm = client.get(NCNV + f"/links?person={person.slug}").get_data(as_text=True)
    assert f"Make the link for {person.name}" in confirm
    assert client.get(NCNV + "/links?person=nobody-at-all").status_code == 404
    found = client.get(NCNV + "/links?q=" + person.name.split()[-1]).get_data(as_text=True)
    assert f'value="{person.slug}"' in found
    path = _made_link(client.post(NCNV + "/links", data={"person": person.slug}))
    token = path.rsplit("/", 1)[1]
    link = session.exec(select(PledgeLink)).one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    assert link.created_by_id == users["moderator"].id
    assert (link.expires_at.replace(tzinfo=UTC) - datetime.now(UTC)).days in (29, 30)  # PLEDGE_LINK_DAYS
    for revision in session.exec(select(Revision).where(Revision.table_name == "pledge_link")).all():
        assert token not in json.dumps(revision.after) and revision.public is False
    listed = client.get(NCNV + "/links").get_data(as_text=True)
    assert person.name in listed and "Moderator" in listed and "Not yet" in listed
    assert token not in listed  # shown once only
    client.post("/logout")

    # The candidate, with no account, opens the link.
    before = _stance(session, person)
    assert before == "unknown"
    opened = client.get(path)
    assert opened.status_code == 200
    text = opened.get_data(as_text=True)
    assert f"This page is for <strong>{person.name}</strong> only." in text
    assert "Every candidate must be asked, repeatedly and assertively" in text
    assert '<span class="badge stance-ceasefire">Calls for an immediate ceasefire</span>' in text
    assert "I sign this pledge" in text and "I decline" in text
    assert opened.headers["Cache-Control"] == "no-store"
    assert opened.headers["Referrer-Policy"] == "no-referrer"

    signed = client.post(path, data={"sign": "y"})
    assert signed.status_code == 200
    assert "We have recorded that you signed the No Ceasefire No Vote pledge today" in signed.get_data(
        as_text=True)

    session.expire_all()
    evidence = session.exec(select(Evidence).where(Evidence.person_id == person.id,
                                                   Evidence.pledge_id.is_not(None))).one()  # type: ignore[union-attr]
    assert (evidence.kind, evidence.stance, evidence.status, evidence.signed_by_person) == (
        "pledge", "ceasefire", "approved", True)
    assert evidence.evidence_date == datetime.now(UTC).date()
    assert evidence.submitted_by_id == users["moderator"].id
    assert evidence.summary == "Signed the No Ceasefire No Vote pledge through their personal link"
    source = session.get(Source, evidence.source_id)
    assert source.key == "pledge-link:no-ceasefire-no-vote"  # type: ignore[union-attr]
    assert source.url == "http://127.0.0.1:5000/pledges/no-ceasefire-no-vote"  # type: ignore[union-attr]
    assert (source.publisher, source.title) == (  # type: ignore[union-attr]
        None, "No Ceasefire No Vote: signed or declined through personal links on this site")
    link = session.exec(select(PledgeLink)).one()
    assert (link.answer, link.evidence_id) == ("signed", evidence.id) and link.used_at is not None
    change_set = session.exec(select(ChangeSet).join(Revision, Revision.change_set_id == ChangeSet.id)
                              .where(Revision.table_name == "evidence",
                                     Revision.record_id == evidence.id)).one()
    assert (change_set.actor, change_set.user_id) == (person.name, users["moderator"].id)
    tables = {r.table_name for r in session.exec(select(Revision).where(
        Revision.change_set_id == change_set.id)).all()}
    assert tables == {"evidence", "pledge_link", "source"}  # one change set

    # The read model moved in the same transaction: stance, timeline, page and twin.
    assert _stance(session, person) == "ceasefire"
    timeline = view.timeline(session, person.id, "ceasefire")  # type: ignore[arg-type]
    assert timeline[-1].start == evidence.evidence_date and timeline[-1].stance == "ceasefire"
    person_page = client.get(f"/people/{person.slug}").get_data(as_text=True)
    assert "Signed the No Ceasefire No Vote pledge through their personal link" in person_page
    campaign = client.get(NCNV).get_data(as_text=True)
    assert "Signed by the candidate, through their own link" in campaign
    row = _answer_row(client, person)
    assert (row["answer"], row["signed_by_person"], row["broken"], row["election"]) == (
        "signed", "true", "false", GE2024)
    assert row["date"] == evidence.evidence_date.isoformat() and row["evidence"] == f"evidence:{evidence.id}"
    assert row["source_url"] == "http://127.0.0.1:5000/pledges/no-ceasefire-no-vote"
    signers = _csv(client.get(NCNV + "?format=csv&table=signatures"))
    assert [(r["person"], r["signed_by_person"], r["current_stance"]) for r in signers] == [
        (person.slug, "true", "ceasefire")]

    # A second use of the link is refused, and changes nothing.
    for again in (client.get(path), client.post(path, data={"sign": "y"}),
                  client.post(path, data={"decline": "y"})):
        assert again.status_code == 410
        assert "This link has already been used" in again.get_data(as_text=True)
    assert len(session.exec(select(Evidence).where(Evidence.person_id == person.id,
                                                   Evidence.pledge_id.is_not(None))).all()) == 1  # type: ignore[union-attr]
    # And a moderator cannot make them another: they signed.
    login(client, users["moderator"])
    refused = client.post(NCNV + "/links", data={"person": person.slug})
    assert refused.status_code == 400 and "already signed this pledge" in refused.get_data(as_text=True)


@pytest.mark.imported
def test_declining_records_a_refusal_and_leaves_the_stance_alone(cli, client, users, login, session) -> None:
    cli("seed")
    tahir = _person(session, "tahir-ali")  # a GE2024 candidate who called for a ceasefire
    assert _stance(session, tahir) == "ceasefire"
    login(client, users["moderator"])
    path = _made_link(client.post(NCNV + "/links", data={"person": "tahir-ali"}))
    client.post("/logout")
    declined = client.post(path, data={"decline": "y"})
    assert declined.status_code == 200 and "you declined" in declined.get_data(as_text=True)
    evidence = session.exec(select(Evidence).where(Evidence.person_id == tahir.id,
                                                   Evidence.kind == "pledge_refusal")).one()
    assert (evidence.stance, evidence.signed_by_person, evidence.status) == (None, True, "approved")
    assert _stance(session, tahir) == "ceasefire"  # a refusal never sets a stance
    row = _answer_row(client, tahir)
    assert (row["answer"], row["signed_by_person"], row["constituency"]) == (
        "refused", "true", "Birmingham Hall Green and Moseley")
    refusals = _csv(client.get(NCNV + "?format=csv&table=refusals"))
    assert [(r["person"], r["signed_by_person"]) for r in refusals] == [("tahir-ali", "true")]
    page = client.get(NCNV + "?answer=refused").get_data(as_text=True)
    assert "Declined by the candidate, through their own link" in page and "Who refused (1)" in page
    assert client.get(path).status_code == 410


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "a" * 500, "%00" * 30])
def test_unknown_links_are_404s(client, token) -> None:
    response = client.get(f"/pledge-links/{token}")
    assert response.status_code == 404
    if "%00" not in token:  # a NUL byte is refused before any view (tracker/web/__init__.py)
        assert "This pledge link is not valid" in response.get_data(as_text=True)
    assert client.post(f"/pledge-links/{token}", data={"sign": "y"}).status_code == 404


def test_an_expired_or_replaced_link_is_refused(app, cli, client, users, session) -> None:
    cli("seed")
    moderator, pledge, jo = users["moderator"], _pledge(session), _person(session, "jo-lawson")
    with app.app_context():
        old = links.make_link(session, moderator, pledge, jo, 30, now=datetime.now(UTC) - timedelta(days=31))
        session.commit()
        first = links.make_link(session, moderator, pledge, jo, 30)
        session.commit()
        second = links.make_link(session, moderator, pledge, jo, 30)  # the first stops working
        session.commit()
    for token in (old.token, first.token):
        response = client.post(f"/pledge-links/{token}", data={"sign": "y"})
        assert response.status_code == 410
        assert "This link has expired" in response.get_data(as_text=True)
    assert session.exec(select(Evidence).where(Evidence.pledge_id.is_not(None))).all() == []  # type: ignore[union-attr]
    assert client.get(f"/pledge-links/{second.token}").status_code == 200


def test_no_link_for_a_closed_campaign(app, cli, users, session) -> None:
    cli("seed")
    pledge = _pledge(session)
    pledge.closes_on = date(2024, 7, 4)
    session.add(pledge)
    session.commit()
    with app.app_context(), pytest.raises(links.LinkError, match="closed on 4 July 2024"):
        links.make_link(session, users["moderator"], pledge, _person(session, "jo-lawson"), 30)


def test_answering_needs_the_forms_csrf_token(database_url, cli, users, session) -> None:
    cli("seed")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        made = links.make_link(session, users["moderator"], _pledge(session),
                               _person(session, "jo-lawson"), 30)
        session.commit()
    client = app.test_client()
    path = f"/pledge-links/{made.token}"
    assert client.post(path, data={"sign": "y"}).status_code == 400
    form = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert client.post(path, data={"sign": "y", "csrf_token": token.group(1)}).status_code == 200  # type: ignore[union-attr]
    app.extensions["engine"].dispose()


def test_pledge_links_are_rate_limited_like_signing_in(database_url, cli, users, session) -> None:
    cli("seed")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40,
                      "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    for _ in range(3):
        assert client.get("/pledge-links/" + "y" * 43).status_code == 404
    limited = client.get("/pledge-links/" + "z" * 43)
    assert limited.status_code == 429
    assert "Too many tries of pledge links" in limited.get_data(as_text=True)
    app.extensions["engine"].dispose()


# -- broken pledges and the campaign page ----------------------------------------------------------

@pytest.mark.imported
def test_a_signer_who_then_votes_against_has_broken_the_pledge(app, cli, client, users, session) -> None:
    cli("seed")
    person = _unrecorded_candidate(session)
    with app.app_context():
        made = links.make_link(session, users["moderator"], _pledge(session), person, 30)
        session.commit()
    assert client.post(f"/pledge-links/{made.token}", data={"sign": "y"}).status_code == 200
    row = _answer_row(client, person)
    assert (row["answer"], row["broken"]) == ("signed", "false")

    # Later that day they vote no on an immediate ceasefire in a tracked division.
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    commons = session.exec(select(Body).where(Body.kind == "commons")).first()
    recorder = Recorder(session, actor="test", reason="a tracked division")
    division = recorder.add(Division(slug="test-ceasefire-motion", body_id=commons.id, topic_id=topic.id,  # type: ignore[union-attr]
                                     division_date=datetime.now(UTC).date(), title="Ceasefire motion (test)",
                                     aye_means="ceasefire", no_means=None))
    recorder.flush()
    recorder.add(Vote(division_id=division.id, person_id=person.id, position="no"))  # type: ignore[arg-type]
    recorder.flush()
    session.commit()

    contradiction = view.contradictions(session, person.id, "ceasefire")  # type: ignore[arg-type]
    assert [c.kind for c in contradiction] == ["voted_against"]
    row = _answer_row(client, person)
    assert (row["answer"], row["broken"]) == ("signed", "true")
    assert "then voted no" in row["broken_by"] and "Ceasefire motion (test)" in row["broken_by"]
    page = client.get(NCNV + "?answer=broken").get_data(as_text=True)
    assert "Signed, then broke it (1)" in page
    assert "<strong>1</strong> signed, then broke it" in page
    assert '<span class="answer answer-broken">Signed, then broke it</span>' in page
    assert person.name in page[page.index('id="candidates-h"'):]
    assert [r["person"] for r in _csv(client.get(NCNV + "?format=csv&table=answers&answer=broken"))] == [
        person.slug]
    signers = _csv(client.get(NCNV + "?format=csv&table=signatures"))
    assert signers[0]["broken"] == "true"


@pytest.mark.imported
def test_the_campaign_page_groups_candidates_by_election_and_constituency(cli, client, users, login,
                                                                          session) -> None:
    cli("seed")
    response = client.get(NCNV)
    assert response.status_code == 200 and len(response.data) < 100 * 1024
    page = response.get_data(as_text=True)
    candidates = session.exec(select(Candidacy)).all()
    assert f"of {len(candidates):,} candidates with no answer recorded" in page
    assert "“No answer recorded” means only that we hold none" in page
    assert '<h3 class="seat-election">2024 general election' in page or "seat-election" in page
    assert page.count('<h4 class="seat">') == 20  # constituencies a page
    assert "Make a link" not in page  # moderators only
    second = client.get(NCNV + "?seats_page=2")
    assert second.status_code == 200 and len(second.data) < 100 * 1024

    rows = _csv(client.get(NCNV + "?format=csv&table=answers"))
    assert len(rows) == len(candidates)
    assert {r["answer"] for r in rows} == {"no_answer_recorded"}
    assert list(rows[0]) == ["pledge", "election", "election_date", "constituency", "constituency_slug",
                             "person", "name", "party", "answer", "date", "signed_by_person", "broken",
                             "broken_by", "evidence", "source", "source_url"]
    ge = [r for r in rows if r["election"] == GE2024]
    assert len({r["constituency_slug"] for r in ge}) == 650
    one = _csv(client.get(NCNV + f"?format=csv&table=answers&election={GE2024}"))
    assert len(one) == len(ge)

    login(client, users["moderator"])
    moderated = client.get(NCNV)
    assert moderated.status_code == 200 and len(moderated.data) < 100 * 1024
    assert "Make a link" in moderated.get_data(as_text=True)

    for query, parameter in (("?answer=maybe", "answer"), ("?election=nowhere", "election"),
                             ("?seats_page=0", "seats_page")):
        bad = client.get(NCNV + query)
        assert bad.status_code == 400 and parameter in bad.get_data(as_text=True)
    past = client.get(NCNV + "?seats_page=500").get_data(as_text=True)
    assert "is past the end of this list" in past


# -- escaping ---------------------------------------------------------------------------------------

def test_payloads_in_campaign_fields_are_inert_everywhere(app, cli, client, users, login, session) -> None:
    cli("seed")
    login(client, users["admin"])
    slugs = []
    for n, payload in enumerate(PAYLOADS):
        response = client.post("/pledges/new", data={
            **CAMPAIGN, "closes_on": "", "title": payload, "organisation": payload[:200],
            "text": f"Pledge {n}: {payload}",
            "url": f"https://campaign.example.org/{n}?q={quote(payload)}"})
        assert response.status_code == 302, (payload, response.get_data(as_text=True)[:500])
        slugs.append(response.headers["Location"])
    client.post("/logout")
    for path in ["/pledges", *slugs]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert_html(response.get_data(as_text=True))
        for table in (("pledges",) if path == "/pledges" else ("pledge", "answers", "signatures")):
            assert_inert_csv(client.get(f"{path}?format=csv&table={table}").get_data(as_text=True))
            assert_inert_json(client.get(f"{path}?format=json&table={table}").get_data(as_text=True))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(slugs[0]).get_data(as_text=True)

    # Through a link: the signing page, the thanks, the person's page and the moderators' pages.
    first = session.exec(select(Pledge).where(Pledge.title == PAYLOADS[0])).one()
    jo = _person(session, "jo-lawson")
    with app.app_context():
        made = links.make_link(session, users["moderator"], first, jo, 30)
        session.commit()
    for response in (client.get(f"/pledge-links/{made.token}"),
                     client.post(f"/pledge-links/{made.token}", data={"sign": "y"}),
                     client.get("/people/jo-lawson"), client.get(slugs[0])):
        assert response.status_code == 200
        assert_inert_html(response.get_data(as_text=True))
    login(client, users["admin"])
    for path in (f"{slugs[0]}/links", f"{slugs[0]}/edit", f"{slugs[0]}/history", slugs[0]):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert_html(response.get_data(as_text=True))
