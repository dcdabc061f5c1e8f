"""when the site's records began

``data_version.records_began_at``: when the first load of the public records (an import,
the snapshot, the seeds) committed. A page "as of" an earlier day shows the records as
that first load left them, limited to what is dated on or before the day
(tracker/asof). Set once, by the first import to commit; a database loaded before this
column takes its last import committed before any change made by a person.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('data_version') as batch:
        batch.add_column(sa.Column('records_began_at', UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE data_version SET records_began_at = ("
        " SELECT max(committed_at) FROM change_set WHERE user_id IS NULL AND committed_at IS NOT NULL"
        " AND committed_at <= coalesce((SELECT min(committed_at) FROM change_set"
        "  WHERE user_id IS NOT NULL), committed_at))"
        " WHERE id = 1")


def downgrade() -> None:
    with op.batch_alter_table('data_version') as batch:
        batch.drop_column('records_began_at')
