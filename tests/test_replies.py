"""Right of reply: claiming a page (verified by a link to an official address), responses
moderated before they show, beside what they answer, in the twin and the history, and never
changing a stance."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.models import (
    ChangeSet,
    Claim,
    Evidence,
    Person,
    Reply,
    Revision,
    StanceContradiction,
    StancePeriod,
    StanceShift,
    User,
)
from tracker.replies.claims import domain_hint

CLAIMANT_PASSWORD = "a long claimant password"
OFFICIAL = "keir.starmer.mp@parliament.uk"


@pytest.fixture
def seeded(cli) -> None:
    assert cli("seed").exit_code == 0


def _person(session: Session, slug: str) -> Person:
    return session.exec(select(Person).where(Person.slug == slug)).one()


def _evidence(session: Session, person: Person) -> Evidence:
    return session.exec(select(Evidence).where(Evidence.person_id == person.id,
                                               Evidence.status == "approved").order_by(Evidence.id)).first()  # type: ignore[arg-type]


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def _read_model(session: Session, person_id: int) -> list[tuple]:  # type: ignore[type-arg]
    session.expire_all()
    rows: list[tuple] = []  # type: ignore[type-arg]
    for table in (StancePeriod, StanceShift, StanceContradiction):
        columns = [c for c in table.__table__.columns if c.name != "id"]  # type: ignore[attr-defined]
        rows += sorted(tuple(map(str, r)) for r in session.execute(
            sa.select(*columns).where(table.person_id == person_id)).all())  # type: ignore[attr-defined]
    return rows


def _claim_link(app) -> str:  # type: ignore[no-untyped-def]
    sent = app.extensions["tracker.outbox"][-1]
    return re.search(r"https?://\S+(/claims/\S+)", sent.body).group(1)  # type: ignore[union-attr]


def _claim_and_verify(app, client, session, users, login, slug: str = "keir-starmer",  # type: ignore[no-untyped-def]
                      email: str = OFFICIAL) -> User:
    """Claim a page without an account, have a moderator send the link, open it: the claimant's
    client ends signed in as the verified representative."""
    response = client.post(f"/people/{slug}/claim", data={
        "name": "Office of the Person", "official_email": email, "note": "I run the office.",
        "password": CLAIMANT_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    claim = session.exec(select(Claim).order_by(Claim.id.desc())).first()  # type: ignore[union-attr]
    moderator = app.test_client()
    login(moderator, users["moderator"])
    assert moderator.post(f"/moderation/claims/{claim.id}/send").status_code == 200  # type: ignore[union-attr]
    path = _claim_link(app)
    assert client.post(path, data={"password": CLAIMANT_PASSWORD}).status_code == 302
    session.expire_all()
    return session.exec(select(User).where(User.email == email)).one()


def test_the_whole_path_from_claim_to_a_response_on_the_page(app, client, session, users, login, seeded,
                                                             twin_rows) -> None:
    person = _person(session, "keir-starmer")
    evidence = _evidence(session, person)
    page = client.get("/people/keir-starmer").get_data(as_text=True)
    assert "Is this you?" in page and 'href="/people/keir-starmer/claim"' in page
    stance_before = _read_model(session, person.id)  # type: ignore[arg-type]

    # Anyone may claim: a new account, inactive, and a pending claim. Nothing public changes.
    form = client.get("/people/keir-starmer/claim")
    assert form.status_code == 200 and "Claim Keir Starmer" in form.get_data(as_text=True)
    shown = app.test_client().get("/people/keir-starmer").get_data(as_text=True)
    response = client.post("/people/keir-starmer/claim", data={
        "name": "Keir Starmer's office", "official_email": OFFICIAL, "note": "Published on parliament.uk.",
        "password": CLAIMANT_PASSWORD})
    assert response.status_code == 302
    assert "with the moderators" in client.get(response.headers["Location"]).get_data(as_text=True)
    claimant = session.exec(select(User).where(User.email == OFFICIAL)).one()
    assert (claimant.role, claimant.active, claimant.person_id) == ("representative", False, None)
    claim = session.exec(select(Claim)).one()
    assert (claim.status, claim.user_id, claim.person_id) == ("pending", claimant.id, person.id)
    assert app.test_client().get("/people/keir-starmer").get_data(as_text=True) == shown  # nothing public
    assert not session.exec(select(Revision).where(Revision.table_name.in_(("user", "claim")),  # type: ignore[attr-defined]
                                                   Revision.public)).all()
    # An inactive account cannot sign in yet.
    assert client.post("/login", data={"email": OFFICIAL, "password": CLAIMANT_PASSWORD}).status_code == 401

    # The moderator sees the claim, with the domain as a hint, and sends the link (no mail server: shown).
    moderator = app.test_client()
    login(moderator, users["moderator"])
    queue = moderator.get("/moderation/claims").get_data(as_text=True)
    assert OFFICIAL in queue and "a UK Parliament address" in queue and "Published on parliament.uk." in queue
    sent = moderator.post(f"/moderation/claims/{claim.id}/send")
    text = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "not emailed" in text and "no mail server is set up" in text
    message = app.extensions["tracker.outbox"][-1]
    assert message.to == OFFICIAL and "Keir Starmer" in message.subject
    path = _claim_link(app)
    assert path in text  # shown to the moderator, since nothing was sent
    session.expire_all()
    claim = session.get(Claim, claim.id)
    assert claim.status == "sent" and len(claim.token_hash) == 64 and claim.token_hash not in path  # type: ignore[union-attr, operator]

    # Opening the link asks for the claimant's password; then the claim is verified.
    opened = client.get(path)
    assert opened.status_code == 200 and OFFICIAL in opened.get_data(as_text=True)
    wrong = client.post(path, data={"password": "not the password at all"})
    assert wrong.status_code == 400 and "not the password" in wrong.get_data(as_text=True)
    session.expire_all()
    assert session.get(Claim, claim.id).status == "sent"  # type: ignore[union-attr]
    verified = client.post(path, data={"password": CLAIMANT_PASSWORD})
    assert verified.status_code == 302 and verified.headers["Location"] == "/people/keir-starmer"
    session.expire_all()
    claimant = session.get(User, claimant.id)
    assert (claimant.active, claimant.person_id, claimant.role) == (True, person.id, "representative")  # type: ignore[union-attr]
    assert session.get(Claim, claim.id).status == "verified"  # type: ignore[union-attr]
    # Each step was one change set: the claim, the link, the verification.
    change_sets = session.exec(select(Revision.change_set_id).where(Revision.table_name == "claim")
                               .distinct()).all()
    assert len(change_sets) == 3
    used = client.get(path)
    assert used.status_code == 404 and "already been used" in used.get_data(as_text=True)

    # Signed in (by the link), they see "Reply" beside each piece of evidence and reply to one.
    page = client.get("/people/keir-starmer").get_data(as_text=True)
    reply_url = f"/people/keir-starmer/replies/new?evidence={evidence.id}"
    assert f'href="{reply_url}"' in page.replace("&amp;", "&")
    assert "Reply to your stance as a whole" in page and "Is this you?" not in page
    form = client.get(reply_url)
    assert form.status_code == 200 and evidence.summary.split()[0] in form.get_data(as_text=True)
    body = "I stand by what I said.\n\nA ceasefire must last: <b>that</b> is the point."
    made = client.post(reply_url, data={"body": body, "replied_on": "2024-03-01"})
    assert made.status_code == 302 and made.headers["Location"] == "/account/replies"
    reply = session.exec(select(Reply)).one()
    assert (reply.status, reply.person_id, reply.evidence_id, reply.replied_on) == (
        "pending", person.id, evidence.id, date(2024, 3, 1))
    assert reply.topic_id == evidence.topic_id and reply.user_id == claimant.id  # type: ignore[union-attr]

    # Pending: not on the page, the twin or the public history; the writer sees it waiting.
    anonymous = app.test_client()
    assert "I stand by what I said" not in anonymous.get("/people/keir-starmer").get_data(as_text=True)
    assert anonymous.get("/people/keir-starmer?format=json&table=replies").get_json()["rows"] == []
    assert "I stand by" not in anonymous.get("/people/keir-starmer/history").get_data(as_text=True)
    assert "Waiting for a moderator" in client.get("/account/replies").get_data(as_text=True)

    # The moderator approves it: it shows beside the evidence, marked as theirs, and in the twin.
    queue = moderator.get("/moderation/replies").get_data(as_text=True)
    assert "I stand by what I said." in queue and "&lt;b&gt;that&lt;/b&gt;" in queue
    assert moderator.post(f"/moderation/replies/{reply.id}/approve").status_code == 302
    page = anonymous.get("/people/keir-starmer").get_data(as_text=True)
    evidence_section = page[page.index('id="evidence-h"'):page.index('id="roles-h"')]
    assert "Response from Keir Starmer" in evidence_section and "I stand by what I said." in evidence_section
    assert "&lt;b&gt;that&lt;/b&gt; is the point" in evidence_section and "<b>that</b>" not in page
    assert "does not change the stance" in evidence_section
    summary_at = evidence_section.index(evidence.summary.split("\n")[0][:40])
    assert summary_at < evidence_section.index("Response from")
    rows = twin_rows("/people/keir-starmer", "replies")
    assert len(rows) == 1
    row = rows[0]
    assert (row["person"], row["responds_to"], row["evidence_id"], row["replied_on"], row["body"]) == (
        "keir-starmer", "evidence", f"evidence:{evidence.id}", "2024-03-01", reply.body)
    assert row["signed_by"] == "Keir Starmer" and row["topic"] == "ceasefire"
    assert row["evidence_id"] in {e for r in twin_rows("/people/keir-starmer", "stance_periods")
                                  for e in (r["evidence_ids"] or "").split()}
    csv = anonymous.get("/people/keir-starmer?format=csv&table=replies").get_data(as_text=True)
    assert "I stand by what I said." in csv

    # It is kept in the person's history, and never changed the stance.
    history = anonymous.get("/people/keir-starmer/history").get_data(as_text=True)
    assert "Response changed" in history and "I stand by what I said." in history
    assert _read_model(session, person.id) == stance_before  # type: ignore[arg-type]
    assert twin_rows("/people/keir-starmer", "stance_periods") == twin_rows("/people/keir-starmer",
                                                                             "stance_periods")
    approval = session.exec(select(ChangeSet).where(ChangeSet.reason.startswith("approved a response"))).one()  # type: ignore[union-attr]
    assert approval.user_id == users["moderator"].id


def test_a_response_to_the_stance_as_a_whole(app, client, session, users, login, seeded, twin_rows) -> None:
    person = _person(session, "keir-starmer")
    _claim_and_verify(app, client, session, users, login)
    before = _read_model(session, person.id)  # type: ignore[arg-type]
    form = client.get("/people/keir-starmer/replies/new?topic=ceasefire")
    assert form.status_code == 200 and "The stance we record" in form.get_data(as_text=True)
    assert client.post("/people/keir-starmer/replies/new?topic=ceasefire",
                       data={"body": "My position is on my website.",
                             "replied_on": date.today().isoformat()}).status_code == 302
    reply = session.exec(select(Reply)).one()
    assert reply.evidence_id is None and reply.topic_id is not None
    moderator = app.test_client()
    login(moderator, users["moderator"])
    assert moderator.post(f"/moderation/replies/{reply.id}/approve").status_code == 302
    page = app.test_client().get("/people/keir-starmer").get_data(as_text=True)
    stance = page[page.index('id="stance-h"'):page.index('id="timeline-h"')]
    assert "In Keir Starmer’s own words" in stance and "My position is on my website." in stance
    row = twin_rows("/people/keir-starmer", "replies")[0]
    assert (row["responds_to"], row["evidence_id"]) == ("stance", None)
    # Another topic's page shows none of it.
    assert twin_rows("/people/keir-starmer?topic=palestine-action", "replies") == []
    assert _read_model(session, person.id) == before  # type: ignore[arg-type]


def test_only_the_persons_own_representative_may_reply(app, client, session, users, login, seeded) -> None:
    starmer = _person(session, "keir-starmer")
    lammy = _person(session, "david-lammy")
    url = f"/people/david-lammy/replies/new?evidence={_evidence(session, lammy).id}"
    data = {"body": "Not mine to say.", "replied_on": "2024-03-01"}

    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 302 and "/login" in anonymous.get(url).headers["Location"]
    assert anonymous.post(url, data=data).status_code == 302
    assert anonymous.get(f"{url}&format=json").status_code == 401

    _claim_and_verify(app, client, session, users, login)  # speaks for Starmer, not Lammy
    refused = client.post(url, data=data)
    assert refused.status_code == 403
    assert "Only David Lammy’s own verified account" in refused.get_data(as_text=True)
    assert client.get(url).status_code == 403
    lammy_page = client.get("/people/david-lammy").get_data(as_text=True)
    assert "replies/new" not in lammy_page  # no reply links on someone else's page
    # Nor may a contributor, a moderator, an admin, or a representative speaking for nobody.
    for key in ("contributor", "moderator", "admin", "representative"):
        other = app.test_client()
        login(other, users[key])
        assert other.post(url, data=data).status_code == 403, key
        assert other.post(f"/people/keir-starmer/replies/new?evidence={_evidence(session, starmer).id}",
                          data=data).status_code == 403, key
    assert _count(session, Reply) == 0
    # Evidence about someone else, or not on the site, cannot be answered from one's own page.
    wrong = client.get(f"/people/keir-starmer/replies/new?evidence={_evidence(session, lammy).id}")
    assert wrong.status_code == 404
    for bad in ("abc", "0", "99999999999999999999", "1.5"):
        assert client.get(f"/people/keir-starmer/replies/new?evidence={bad}").status_code in (400, 404), bad
    assert client.get("/people/keir-starmer/replies/new?topic=nope").status_code == 404
    assert client.get("/people/nobody/replies/new").status_code == 404


def test_responses_are_checked_and_bad_input_changes_nothing(app, client, session, users, login,
                                                              seeded) -> None:
    person = _person(session, "keir-starmer")
    evidence = _evidence(session, person)
    _claim_and_verify(app, client, session, users, login)
    url = f"/people/keir-starmer/replies/new?evidence={evidence.id}"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = [
        ({"body": "   ", "replied_on": "2024-03-01"}, "Write your response."),
        ({"body": "x" * 5001, "replied_on": "2024-03-01"}, "5,000 characters"),
        ({"body": "Fine.", "replied_on": tomorrow}, "cannot be in the future"),
        ({"body": "Fine.", "replied_on": "2024-02-01"}, "before what it answers"),
        ({"body": "Fine.", "replied_on": "1 March 2024"}, "Not a valid date"),
        ({"body": "Fine.", "replied_on": ""}, "Enter the date"),
    ]
    for data, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), (data, message)
    assert _count(session, Reply) == 0
    # Control characters and NUL (which PostgreSQL refuses) are dropped; paragraphs are kept.
    assert client.post(url, data={"body": "One\x00 line\r\n\r\n\r\n\r\nTwo\x07", "replied_on": "2024-03-01"}
                       ).status_code == 302
    assert session.exec(select(Reply)).one().body == "One line\n\nTwo"


def test_a_rejected_response_stays_private_and_its_writer_sees_why(app, client, session, users, login,
                                                                   seeded) -> None:
    person = _person(session, "keir-starmer")
    evidence = _evidence(session, person)
    _claim_and_verify(app, client, session, users, login)
    client.post(f"/people/keir-starmer/replies/new?evidence={evidence.id}",
                data={"body": "Something unpublishable.", "replied_on": "2024-03-01"})
    reply = session.exec(select(Reply)).one()
    moderator = app.test_client()
    login(moderator, users["moderator"])
    no_reason = moderator.post(f"/moderation/replies/{reply.id}/reject", data={"reason": ""})
    assert no_reason.status_code == 400 and "Give a reason" in no_reason.get_data(as_text=True)
    assert moderator.post(f"/moderation/replies/{reply.id}/reject",
                          data={"reason": "It names a private individual."}).status_code == 302
    again = moderator.post(f"/moderation/replies/{reply.id}/approve")
    assert again.status_code == 409 and "already rejected" in again.get_data(as_text=True)
    assert moderator.post("/moderation/replies/99999/approve").status_code == 404
    assert moderator.post(f"/moderation/replies/{reply.id}/maybe").status_code == 404
    mine = client.get("/account/replies").get_data(as_text=True)
    assert "It names a private individual." in mine and "Not published" in mine
    anonymous = app.test_client()
    assert "unpublishable" not in anonymous.get("/people/keir-starmer").get_data(as_text=True)
    assert anonymous.get("/people/keir-starmer?format=json&table=replies").get_json()["rows"] == []
    assert "unpublishable" not in anonymous.get("/people/keir-starmer/history").get_data(as_text=True)
    revisions = session.exec(select(Revision).where(Revision.table_name == "reply")).all()
    assert len(revisions) == 2 and not any(r.public for r in revisions)
    assert {(r.subject_table, r.subject_id) for r in revisions} == {("person", person.id)}


def test_claim_links_that_cannot_be_used_say_why(app, client, session, users, login, seeded) -> None:
    client.post("/people/keir-starmer/claim", data={
        "name": "Someone", "official_email": OFFICIAL, "password": CLAIMANT_PASSWORD})
    claim = session.exec(select(Claim)).one()
    moderator = app.test_client()
    login(moderator, users["moderator"])
    moderator.post(f"/moderation/claims/{claim.id}/send")
    first = _claim_link(app)
    moderator.post(f"/moderation/claims/{claim.id}/send")  # a new link replaces the first
    second = _claim_link(app)
    assert first != second
    replaced = client.get(first)
    assert replaced.status_code == 404 and "not valid" in replaced.get_data(as_text=True)
    for bad in ("/claims/x", "/claims/" + "A" * 43, "/claims/" + "é" * 30, "/claims/" + "a" * 500):
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert "This link cannot be used" in response.get_data(as_text=True), bad
    # Expired: a clear page, and nothing changes (not even with the right password).
    session.execute(sa.update(Claim).where(Claim.id == claim.id)  # type: ignore[arg-type]
                    .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    session.commit()
    expired = client.get(second)
    assert expired.status_code == 404 and "has expired" in expired.get_data(as_text=True)
    assert client.post(second, data={"password": CLAIMANT_PASSWORD}).status_code == 404
    session.expire_all()
    assert session.get(Claim, claim.id).status == "sent"  # type: ignore[union-attr]
    assert session.exec(select(User).where(User.email == OFFICIAL)).one().active is False
    assert "expired unused" in moderator.get("/moderation/claims").get_data(as_text=True)
    # Rejected: the link stops working, and the claimant is told why when signed in.
    assert moderator.post(f"/moderation/claims/{claim.id}/reject", data={"reason": ""}).status_code == 400
    assert moderator.post(f"/moderation/claims/{claim.id}/reject",
                          data={"reason": "The address is not theirs."}).status_code == 302
    assert "turned down" in client.get(second).get_data(as_text=True)
    assert moderator.post(f"/moderation/claims/{claim.id}/send").status_code == 409
    assert moderator.post("/moderation/claims/424242/send").status_code == 404


def test_claim_form_errors_and_who_may_claim(app, client, session, users, login, seeded) -> None:
    url = "/people/keir-starmer/claim"
    good = {"name": "A Person", "official_email": OFFICIAL, "note": "", "password": CLAIMANT_PASSWORD}
    for change, message in (({"official_email": "not an email"}, "Enter an email address"),
                            ({"password": "short"}, "at least 12 characters"),
                            ({"name": ""}, "Enter your name"),
                            ({"note": "n" * 2001}, "2,000 characters"),
                            ({"official_email": users["admin"].email}, "already an account")):
        response = client.post(url, data={**good, **change})
        assert response.status_code == 400, change
        assert message in response.get_data(as_text=True), change
    assert _count(session, Claim) == 0 and _count(session, User) == len(users)
    assert client.get("/people/nobody/claim").status_code == 404
    # A second claim from the same address waits for the first.
    assert client.post(url, data=good).status_code == 302
    twice = app.test_client().post(url, data=good)
    assert twice.status_code == 400 and "already waiting" in twice.get_data(as_text=True)
    # A signed-in contributor claims with their own account (no new one) ...
    contributor = app.test_client()
    login(contributor, users["contributor"])
    form = contributor.get(url).get_data(as_text=True)
    assert 'name="password"' not in form
    assert contributor.post(url, data={"official_email": "office@parliament.uk"}).status_code == 302
    claim = session.exec(select(Claim).where(Claim.user_id == users["contributor"].id)).one()
    assert claim.official_email == "office@parliament.uk"
    assert _count(session, User) == len(users) + 1
    again = contributor.post(url, data={"official_email": "office@parliament.uk"})
    assert again.status_code == 400 and "already claimed" in again.get_data(as_text=True)
    # ... and is verified with their own password, keeping their account.
    moderator = app.test_client()
    login(moderator, users["moderator"])
    moderator.post(f"/moderation/claims/{claim.id}/send")
    assert contributor.post(_claim_link(app), data={"password": PASSWORD}).status_code == 302
    session.expire_all()
    user = session.get(User, users["contributor"].id)
    assert (user.role, user.person_id, user.email) == (  # type: ignore[union-attr]
        "representative", claim.person_id, "contributor@example.org")
    # A moderator's account may not speak for anyone.
    refused = moderator.post(url, data={"official_email": "x@parliament.uk"})
    assert refused.status_code == 400 and "separate account" in refused.get_data(as_text=True)


def test_claim_moderation_needs_a_moderator(app, client, users, login, seeded) -> None:
    for path in ("/moderation/claims", "/moderation/replies"):
        assert client.get(path).status_code == 302
        assert client.get(f"{path}?format=json").status_code == 401
    for path in ("/moderation/claims/1/send", "/moderation/claims/1/reject", "/moderation/replies/1/approve",
                 "/moderation/replies/1/reject"):
        assert client.post(path).status_code == 302, path
    login(client, users["contributor"])
    for path in ("/moderation/claims", "/moderation/replies"):
        assert client.get(path).status_code == 403
    assert client.post("/moderation/claims/1/send").status_code == 403
    assert client.post("/moderation/replies/1/approve").status_code == 403
    assert client.get("/account/replies").status_code == 200


@pytest.mark.parametrize(("email", "official"), [
    ("a.mp@parliament.uk", True), ("cllr@camden.gov.uk", True), ("someone@gov.scot", True),
    ("x@senedd.wales", True), ("x@notparliament.uk", False), ("x@gmail.com", False),
    ("x@parliament.uk.example.com", False)])
def test_official_domains_are_a_hint(email: str, official: bool) -> None:
    assert domain_hint(email).official is official


def test_claims_are_rate_limited(database_url) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40,
                      "WTF_CSRF_ENABLED": False, "SUBMISSION_RATE_LIMIT": "2 per minute",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    client = app.test_client()
    with app.app_context():
        from tracker.db import get_session

        session = get_session()
        session.add(Person(name="Ann Example", sort_name="Example, Ann", slug="ann-example"))
        session.commit()
    bad = {"name": "x", "official_email": "bad", "password": "short"}
    assert client.post("/people/ann-example/claim", data=bad).status_code == 400
    assert client.post("/people/ann-example/claim", data=bad).status_code == 400
    limited = client.post("/people/ann-example/claim", data=bad)
    assert limited.status_code == 429 and "2 per minute" in limited.get_data(as_text=True)
    assert client.get("/people/ann-example/claim").status_code == 200
    app.extensions["engine"].dispose()


def test_payloads_in_claims_and_responses_are_inert_everywhere(app, client, session, users, login,
                                                               seeded) -> None:
    from tests.xss import PAYLOADS, assert_inert_csv, assert_inert_html, assert_inert_json

    person = _person(session, "keir-starmer")
    evidence = _evidence(session, person)
    for n, payload in enumerate(PAYLOADS):
        response = app.test_client().post("/people/keir-starmer/claim", data={
            "name": payload, "official_email": f"office{n}@parliament.uk", "note": payload,
            "password": CLAIMANT_PASSWORD})
        assert response.status_code == 302, payload
    _claim_and_verify(app, client, session, users, login)
    for n, payload in enumerate(PAYLOADS):
        target = f"evidence={evidence.id}" if n % 2 else "topic=ceasefire"
        response = client.post(f"/people/keir-starmer/replies/new?{target}",
                               data={"body": f"Reply {n}:\n{payload}\n\n{payload}",
                                     "replied_on": "2024-03-01"})
        assert response.status_code == 302, payload
    moderator = app.test_client()
    login(moderator, users["moderator"])
    assert_inert_html(moderator.get("/moderation/claims").get_data(as_text=True))
    assert_inert_html(moderator.get("/moderation/replies").get_data(as_text=True))
    for n, reply in enumerate(session.exec(select(Reply).order_by(Reply.id)).all()):  # type: ignore[arg-type]
        if n % 3:
            assert moderator.post(f"/moderation/replies/{reply.id}/approve").status_code == 302
        else:
            assert moderator.post(f"/moderation/replies/{reply.id}/reject",
                                  data={"reason": PAYLOADS[n]}).status_code == 302
    pages = [(client, "/account/replies"), (client, "/people/keir-starmer"),
             (app.test_client(), "/people/keir-starmer"), (app.test_client(), "/people/keir-starmer/history"),
             (moderator, "/people/keir-starmer/history")]
    for who, path in pages:
        response = who.get(path)
        assert response.status_code == 200, path
        assert_inert_html(response.get_data(as_text=True))
    assert_inert_csv(client.get("/people/keir-starmer?format=csv&table=replies").get_data(as_text=True))
    twin = client.get("/people/keir-starmer?format=json&table=replies").get_data(as_text=True)
    rows = assert_inert_json(twin)
    assert len(rows["rows"]) == sum(1 for n in range(len(PAYLOADS)) if n % 3)  # type: ignore[index]
