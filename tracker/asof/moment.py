"""Which moment a page "as of" a day shows, and when the site's records began."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tracker.models import ChangeSet, DataVersion


@dataclass(frozen=True)
class AsOf:
    """A page as it stood at the end of ``day`` (UTC).

    ``records_began``: when the first load of the public records committed. For a day
    before it there is no earlier state of the site to show: the page shows the records
    as that first load left them, limited to what is dated on or before the day, and
    says so (:attr:`before_records`).
    """

    day: date
    records_began: datetime | None = None

    @property
    def end_of_day(self) -> datetime:
        return datetime.combine(self.day + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def before_records(self) -> bool:
        return self.records_began is not None and self.records_began >= self.end_of_day

    @property
    def moment(self) -> datetime:
        """Change sets committed after this are undone."""
        if self.records_began is not None and self.before_records:
            return self.records_began
        return self.end_of_day


def records_began(connection: Connection) -> datetime | None:
    began = connection.execute(
        sa.select(DataVersion.records_began_at).where(DataVersion.id == 1)).scalar()
    if began is not None and began.tzinfo is None:
        began = began.replace(tzinfo=UTC)
    return began


def last_change_set(connection: Connection, moment: datetime) -> int:
    """The newest change set committed by ``moment`` (0 when none): what an as-of copy holds."""
    return connection.execute(sa.select(sa.func.coalesce(sa.func.max(ChangeSet.id), 0)).where(
        ChangeSet.committed_at <= moment)).scalar_one()  # type: ignore[operator]


def mark_records_began(connection: Connection) -> None:
    """After a load commits: the first one to do so marks when the records began."""
    newest = sa.select(sa.func.max(ChangeSet.committed_at)).scalar_subquery()
    connection.execute(sa.update(DataVersion).where(
        DataVersion.id == 1, DataVersion.records_began_at.is_(None)).values(  # type: ignore[union-attr]
        records_began_at=newest))
