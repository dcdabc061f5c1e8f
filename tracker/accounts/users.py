"""Users, roles and passwords.

Roles: a contributor submits evidence; a moderator also reviews, locks and restores; an admin
also invites and creates campaigns; a representative speaks for one person (right of reply)
and may submit evidence like a contributor.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import current_app, has_app_context
from sqlmodel import Session, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.models import USER_ROLES, User
from tracker.revisions import Recorder

# What each role may do, as the roles it counts as.
GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset({"admin", "moderator", "contributor"}),
    "moderator": frozenset({"moderator", "contributor"}),
    "contributor": frozenset({"contributor"}),
    "representative": frozenset({"representative", "contributor"}),
}
ROLE_LABELS = {"admin": "Admin", "moderator": "Moderator", "contributor": "Contributor",
               "representative": "Representative"}
MIN_PASSWORD = 12
MAX_PASSWORD = 200
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
# Checked against when the email is unknown, so that a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone", method="scrypt")


class AccountError(ValueError):
    """Bad account input; the message is meant for the person who typed it."""


def may(user: User | None, role: str) -> bool:
    """Whether ``user`` (active) may do what ``role`` may do."""
    return user is not None and user.active and role in GRANTS.get(user.role, frozenset())


def normalise_email(email: str) -> str:
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 320:
        raise AccountError("Enter an email address such as name@example.org.")
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Choose a password of at most {MAX_PASSWORD} characters.")
    return password


def hash_password(password: str) -> str:
    # PASSWORD_HASH_METHOD lets the tests use a cheaper hash; scrypt everywhere else.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(check_password(password), method=method, salt_length=16)


def by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def create_user(session: Session, *, email: str, name: str, role: str, password: str, actor: str,
                actor_id: int | None = None, reason: str = "new account",
                recorder: Recorder | None = None) -> User:
    """Add a user (in ``recorder``'s change set, or one of its own; the password hash is never
    stored in a revision)."""
    if role not in USER_ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(USER_ROLES)}.")
    email = normalise_email(email)
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise AccountError("Enter a name of at most 200 characters (it is shown beside your edits).")
    if by_email(session, email) is not None:
        raise AccountError(f"There is already an account for {email}.")
    recorder = recorder or Recorder(session, actor=actor, user_id=actor_id, reason=reason)
    user = recorder.add(User(email=email, name=name, role=role, password_hash=hash_password(password)))
    recorder.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (the same time either way)."""
    user = by_email(session, email)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def note_login(session: Session, user: User) -> None:
    """Remember when the user last signed in (not a change of the record: no revision)."""
    user.last_login_at = datetime.now(UTC)
    session.add(user)


def set_role(session: Session, user: User, role: str, *, actor: str, actor_id: int | None = None) -> None:
    if role not in USER_ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(USER_ROLES)}.")
    recorder = Recorder(session, actor=actor, user_id=actor_id, reason=f"role set to {role}")
    recorder.update(user, {"role": role})
    recorder.flush()
