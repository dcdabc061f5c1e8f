"""An admin invites someone by a single-use link that expires; following it opens an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from tracker.accounts import tokens
from tracker.accounts.users import AccountError, by_email, create_user, normalise_email
from tracker.models import USER_ROLES, Invitation, User
from tracker.revisions import Recorder

INVITABLE_ROLES = ("contributor", "moderator", "admin")


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown once to the admin and sent by email; only its digest is stored


def invite(session: Session, admin: User, email: str, role: str, days: float) -> NewInvitation:
    if role not in INVITABLE_ROLES:
        raise AccountError(f"Invite as one of: {', '.join(INVITABLE_ROLES)}.")
    email = normalise_email(email)
    if by_email(session, email) is not None:
        raise AccountError(f"There is already an account for {email}.")
    token, digest = tokens.new_token()
    recorder = Recorder(session, actor=admin.name, user_id=admin.id, reason=f"invited as {role}")
    invitation = recorder.add(Invitation(
        email=email, role=role, token_hash=digest, created_by_id=admin.id,  # type: ignore[arg-type]
        expires_at=datetime.now(UTC) + timedelta(days=days)))
    recorder.flush()
    return NewInvitation(invitation, token)


def open_invitation(session: Session, token: str) -> Invitation:
    """The invitation behind a link, or AccountError saying why it cannot be used."""
    invitation = session.exec(select(Invitation).where(
        Invitation.token_hash == tokens.digest(token))).first() if tokens.plausible(token) else None
    if invitation is None:
        raise AccountError("This invitation link is not valid. Check that you copied all of it, "
                           "or ask for a new one.")
    if invitation.used_at is not None:
        raise AccountError("This invitation has already been used. Sign in instead, or ask for a new one.")
    if tokens.expired(invitation.expires_at):
        raise AccountError("This invitation has expired. Ask the person who invited you for a new one.")
    return invitation


def accept(session: Session, token: str, name: str, password: str) -> User:
    """Open the account an invitation offers, and use the invitation up (one change set)."""
    invitation = open_invitation(session, token)
    assert invitation.role in USER_ROLES
    recorder = Recorder(session, actor=" ".join(name.split())[:120], reason="accepted an invitation")
    user = create_user(session, email=invitation.email, name=name, role=invitation.role,
                       password=password, actor=recorder.actor, recorder=recorder)
    recorder.update(invitation, {"used_at": datetime.now(UTC), "user_id": user.id})
    recorder.flush()
    assert recorder.change_set is not None
    recorder.change_set.user_id = user.id
    return user


def pending_invitations(session: Session) -> list[Invitation]:
    now = datetime.now(UTC)
    return [i for i in session.exec(select(Invitation).where(Invitation.used_at.is_(None))  # type: ignore[union-attr]
                                    .order_by(Invitation.created_at.desc())).all()  # type: ignore[attr-defined]
            if not tokens.expired(i.expires_at, now)]
