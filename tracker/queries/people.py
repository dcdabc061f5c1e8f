"""Finding people by slug or name."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, select

from tracker.importers.base import slugify
from tracker.models import Person


def find_people(session: Session, text: str, limit: int = 20) -> list[Person]:
    """Exact slug or name first, then names containing every word typed."""
    text = " ".join(text.split())
    if not text:
        return []
    exact = session.exec(select(Person).where(or_(
        Person.slug == text, Person.slug == slugify(text),
        func.lower(Person.name) == text.lower()))).all()
    if exact:
        return list(exact)
    statement = select(Person)
    for word in text.lower().split():
        statement = statement.where(func.lower(Person.name).contains(word))
    return list(session.exec(statement.order_by(Person.sort_name).limit(limit)).all())
