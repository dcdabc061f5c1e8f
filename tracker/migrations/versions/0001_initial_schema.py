"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 23:46:50.277251
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('gss_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True),
    sa.Column('boundary_set', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('nation', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('electorate', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('westminster_constituency', 'council', 'ward', 'devolved_constituency')", name='ck_area_kind'),
    sa.ForeignKeyConstraint(['parent_id'], ['area.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('gss_code'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_parent_id'), ['parent_id'], unique=False)

    op.create_table('party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('colour', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.Column('electoral_commission_id', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('mnis_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('electoral_commission_id'),
    sa.UniqueConstraint('mnis_id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sort_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('parliament_id', sa.Integer(), nullable=True),
    sa.Column('twfy_id', sa.Integer(), nullable=True),
    sa.Column('democracy_club_id', sa.Integer(), nullable=True),
    sa.Column('wikidata_id', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('democracy_club_id'),
    sa.UniqueConstraint('parliament_id'),
    sa.UniqueConstraint('slug'),
    sa.UniqueConstraint('twfy_id'),
    sa.UniqueConstraint('wikidata_id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_sort_name'), ['sort_name'], unique=False)

    op.create_table('postcodelookup',
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('gss_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=True),
    sa.Column('constituency_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('postcode')
    )
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'),
    sa.UniqueConstraint('url')
    )
    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("role IN ('contributor', 'moderator', 'admin')", name='ck_user_role'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('affiliation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affiliation_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliation_person_id'), ['person_id'], unique=False)

    op.create_table('body',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('commons', 'council', 'devolved')", name='ck_body_kind'),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_area_id'), ['area_id'], unique=False)

    op.create_table('pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('stance', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('launched_on', sa.Date(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.CheckConstraint("action IN ('create', 'update', 'delete')", name='ck_revision_action'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_revision_record', ['table_name', 'record_id'], unique=False)

    op.create_table('division',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('division_date', sa.Date(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('plain_summary', sa.Text(), nullable=False),
    sa.Column('aye_means', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('no_means', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('aye_count', sa.Integer(), nullable=True),
    sa.Column('no_count', sa.Integer(), nullable=True),
    sa.Column('result', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('votes_complete', sa.Boolean(), nullable=False),
    sa.Column('known_gaps', sa.Text(), nullable=False),
    sa.Column('commons_division_id', sa.Integer(), nullable=True),
    sa.Column('twfy_gid', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commons_division_id'),
    sa.UniqueConstraint('slug'),
    sa.UniqueConstraint('twfy_gid')
    )
    with op.batch_alter_table('division', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_division_division_date'), ['division_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_division_topic_id'), ['topic_id'], unique=False)

    op.create_table('election',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('election_date', sa.Date(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('democracy_club_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.CheckConstraint("kind IN ('general', 'by_election', 'local')", name='ck_election_kind'),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('democracy_club_id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('stance', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('evidence_date', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('review_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('external_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('statement', 'pledge', 'edm', 'party_switch', 'report')", name='ck_evidence_kind'),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name='ck_evidence_status'),
    sa.CheckConstraint('(person_id IS NULL) <> (party_id IS NULL)', name='ck_evidence_person_xor_party'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_key')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_evidence_date'), ['evidence_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_party_id'), ['party_id'], unique=False)
        batch_op.create_index('ix_evidence_person_topic_status', ['person_id', 'topic_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_pledge_id'), ['pledge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_source_id'), ['source_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('start_reason', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], ),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('external_id')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_area_id'), ['area_id'], unique=False)
        batch_op.create_index('ix_membership_body_dates', ['body_id', 'start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_person_id'), ['person_id'], unique=False)

    op.create_table('candidacy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('party_label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('votes', sa.Integer(), nullable=True),
    sa.Column('share', sa.Float(), nullable=True),
    sa.Column('elected', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('votes IS NULL OR votes >= 0', name='ck_candidacy_votes'),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], ),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('election_id', 'area_id', 'person_id', name='uq_candidacy')
    )
    with op.batch_alter_table('candidacy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidacy_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacy_election_id'), ['election_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacy_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacy_person_id'), ['person_id'], unique=False)

    op.create_table('vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("position IN ('aye', 'no', 'teller_aye', 'teller_no', 'no_vote_recorded')", name='ck_vote_position'),
    sa.ForeignKeyConstraint(['division_id'], ['division.id'], ),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('division_id', 'person_id', name='uq_vote_division_person')
    )
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_division_id'), ['division_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_person_id'))
        batch_op.drop_index(batch_op.f('ix_vote_division_id'))

    op.drop_table('vote')
    with op.batch_alter_table('candidacy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidacy_person_id'))
        batch_op.drop_index(batch_op.f('ix_candidacy_party_id'))
        batch_op.drop_index(batch_op.f('ix_candidacy_election_id'))
        batch_op.drop_index(batch_op.f('ix_candidacy_area_id'))

    op.drop_table('candidacy')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_person_id'))
        batch_op.drop_index(batch_op.f('ix_membership_party_id'))
        batch_op.drop_index('ix_membership_body_dates')
        batch_op.drop_index(batch_op.f('ix_membership_area_id'))

    op.drop_table('membership')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_source_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_pledge_id'))
        batch_op.drop_index('ix_evidence_person_topic_status')
        batch_op.drop_index(batch_op.f('ix_evidence_party_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_evidence_date'))

    op.drop_table('evidence')
    op.drop_table('election')
    with op.batch_alter_table('division', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_division_topic_id'))
        batch_op.drop_index(batch_op.f('ix_division_division_date'))

    op.drop_table('division')
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index('ix_revision_record')
        batch_op.drop_index(batch_op.f('ix_revision_created_at'))

    op.drop_table('revision')
    op.drop_table('pledge')
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_body_area_id'))

    op.drop_table('body')
    with op.batch_alter_table('affiliation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affiliation_person_id'))
        batch_op.drop_index(batch_op.f('ix_affiliation_party_id'))

    op.drop_table('affiliation')
    op.drop_table('user')
    op.drop_table('topic')
    op.drop_table('source')
    op.drop_table('postcodelookup')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_sort_name'))
        batch_op.drop_index(batch_op.f('ix_person_name'))

    op.drop_table('person')
    op.drop_table('party')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_parent_id'))
        batch_op.drop_index(batch_op.f('ix_area_name'))

    op.drop_table('area')
