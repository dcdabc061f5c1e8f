"""A candidate's personal pledge link: a moderator makes it for one person; whoever holds it
signs or declines the campaign's pledge once, before it expires.

The token is the credential (the person needs no account): it is shown once to the moderator,
who sends it, and only its sha256 digest is stored. An answer is evidence like any other
(kind ``pledge`` or ``pledge_refusal``, marked ``signed_by_person``), approved at once, since a
moderator made the link for this person; the read model moves the person's stance in the same
transaction. The change set's actor is the person; its user, the link's maker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from tracker.accounts import tokens
from tracker.accounts.users import may
from tracker.models import Evidence, Person, Pledge, PledgeLink, Source, User
from tracker.prose.campaigns import answer_summary, link_reason, link_source_title
from tracker.revisions import Recorder

ANSWERS = {"signed": "pledge", "declined": "pledge_refusal"}  # a link's answer -> the evidence kind
SOURCE_KEY = "pledge-link:"  # + the campaign's slug: the source of answers given through links


class LinkError(ValueError):
    """A link cannot be made or used; ``status`` is the HTTP status a page answers with."""

    status = 400


class LinkUnknown(LinkError):
    status = 404


class LinkGone(LinkError):
    """Used or expired: it existed, and works no more."""

    status = 410


@dataclass(frozen=True)
class NewLink:
    link: PledgeLink
    token: str  # shown once to the moderator; only its digest is stored


@dataclass(frozen=True)
class OpenLink:
    link: PledgeLink
    pledge: Pledge
    person: Person


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def make_link(session: Session, moderator: User, pledge: Pledge, person: Person, days: float,
              now: datetime | None = None) -> NewLink:
    """A new link for ``person`` (one change set). Earlier links of theirs for this campaign
    that were never used stop working: one live link per person."""
    if not may(moderator, "moderator"):
        raise LinkError("Only a moderator can make a pledge link.")
    moment = _now(now)
    if pledge.closes_on is not None and pledge.closes_on < moment.date():
        raise LinkError(f"This campaign closed on {_day(pledge.closes_on)}: it takes no new answers.")
    links = session.exec(select(PledgeLink).where(PledgeLink.pledge_id == pledge.id,
                                                  PledgeLink.person_id == person.id)).all()
    for used in links:
        if used.answer != "signed" or used.evidence_id is None or used.used_at is None:
            continue
        kept = session.get(Evidence, used.evidence_id)
        if kept is not None and kept.status == "approved":
            raise LinkError(f"{person.name} already signed this pledge through their own link, on "
                            f"{_day(used.used_at)}.")
    token, digest = tokens.new_token()
    recorder = Recorder(session, actor=moderator.name, user_id=moderator.id,
                        reason="made a personal pledge link")
    for old in links:
        if old.used_at is None and not tokens.expired(old.expires_at, moment):
            recorder.update(old, {"expires_at": moment})
    link = recorder.add(PledgeLink(pledge_id=pledge.id, person_id=person.id, token_hash=digest,  # type: ignore[arg-type]
                                   created_by_id=moderator.id, created_at=moment,  # type: ignore[arg-type]
                                   expires_at=moment + timedelta(days=days)))
    recorder.flush()
    return NewLink(link, token)


def open_link(session: Session, token: str, now: datetime | None = None, *,
              for_update: bool = False) -> OpenLink:
    """The link behind a token with its campaign and person, or LinkUnknown / LinkGone saying why not."""
    link = None
    if tokens.plausible(token):
        statement = select(PledgeLink).where(PledgeLink.token_hash == tokens.digest(token))
        if for_update:  # PostgreSQL: a second answer through the same link waits, then sees it used
            statement = statement.with_for_update().execution_options(populate_existing=True)
        link = session.exec(statement).first()
    if link is None:
        raise LinkUnknown("This pledge link is not valid. Check that you copied all of it, or ask the "
                          "person who sent it for a new one.")
    if link.used_at is not None:
        what = "sign the pledge" if link.answer == "signed" else "decline the pledge"
        raise LinkGone(f"This link has already been used, on {_day(link.used_at)}, to {what}. "
                       "Each link works once.")
    if tokens.expired(link.expires_at, _now(now)):
        raise LinkGone("This link has expired. Ask the person who sent it for a new one.")
    pledge = session.get(Pledge, link.pledge_id)
    person = session.get(Person, link.person_id)
    assert pledge is not None and person is not None  # foreign keys
    return OpenLink(link, pledge, person)


def _source(recorder: Recorder, pledge: Pledge, campaign_page: str) -> Source:
    """The source of answers given through links: keyed by campaign; its URL the campaign's own
    page, else ours (a source already known by that URL is used as it is)."""
    session = recorder.session
    key = f"{SOURCE_KEY}{pledge.slug}"
    found = session.exec(select(Source).where(Source.key == key)).first()
    url = pledge.url or campaign_page
    found = found or session.exec(select(Source).where(Source.url == url)).first()
    if found is not None:
        return found
    # The campaign's own page is published by the campaign; our page, by no one else.
    source = recorder.add(Source(key=key, url=url, publisher=pledge.organisation if pledge.url else None,
                                 title=link_source_title(pledge)))
    recorder.flush()
    return source


def answer(session: Session, token: str, given: str, campaign_page: str,
           now: datetime | None = None) -> Evidence:
    """Record the person's answer (``signed`` or ``declined``) and use the link up: one change set.

    ``campaign_page``: the campaign's page on this site, the source's URL when the campaign has none.
    """
    if given not in ANSWERS:
        raise LinkError(f"Answer one of: {', '.join(ANSWERS)}.")
    moment = _now(now)
    opened = open_link(session, token, moment, for_update=True)
    link, pledge, person = opened.link, opened.pledge, opened.person
    recorder = Recorder(session, actor=" ".join(person.name.split())[:120], user_id=link.created_by_id,
                        reason=link_reason(given), source=pledge.url or campaign_page)
    source = _source(recorder, pledge, campaign_page)
    today: date = moment.date()
    evidence = recorder.add(Evidence(
        topic_id=pledge.topic_id, person_id=person.id, kind=ANSWERS[given],
        stance=pledge.stance if given == "signed" else None, evidence_date=today,
        summary=answer_summary(pledge, given), source_id=source.id, pledge_id=pledge.id,  # type: ignore[arg-type]
        status="approved", submitted_by_id=link.created_by_id, reviewed_by_id=link.created_by_id,
        reviewed_at=moment, signed_by_person=True))
    recorder.flush()
    recorder.update(link, {"used_at": moment, "answer": given, "evidence_id": evidence.id})
    recorder.flush()
    return evidence


def links_made(session: Session, pledge_id: int) -> list[tuple[PledgeLink, Person, User]]:
    """Every link made for the campaign, newest first, with its person and maker (one query)."""
    rows = session.exec(select(PledgeLink, Person, User)
                        .join(Person, Person.id == PledgeLink.person_id)  # type: ignore[arg-type]
                        .join(User, User.id == PledgeLink.created_by_id)  # type: ignore[arg-type]
                        .where(PledgeLink.pledge_id == pledge_id)
                        .order_by(PledgeLink.created_at.desc(), PledgeLink.id.desc())).all()  # type: ignore[attr-defined, union-attr]
    return [(link, person, user) for link, person, user in rows]
