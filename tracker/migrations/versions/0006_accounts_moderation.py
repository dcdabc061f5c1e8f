"""accounts, moderation, pledge links, claims, replies and uploads

- ``user``: the ``representative`` role, ``person_id`` (whom a representative speaks for,
  once verified) and ``last_login_at``.
- ``invitation``: an admin's single-use, expiring invitation (a digest of the token).
- ``record_lock``: a moderator's lock on a record.
- ``evidence``: the kinds ``pledge_refusal`` and ``other``; ``stance`` may be empty (a
  refusal carries none); ``signed_by_person``.
- ``pledge``: ``closes_on``. ``pledge_link``: a candidate's own link to sign or decline.
- ``claim``: a user's claim to speak for a person. ``reply``: the right of reply.
- ``upload``: a campaign list, its rows as matched, until committed.
- ``revision.public``: False for accounts' records and for submissions never approved.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('statement', 'pledge', 'edm', 'party_switch', 'report')"
NEW_KINDS = ("kind IN ('statement', 'pledge', 'pledge_refusal', 'edm', 'party_switch', 'report', "
             "'other')")
OLD_ROLES = "role IN ('contributor', 'moderator', 'admin')"
NEW_ROLES = "role IN ('contributor', 'moderator', 'admin', 'representative')"


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_constraint('ck_user_role', type_='check')
        batch.create_check_constraint('ck_user_role', NEW_ROLES)
        batch.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('last_login_at', UTCDateTime(), nullable=True))
        batch.create_foreign_key('fk_user_person_id', 'person', ['person_id'], ['id'])
        batch.create_index('ix_user_person_id', ['person_id'])
    with op.batch_alter_table('evidence') as batch:
        batch.drop_constraint('ck_evidence_kind', type_='check')
        batch.create_check_constraint('ck_evidence_kind', NEW_KINDS)
        batch.alter_column('stance', existing_type=AutoString(length=40), nullable=True)
        batch.add_column(sa.Column('signed_by_person', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('pledge') as batch:
        batch.add_column(sa.Column('closes_on', sa.Date(), nullable=True))
    with op.batch_alter_table('revision') as batch:
        batch.add_column(sa.Column('public', sa.Boolean(), nullable=False, server_default=sa.true()))

    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', AutoString(length=320), nullable=False),
        sa.Column('role', AutoString(length=20), nullable=False),
        sa.Column('token_hash', AutoString(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(NEW_ROLES, name='ck_invitation_role'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_invitation_email', 'invitation', ['email'])
    op.create_table(
        'record_lock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('table_name', AutoString(length=60), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('reason', AutoString(length=1000), nullable=False),
        sa.Column('locked_by_id', sa.Integer(), nullable=False),
        sa.Column('locked_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['locked_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('table_name', 'record_id', name='uq_record_lock'),
    )
    op.create_table(
        'pledge_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', AutoString(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.Column('answer', AutoString(length=20), nullable=True),
        sa.Column('evidence_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("answer IN ('signed', 'declined')", name='ck_pledge_link_answer'),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_pledge_link_pledge_id', 'pledge_link', ['pledge_id'])
    op.create_index('ix_pledge_link_person_id', 'pledge_link', ['person_id'])
    op.create_table(
        'claim',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('official_email', AutoString(length=320), nullable=False),
        sa.Column('note', AutoString(length=2000), nullable=True),
        sa.Column('status', AutoString(length=20), nullable=False),
        sa.Column('token_hash', AutoString(length=64), nullable=True),
        sa.Column('expires_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('reason', AutoString(length=1000), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'verified', 'rejected')", name='ck_claim_status'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_claim_user_id', 'claim', ['user_id'])
    op.create_index('ix_claim_person_id', 'claim', ['person_id'])
    op.create_table(
        'reply',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('evidence_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('replied_on', sa.Date(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', AutoString(length=20), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', UTCDateTime(), nullable=True),
        sa.Column('review_reason', AutoString(length=1000), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name='ck_reply_status'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['topic_id'], ['topic.id']),
        sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_reply_person_id', 'reply', ['person_id'])
    op.create_index('ix_reply_evidence_id', 'reply', ['evidence_id'])
    op.create_table(
        'upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=True),
        sa.Column('filename', AutoString(length=300), nullable=False),
        sa.Column('status', AutoString(length=20), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('submitted_at', UTCDateTime(), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', UTCDateTime(), nullable=True),
        sa.Column('review_reason', AutoString(length=1000), nullable=True),
        sa.Column('change_set_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('preview', 'submitted', 'committed', 'rejected', 'discarded')",
                           name='ck_upload_status'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.ForeignKeyConstraint(['topic_id'], ['topic.id']),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id']),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['change_set_id'], ['change_set.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_upload_user_id', 'upload', ['user_id'])


def downgrade() -> None:
    for table in ('upload', 'reply', 'claim', 'pledge_link', 'record_lock', 'invitation'):
        op.drop_table(table)
    with op.batch_alter_table('revision') as batch:
        batch.drop_column('public')
    with op.batch_alter_table('pledge') as batch:
        batch.drop_column('closes_on')
    op.execute("DELETE FROM evidence WHERE kind IN ('pledge_refusal', 'other') OR stance IS NULL")
    with op.batch_alter_table('evidence') as batch:
        batch.drop_column('signed_by_person')
        batch.alter_column('stance', existing_type=AutoString(length=40), nullable=False)
        batch.drop_constraint('ck_evidence_kind', type_='check')
        batch.create_check_constraint('ck_evidence_kind', OLD_KINDS)
    op.execute("UPDATE \"user\" SET role = 'contributor' WHERE role = 'representative'")
    with op.batch_alter_table('user') as batch:
        batch.drop_index('ix_user_person_id')
        batch.drop_constraint('fk_user_person_id', type_='foreignkey')
        batch.drop_column('last_login_at')
        batch.drop_column('person_id')
        batch.drop_constraint('ck_user_role', type_='check')
        batch.create_check_constraint('ck_user_role', OLD_ROLES)
