"""change sets, full revisions, the data version and the stance read model

- ``change_set``: who, when it committed, source, reason. Every revision now
  belongs to one; the revision's actor, user, reason and time move there.
  Existing revisions are grouped into one change set per (actor, user, reason),
  dated by their first and last revision; their subject is the record itself.
- ``revision`` gains ``subject_table``/``subject_id`` (what the change is about).
- ``data_version``: one row whose number goes up with every committed write.
- ``stance_period``, ``stance_shift``, ``stance_contradiction``: the read model,
  filled by ``tracker stances rebuild`` (``tracker db upgrade`` runs it when a
  topic's stances were never built). ``topic.scale_digest`` says for which
  version of the topic's scale they were built.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 17:40:00
"""
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'change_set',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor', AutoString(length=120), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('source', AutoString(length=1000), nullable=True),
        sa.Column('reason', AutoString(length=1000), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('committed_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_change_set_user_id', 'change_set', ['user_id'])
    op.create_index('ix_change_set_committed_at', 'change_set', ['committed_at'])

    with op.batch_alter_table('revision') as batch:
        batch.add_column(sa.Column('change_set_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('subject_table', AutoString(length=60), nullable=True))
        batch.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
    _group_old_revisions()
    with op.batch_alter_table('revision') as batch:
        batch.alter_column('change_set_id', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('subject_table', existing_type=AutoString(length=60), nullable=False)
        batch.alter_column('subject_id', existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key('fk_revision_change_set_id', 'change_set', ['change_set_id'], ['id'])
        batch.drop_index('ix_revision_created_at')
        batch.drop_column('created_at')
        batch.drop_column('actor')
        batch.drop_column('reason')
        if op.get_bind().dialect.name == 'postgresql':
            batch.drop_constraint('revision_user_id_fkey', type_='foreignkey')
        batch.drop_column('user_id')
        batch.create_index('ix_revision_change_set_id', ['change_set_id'])
        batch.create_index('ix_revision_subject', ['subject_table', 'subject_id'])

    op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changed_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(sa.table('data_version', sa.column('id'), sa.column('version'),
                            sa.column('changed_at', UTCDateTime())),
                   [{'id': 1, 'version': 1, 'changed_at': datetime.now(UTC)}])

    op.add_column('topic', sa.Column('scale_digest', AutoString(length=64), nullable=True))

    op.create_table(
        'stance_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('stance', AutoString(length=40), nullable=False),
        sa.Column('conflict', sa.Boolean(), nullable=False),
        sa.Column('opened_by_end', sa.Boolean(), nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('supporting', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('topic_id', 'person_id', 'seq', name='uq_stance_period'),
    )
    op.create_index('ix_stance_period_person_id', 'stance_period', ['person_id'])
    op.create_index('ix_stance_period_current', 'stance_period', ['topic_id', 'end_date', 'person_id'])
    op.create_table(
        'stance_shift',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('shift_date', sa.Date(), nullable=False),
        sa.Column('from_stance', AutoString(length=40), nullable=False),
        sa.Column('to_stance', AutoString(length=40), nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_stance_shift_person_topic', 'stance_shift', ['person_id', 'topic_id'])
    op.create_index('ix_stance_shift_topic_date', 'stance_shift', ['topic_id', 'shift_date'])
    op.create_table(
        'stance_contradiction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', AutoString(length=20), nullable=False),
        sa.Column('said_id', AutoString(length=60), nullable=False),
        sa.Column('said_date', sa.Date(), nullable=False),
        sa.Column('did_id', AutoString(length=60), nullable=False),
        sa.Column('did_date', sa.Date(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_stance_contradiction_person_topic', 'stance_contradiction', ['person_id', 'topic_id'])
    op.create_index('ix_stance_contradiction_topic_date', 'stance_contradiction', ['topic_id', 'did_date'])


def _group_old_revisions() -> None:
    """One change set per (actor, user, reason) of the revisions already stored."""
    bind = op.get_bind()
    groups = bind.execute(sa.text(
        "SELECT actor, user_id, reason, MIN(created_at), MAX(created_at) FROM revision "
        "GROUP BY actor, user_id, reason ORDER BY MIN(id)")).all()
    for actor, user_id, reason, first, last in groups:
        new_id = bind.execute(sa.text(
            "INSERT INTO change_set (actor, user_id, reason, created_at, committed_at) "
            "VALUES (:actor, :user_id, :reason, :first, :last) RETURNING id"),
            {"actor": actor, "user_id": user_id, "reason": reason, "first": first, "last": last},
        ).scalar_one()
        bind.execute(sa.text(
            "UPDATE revision SET change_set_id = :cs WHERE actor = :actor "
            "AND user_id IS NOT DISTINCT FROM :user_id AND reason IS NOT DISTINCT FROM :reason"
            if bind.dialect.name == 'postgresql' else
            "UPDATE revision SET change_set_id = :cs WHERE actor = :actor "
            "AND user_id IS :user_id AND reason IS :reason"),
            {"cs": new_id, "actor": actor, "user_id": user_id, "reason": reason})
    bind.execute(sa.text("UPDATE revision SET subject_table = table_name, subject_id = record_id"))


def downgrade() -> None:
    for table in ('stance_contradiction', 'stance_shift', 'stance_period', 'data_version'):
        op.drop_table(table)
    op.drop_column('topic', 'scale_digest')
    with op.batch_alter_table('revision') as batch:
        batch.add_column(sa.Column('actor', AutoString(length=120), nullable=True))
        batch.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('reason', AutoString(length=1000), nullable=True))
        batch.add_column(sa.Column('created_at', UTCDateTime(), nullable=True))
    op.execute("UPDATE revision SET actor = (SELECT actor FROM change_set WHERE change_set.id = "
               "revision.change_set_id), user_id = (SELECT user_id FROM change_set WHERE "
               "change_set.id = revision.change_set_id), reason = (SELECT reason FROM change_set "
               "WHERE change_set.id = revision.change_set_id), created_at = (SELECT COALESCE("
               "committed_at, created_at) FROM change_set WHERE change_set.id = revision.change_set_id)")
    with op.batch_alter_table('revision') as batch:
        batch.alter_column('actor', existing_type=AutoString(length=120), nullable=False)
        batch.alter_column('created_at', existing_type=UTCDateTime(), nullable=False)
        batch.create_foreign_key('revision_user_id_fkey', 'user', ['user_id'], ['id'])
        batch.create_index('ix_revision_created_at', ['created_at'])
        batch.drop_index('ix_revision_subject')
        batch.drop_index('ix_revision_change_set_id')
        batch.drop_constraint('fk_revision_change_set_id', type_='foreignkey')
        batch.drop_column('subject_id')
        batch.drop_column('subject_table')
        batch.drop_column('change_set_id')
    op.drop_table('change_set')
