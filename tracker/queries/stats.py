"""Row counts per table."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import ALL_TABLES


def table_counts(session: Session) -> dict[str, int]:
    return {model.__tablename__: session.exec(select(func.count()).select_from(model)).one()  # type: ignore[attr-defined]
            for model in ALL_TABLES}
