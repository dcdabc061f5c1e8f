"""Row counts per table."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import ALL_TABLES, DataVersion


def table_counts(session: Session) -> dict[str, int]:
    """Rows of every table that holds records (not the one-row data version)."""
    return {model.__tablename__: session.exec(select(func.count()).select_from(model)).one()  # type: ignore[attr-defined]
            for model in ALL_TABLES if model is not DataVersion}
