"""Finding people by slug or name (their display name or any other name a source used)."""

from __future__ import annotations

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from tracker.models import Person, PersonName
from tracker.text import slugify


def find_people(session: Session, text: str, limit: int = 20) -> list[Person]:
    """Exact slug or name first (the display name before other names), then names
    containing every word typed."""
    text = " ".join(text.split())
    if not text:
        return []
    lowered = text.lower()
    known_as = select(PersonName.person_id).where(func.lower(PersonName.name) == lowered)
    exact = session.exec(select(Person).where(or_(
        Person.slug == text, Person.slug == slugify(text),
        func.lower(Person.name) == lowered, Person.id.in_(known_as)))  # type: ignore[union-attr]
        .order_by(func.lower(Person.name) != lowered, Person.sort_name)).all()
    if exact:
        return list(exact)
    words = lowered.split()
    other_names = select(PersonName.person_id).where(
        and_(*(func.lower(PersonName.name).contains(word) for word in words)))
    statement = select(Person).where(or_(
        and_(*(func.lower(Person.name).contains(word) for word in words)),
        Person.id.in_(other_names)))  # type: ignore[union-attr]
    return list(session.exec(statement.order_by(Person.sort_name).limit(limit)).all())
