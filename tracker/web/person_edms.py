"""The "Early day motions" section of a person page (its table is ``edms``: tracker/exports/people.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tracker.exports.people import motion_row
from tracker.models import Person
from tracker.queries.edms import signed_motions


def person_edm_section(session: Session, person: Person) -> list[dict[str, Any]]:
    """Every early day motion the person signed (tracked or not), for the page and its twin."""
    return [motion_row(person, m) for m in signed_motions(session, person.id)]  # type: ignore[arg-type]
