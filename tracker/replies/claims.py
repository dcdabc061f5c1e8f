"""Claims to speak for a person, and their verification.

Anyone may claim a page: without an account, the claim opens one (role representative,
inactive, signed in with the official address) that the verification activates. A
moderator sends a single-use link to the official address; the link proves whoever opens
it reads that mailbox, and the password asked for on opening it proves they are also
the claimant, so a claim made with someone else's address cannot be completed by
them clicking an unexpected link. Every function writes one change set; claims and
accounts are private tables, so nothing public changes until a response is approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from tracker.accounts import tokens
from tracker.accounts.users import AccountError, by_email, check_password, hash_password, may, normalise_email
from tracker.models import Claim, Person, User
from tracker.revisions import Recorder

MAX_NOTE = 2000
MAX_NAME = 200
MAX_REASON = 1000
# Domains whose addresses only an office holder (or their office) is given; a hint, not a rule.
OFFICIAL_DOMAINS = (
    ("parliament.uk", "a UK Parliament address"),
    ("gov.uk", "a UK public body’s address (councils use gov.uk)"),
    ("parliament.scot", "a Scottish Parliament address"),
    ("gov.scot", "a Scottish Government address"),
    ("senedd.wales", "a Senedd address"),
    ("gov.wales", "a Welsh public body’s address"),
    ("llyw.cymru", "a Welsh public body’s address"),
)


class ClaimError(ValueError):
    """A claim or verification that cannot go ahead; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DomainHint:
    official: bool
    text: str


def domain_hint(email: str) -> DomainHint:
    """Whether the address's domain looks official (shown to the moderator as a hint)."""
    domain = email.rpartition("@")[2].lower().rstrip(".")
    for suffix, words in OFFICIAL_DOMAINS:
        if domain == suffix or domain.endswith("." + suffix):
            return DomainHint(True, f"{domain}: {words}")
    return DomainHint(False, f"{domain}: not a domain we know to be official; check the note")


def _open(claim: Claim, now: datetime | None = None) -> bool:
    """Waiting for a moderator, or sent with a link that still works."""
    if claim.status == "pending":
        return True
    return (claim.status == "sent" and claim.expires_at is not None
            and not tokens.expired(claim.expires_at, now))


def claims_of(session: Session, user_id: int) -> list[Claim]:
    return list(session.exec(select(Claim).where(Claim.user_id == user_id)
                             .order_by(Claim.created_at.desc(), Claim.id.desc())).all())  # type: ignore[attr-defined, union-attr]


def _abandoned(session: Session, user: User) -> bool:
    """An account a claim opened that never came to anything (never verified, never signed in,
    no claim still open): a new claim from the same address may take it over."""
    if user.active or user.last_login_at is not None or user.person_id is not None:
        return False
    return not any(c.status == "verified" or _open(c) for c in claims_of(session, user.id))  # type: ignore[arg-type]


def _clean_note(note: str | None) -> str | None:
    text = (note or "").replace("\x00", "").strip()
    if len(text) > MAX_NOTE:
        raise ClaimError(f"Keep the note to {MAX_NOTE:,} characters (it has {len(text):,}).", "note")
    return text or None


def _email(address: str) -> str:
    try:
        return normalise_email(address)
    except AccountError as exc:
        raise ClaimError(str(exc), "official_email") from None


def _check_signed_in(session: Session, user: User, person: Person) -> None:
    if may(user, "moderator"):
        raise ClaimError("A moderator’s or admin’s account cannot speak for a person, so that someone else "
                         "checks their responses: sign out and claim the page with a separate account.")
    if user.person_id == person.id:
        raise ClaimError(f"Your account already speaks for {person.name}.")
    if user.person_id is not None:
        raise ClaimError("Your account already speaks for someone else; each account speaks for one person.")
    if any(c.person_id == person.id and _open(c) for c in claims_of(session, user.id)):  # type: ignore[arg-type]
        raise ClaimError(f"You have already claimed {person.name}’s page; a moderator will be in touch.")


def _account_for_claim(session: Session, recorder: Recorder, email: str, name: str, password: str) -> User:
    """An inactive representative's account for an anonymous claimant (new, or one taken over)."""
    try:
        password_hash = hash_password(check_password(password))
    except AccountError as exc:
        raise ClaimError(str(exc), "password") from None
    existing = by_email(session, email)
    if existing is None:
        user = recorder.add(User(email=email, name=name, role="representative", active=False,
                                 password_hash=password_hash))
        recorder.flush()
        return user
    if _abandoned(session, existing):
        recorder.update(existing, {"name": name, "password_hash": password_hash})
        return existing
    if not existing.active and existing.last_login_at is None:
        raise ClaimError("A claim from this address is already waiting for a moderator; they will write to "
                         "it. If you did not make that claim, say so in a note to the moderators.",
                         "official_email")
    raise ClaimError("There is already an account for this address: sign in, then claim the page.",
                     "official_email")


def submit(session: Session, person: Person, *, official_email: str, note: str | None,
           user: User | None = None, name: str | None = None, password: str | None = None) -> Claim:
    """A claim to speak for ``person`` (pending), by a signed-in ``user`` or, without one, with a
    new inactive account whose email is the official address (one change set).

    :raise ClaimError: bad input, or a claim this account cannot make.
    """
    email = _email(official_email)
    clean_note = _clean_note(note)
    if user is not None:
        _check_signed_in(session, user, person)
        recorder = Recorder(session, actor=user.name, user_id=user.id,
                            reason=f"claimed to speak for {person.name}")
        claimant = user
    else:
        clean_name = " ".join((name or "").split())
        if not clean_name or len(clean_name) > MAX_NAME:
            raise ClaimError(f"Enter your name (at most {MAX_NAME} characters).", "name")
        recorder = Recorder(session, actor=clean_name, reason=f"claimed to speak for {person.name}")
        claimant = _account_for_claim(session, recorder, email, clean_name, password or "")
    claim = recorder.add(Claim(user_id=claimant.id, person_id=person.id,  # type: ignore[arg-type]
                               official_email=email, note=clean_note))
    recorder.flush()
    assert recorder.change_set is not None
    recorder.change_set.user_id = claimant.id
    return claim


@dataclass(frozen=True)
class SentLink:
    claim: Claim
    token: str  # emailed to the official address; only its digest is stored


def _undecided(claim: Claim) -> None:
    if claim.status not in ("pending", "sent"):
        raise ClaimError(f"This claim is already {claim.status}.")


def send_link(session: Session, moderator: User, claim: Claim, days: float) -> SentLink:
    """A fresh single-use link for the claim (any earlier one stops working)."""
    _undecided(claim)
    token, digest = tokens.new_token()
    recorder = Recorder(session, actor=moderator.name, user_id=moderator.id,
                        reason=f"sent a verification link to {claim.official_email}")
    recorder.update(claim, {"status": "sent", "token_hash": digest, "decided_by_id": moderator.id,
                            "expires_at": datetime.now(UTC) + timedelta(days=days)})
    recorder.flush()
    return SentLink(claim, token)


def reject(session: Session, moderator: User, claim: Claim, reason: str) -> None:
    _undecided(claim)
    text = " ".join(reason.split())
    if not text or len(text) > MAX_REASON:
        raise ClaimError(f"Give a reason (at most {MAX_REASON:,} characters); the claimant sees it.",
                         "reason")
    recorder = Recorder(session, actor=moderator.name, user_id=moderator.id,
                        reason=f"rejected a claim: {text}")
    recorder.update(claim, {"status": "rejected", "decided_by_id": moderator.id,
                            "decided_at": datetime.now(UTC), "reason": text})
    recorder.flush()


def open_link(session: Session, token: str) -> Claim:
    """The claim behind a verification link, or ClaimError saying why it cannot be used."""
    claim = session.exec(select(Claim).where(Claim.token_hash == tokens.digest(token))).first() \
        if tokens.plausible(token) else None
    if claim is None:
        raise ClaimError("This link is not valid. Check that you copied all of it; a newer link, if one was "
                         "sent, replaces older ones.")
    if claim.status == "verified":
        raise ClaimError("This link has already been used: the claim is verified. Sign in with your email "
                         "and password.")
    if claim.status == "rejected":
        raise ClaimError("This claim was turned down, so its link no longer works. Your account page "
                         "says why.")
    if claim.expires_at is None or tokens.expired(claim.expires_at):
        raise ClaimError("This link has expired. Claim the page again, or ask the moderators to send a "
                         "new link.")
    return claim


def verify(session: Session, token: str, password: str) -> User:
    """Complete a claim: the account becomes active and speaks for the person (one change set)."""
    claim = open_link(session, token)
    user = session.get(User, claim.user_id)
    person = session.get(Person, claim.person_id)
    assert user is not None and person is not None
    if not check_password_hash(user.password_hash, password):
        raise ClaimError("That is not the password of the account that made this claim.", "password")
    if may(user, "moderator") or (user.person_id not in (None, person.id)):
        raise ClaimError("This account cannot speak for a person any more (its role changed since the "
                         "claim).")
    if not user.active and user.last_login_at is not None:
        raise ClaimError("This account has been closed; ask the moderators.")
    recorder = Recorder(session, actor=user.name, user_id=user.id,
                        reason=f"verified a claim to speak for {person.name} by a link sent to "
                               f"{claim.official_email}")
    recorder.update(claim, {"status": "verified", "decided_at": datetime.now(UTC)})
    recorder.update(user, {"active": True, "person_id": person.id, "role": "representative"})
    recorder.flush()
    return user


@dataclass(frozen=True)
class ClaimView:
    """A claim as the moderators' list shows it."""

    claim: Claim
    person: Person
    user: User
    hint: DomainHint
    link_expired: bool
    speakers: tuple[str, ...]  # the names of accounts that already speak for the person


def waiting(session: Session) -> list[ClaimView]:
    """Claims not yet decided (pending, or sent and not yet verified), oldest first."""
    rows = session.exec(select(Claim, Person, User).join(Person, Person.id == Claim.person_id)  # type: ignore[arg-type]
                        .join(User, User.id == Claim.user_id)  # type: ignore[arg-type]
                        .where(Claim.status.in_(("pending", "sent")))  # type: ignore[attr-defined]
                        .order_by(Claim.created_at, Claim.id)).all()
    person_ids = sorted({person.id for _c, person, _u in rows})
    speakers: dict[int, list[str]] = {}
    if person_ids:
        for speaker in session.exec(select(User).where(User.person_id.in_(person_ids),  # type: ignore[union-attr]
                                                       User.active)).all():
            speakers.setdefault(speaker.person_id, []).append(speaker.name)  # type: ignore[arg-type]
    now = datetime.now(UTC)
    return [ClaimView(claim, person, user, domain_hint(claim.official_email),
                      claim.status == "sent" and not _open(claim, now),
                      tuple(speakers.get(person.id, ())))  # type: ignore[arg-type]
            for claim, person, user in rows]
