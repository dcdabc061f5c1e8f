"""complete records: vote sources, whips, decisions, EDMs, names, council overlaps

Also allows the vote position "both" (listed in both lobbies). The area table is
changed with plain ADD COLUMN / CREATE INDEX, never a batch rebuild, so the
search triggers of 0002 stay in place.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 14:26:12.567629
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OLD_POSITIONS = "'aye', 'no', 'teller_aye', 'teller_no', 'no_vote_recorded'"
NEW_POSITIONS = OLD_POSITIONS + ", 'both'"


def _vote_positions(allowed: str) -> None:
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_constraint('ck_vote_position', type_='check')
        batch_op.create_check_constraint('ck_vote_position', f"position IN ({allowed})")


def upgrade() -> None:
    op.create_table('area_overlap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('overlaps_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.Float(), nullable=True),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['overlaps_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('area_id', 'overlaps_id', name='uq_area_overlap')
    )
    with op.batch_alter_table('area_overlap', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_overlap_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_overlap_overlaps_id'), ['overlaps_id'], unique=False)

    op.create_table('edm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edm_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('session', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('tabled_on', sa.Date(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('primary_sponsor_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('signing_means', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['primary_sponsor_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edm_id')
    )
    with op.batch_alter_table('edm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edm_tabled_on'), ['tabled_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_edm_topic_id'), ['topic_id'], unique=False)

    op.create_table('person_name',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('official', sa.Boolean(), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'name', 'origin', name='uq_person_name')
    )
    with op.batch_alter_table('person_name', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_person_id'), ['person_id'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('plain_summary', sa.Text(), nullable=False),
    sa.Column('why_no_record', sa.Text(), nullable=False),
    sa.Column('twfy_gid', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('motion_gid', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("outcome IN ('agreed', 'negatived', 'not_put')", name='ck_decision_outcome'),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug'),
    sa.UniqueConstraint('twfy_gid')
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_decision_date'), ['decision_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_topic_id'), ['topic_id'], unique=False)

    op.create_table('edm_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edm_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('is_primary_sponsor', sa.Boolean(), nullable=False),
    sa.Column('is_cosponsor', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['edm_id'], ['edm.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edm_id', 'person_id', name='uq_edm_signature')
    )
    with op.batch_alter_table('edm_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edm_signature_edm_id'), ['edm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_edm_signature_person_id'), ['person_id'], unique=False)

    op.create_table('whip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('whip', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("whip IN ('aye', 'no', 'abstain', 'free')", name='ck_whip_whip'),
    sa.ForeignKeyConstraint(['division_id'], ['division.id'], ),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('division_id', 'party_id', name='uq_whip_division_party')
    )
    with op.batch_alter_table('whip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whip_division_id'), ['division_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_whip_party_id'), ['party_id'], unique=False)

    op.create_table('vote_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vote_id', 'source_id', name='uq_vote_source')
    )
    with op.batch_alter_table('vote_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_source_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_source_vote_id'), ['vote_id'], unique=False)

    op.add_column('area', sa.Column('register_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
    op.add_column('area', sa.Column('council_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
    op.add_column('area', sa.Column('alt_names', sa.Text(), nullable=True))
    op.create_index('uq_area_register_code', 'area', ['register_code'], unique=True)
    _vote_positions(NEW_POSITIONS)


def downgrade() -> None:
    op.drop_index('uq_area_register_code', 'area')
    op.drop_column('area', 'alt_names')
    op.drop_column('area', 'council_type')
    op.drop_column('area', 'register_code')

    with op.batch_alter_table('vote_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_source_vote_id'))
        batch_op.drop_index(batch_op.f('ix_vote_source_source_id'))

    op.drop_table('vote_source')
    with op.batch_alter_table('whip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whip_party_id'))
        batch_op.drop_index(batch_op.f('ix_whip_division_id'))

    op.drop_table('whip')
    with op.batch_alter_table('edm_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edm_signature_person_id'))
        batch_op.drop_index(batch_op.f('ix_edm_signature_edm_id'))

    op.drop_table('edm_signature')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_topic_id'))
        batch_op.drop_index(batch_op.f('ix_decision_decision_date'))

    op.drop_table('decision')
    with op.batch_alter_table('person_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_name_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_name_name'))

    op.drop_table('person_name')
    with op.batch_alter_table('edm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edm_topic_id'))
        batch_op.drop_index(batch_op.f('ix_edm_tabled_on'))

    op.drop_table('edm')
    with op.batch_alter_table('area_overlap', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_overlap_overlaps_id'))
        batch_op.drop_index(batch_op.f('ix_area_overlap_area_id'))

    op.drop_table('area_overlap')
    # After vote_source is gone: a "both" vote cannot be stored before this revision.
    op.execute("DELETE FROM vote WHERE position = 'both'")
    _vote_positions(OLD_POSITIONS)
