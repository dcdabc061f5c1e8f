"""An admin creates a campaign or edits one; an edit made on a form opened before someone
else's change is refused as a conflict (no lost updates), with both versions to compare."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlmodel import Session, func, select

from tracker import revisions
from tracker.accounts.users import may
from tracker.config import DATA_DIR
from tracker.models import ChangeSet, Evidence, Pledge, Revision, Topic, User
from tracker.moderation.trust import lock_on
from tracker.revisions import Recorder
from tracker.stance import load_topic
from tracker.text import Slugs, http_url, slugify

MAX_TITLE = 300
MAX_TEXT = 10_000
MAX_ORGANISATION = 200
MAX_SLUG = 120
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
# Paths under /pledges/ that are pages of their own, never a campaign's slug.
RESERVED_SLUGS = frozenset({"new"})


class CampaignError(ValueError):
    """Bad input, by field: ``errors`` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotAllowed(PermissionError):
    """The user's role does not allow this (the views check first; this is the service's own guard)."""


class EditConflict(Exception):
    """Someone changed the campaign after the form was opened: nothing was written."""

    def __init__(self, current: Pledge, newest_revision: int | None, changed_by: ChangeSet | None) -> None:
        super().__init__("Someone else changed this campaign since you opened the form.")
        self.current = current
        self.newest_revision = newest_revision
        self.changed_by = changed_by


@dataclass(frozen=True)
class CampaignData:
    """What the campaign form holds."""

    title: str
    text: str
    organisation: str
    url: str
    topic: str  # slug
    stance: str  # a key of the topic's scale
    launched_on: date | None
    closes_on: date | None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(text: str) -> str:
    """The pledge's words: each line's spacing tidied, paragraphs kept."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def _check(session: Session, data: CampaignData) -> tuple[Topic, dict[str, Any]]:
    """Every problem at once (CampaignError), or the topic and the pledge's column values."""
    errors: dict[str, str] = {}
    title, organisation, text = _one_line(data.title), _one_line(data.organisation), _text(data.text)
    if not 3 <= len(title) <= MAX_TITLE:
        errors["title"] = f"Give the campaign a title of 3 to {MAX_TITLE} characters."
    if not 10 <= len(text) <= MAX_TEXT:
        errors["text"] = f"Give the words of the pledge (10 to {MAX_TEXT:,} characters)."
    if not 2 <= len(organisation) <= MAX_ORGANISATION:
        errors["organisation"] = f"Say who runs the campaign (2 to {MAX_ORGANISATION} characters)."
    url = http_url(data.url) if data.url.strip() else None
    if data.url.strip() and url is None:
        errors["url"] = "Give the campaign's web address, starting http:// or https://, or leave it empty."
    topic = session.exec(select(Topic).where(Topic.slug == data.topic)).first()
    if topic is None:
        errors["topic"] = "Choose one of the topics listed."
    else:
        scale = load_topic(topic.slug, DATA_DIR)
        if data.stance not in scale or data.stance == scale.default:
            errors["stance"] = f"Choose one of the stances of “{scale.name}”: what signing the pledge means."
    for name, day in (("launched_on", data.launched_on), ("closes_on", data.closes_on)):
        if day is not None and not EARLIEST <= day <= LATEST:
            errors[name] = f"Give a date between {EARLIEST:%Y} and {LATEST:%Y}."
    if (data.launched_on and data.closes_on and "closes_on" not in errors
            and data.closes_on < data.launched_on):
        errors["closes_on"] = "The campaign cannot close before it opens."
    if errors:
        raise CampaignError(errors)
    assert topic is not None
    return topic, {"title": title, "text": text, "organisation": organisation, "url": url,
                   "topic_id": topic.id, "stance": data.stance, "launched_on": data.launched_on,
                   "closes_on": data.closes_on}


def _admin(user: User) -> None:
    if not may(user, "admin"):
        raise NotAllowed("Only an admin can create or edit a campaign.")


def new_slug(session: Session, title: str) -> str:
    """A slug made from the title, unique among campaigns and never a reserved path."""
    slugs = Slugs(session, Pledge)
    slugs.taken |= RESERVED_SLUGS
    return slugs.claim(slugify(title)[:MAX_SLUG].strip("-"))


def create(session: Session, admin: User, data: CampaignData) -> Pledge:
    """A new campaign (one change set)."""
    _admin(admin)
    _topic, values = _check(session, data)
    recorder = Recorder(session, actor=admin.name, user_id=admin.id, reason="created a campaign",
                        source=values["url"])
    pledge = recorder.add(Pledge(slug=new_slug(session, values["title"]), **values))
    recorder.flush()
    return pledge


def newest_revision(session: Session, pledge_id: int) -> int | None:
    """The newest revision of the campaign: what an edit form was opened on."""
    return revisions.newest_revision(session, "pledge", pledge_id)


def _changed_by(session: Session, revision_id: int | None) -> ChangeSet | None:
    if revision_id is None:
        return None
    return session.exec(select(ChangeSet).join(Revision, Revision.change_set_id == ChangeSet.id)  # type: ignore[arg-type]
                        .where(Revision.id == revision_id)).first()


def answers_recorded(session: Session, pledge_id: int) -> int:
    """Signatures and refusals that name the campaign (any but rejected ones)."""
    return session.exec(select(func.count()).select_from(Evidence).where(
        Evidence.pledge_id == pledge_id, Evidence.status != "rejected")).one()


def edit(session: Session, admin: User, pledge: Pledge, data: CampaignData, opened_on: int | None,
         reason: str = "") -> bool:
    """Save the form's values (one change set); False when nothing changed.

    ``opened_on`` is the newest revision of the campaign when the form was opened: if it is no
    longer the newest, EditConflict, and nothing is written.
    """
    _admin(admin)
    assert pledge.id is not None
    lock = lock_on(session, "pledge", pledge.id)
    if lock is not None:
        raise CampaignError({"title": f"A moderator has locked this campaign against edits: {lock.reason}"})
    topic, values = _check(session, data)
    newest = newest_revision(session, pledge.id)
    if newest != opened_on:
        raise EditConflict(pledge, newest, _changed_by(session, newest))
    moved = topic.id != pledge.topic_id or values["stance"] != pledge.stance
    if moved and answers_recorded(session, pledge.id):
        raise CampaignError({"stance": "People have already answered this campaign: its topic and the stance "
                                       "it implies stay as they signed them. Create a new campaign instead."})
    recorder = Recorder(session, actor=admin.name, user_id=admin.id,
                        reason=_one_line(reason)[:1000] or "edited the campaign", source=values["url"])
    changed = recorder.update(pledge, values, overwrite_with_none=True)
    recorder.flush()
    return changed


def as_data(pledge: Pledge, topic: str) -> CampaignData:
    """The form's values for a stored campaign."""
    return CampaignData(title=pledge.title, text=pledge.text, organisation=pledge.organisation,
                        url=pledge.url or "", topic=topic, stance=pledge.stance,
                        launched_on=pledge.launched_on, closes_on=pledge.closes_on)


def differences(saved: CampaignData, yours: CampaignData) -> list[tuple[str, Any, Any]]:
    """(field, saved value, your value) for every field on which two versions differ."""
    return [(f.name, getattr(saved, f.name), getattr(yours, f.name)) for f in fields(CampaignData)
            if _comparable(getattr(saved, f.name)) != _comparable(getattr(yours, f.name))]


def _comparable(value: Any) -> Any:
    return _text(value) if isinstance(value, str) else value


def topic_slugs(session: Session) -> Mapping[int, str]:
    return dict(session.exec(select(Topic.id, Topic.slug)).all())  # type: ignore[arg-type]
