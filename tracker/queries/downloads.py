"""How big the full data is: the rows of each dump table, as its file would hold them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from tracker.dataset.export import created, private_sources, query
from tracker.dataset.tables import TABLES, DumpTable


def row_counts(session: Session, tables: Sequence[DumpTable] = TABLES) -> dict[str, int]:
    """Each dump table's rows (public rows only: the query its file is written from), by name:
    every table's, or those of ``tables``."""
    connection = session.connection()
    hidden = private_sources(connection)
    counts: dict[str, int] = {}
    for table in tables:
        rows = query(table, hidden).order_by(None).subquery()
        counts[table.name] = connection.execute(sa.select(sa.func.count()).select_from(rows)).scalar_one()
    return counts


def last_changed(session: Session) -> datetime | None:
    """When the public data last changed (the dump's ``created``)."""
    return created(session.connection())
