"""The "Early day motions" section of a person page, and its twin table ``edms``."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tracker.models import Person
from tracker.queries.edms import SignedMotion, signed_motions
from tracker.queries.stances import source_label
from tracker.web.twins import Table

COLUMNS = ("person", "edm_id", "title", "tabled_on", "signed_on_or_after", "role", "withdrawn_on",
           "counts_towards_stance", "topic", "stance", "stance_label", "reason", "url", "source",
           "source_url")
TEXT = frozenset({"title", "reason", "source", "stance_label", "role"})


def motion_row(person: Person, motion: SignedMotion) -> dict[str, Any]:
    edm, signature = motion.edm, motion.signature
    return {
        "person": person.slug, "edm_id": edm.edm_id, "title": edm.title,
        "tabled_on": edm.tabled_on, "signed_on_or_after": edm.tabled_on, "role": motion.role,
        "withdrawn_on": signature.withdrawn_on, "counts_towards_stance": motion.counted,
        "topic": motion.topic.slug if motion.counted and motion.topic else None,
        "topic_name": motion.topic.name if motion.counted and motion.topic else None,
        "stance": edm.signing_means if motion.counted else None,
        "stance_label": motion.stance_label, "scale": motion.scale, "reason": edm.note or None,
        "url": edm.url, "source": source_label(motion.source),
        "source_url": motion.source.url if motion.source else edm.url,
    }


def person_edm_section(session: Session, person: Person) -> tuple[list[dict[str, Any]], Table]:
    """Every early day motion the person signed (tracked or not), for the page and its twin."""
    rows = [motion_row(person, m) for m in signed_motions(session, person.id)]  # type: ignore[arg-type]
    return rows, Table(
        "edms", COLUMNS, rows,
        "Every early day motion the person signed, tracked or not. The record gives no signature "
        "dates: a signature was made on or after the tabling date (signed_on_or_after). "
        "counts_towards_stance says whether data/edms.toml ties the motion to a topic, and stance "
        "what a signature means there; a withdrawn signature counts only until withdrawn_on. "
        "reason: why the motion is or is not counted.", TEXT)
