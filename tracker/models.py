"""The domain model: every table of the tracker.

Enumerations are stored as short strings with a CHECK constraint listing the
allowed values, which reads the same on SQLite and PostgreSQL. Stances are not
constrained in the schema: the scale of each topic is data (``data/topics``) and
is checked by the code that writes evidence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name)


AREA_KINDS = ("westminster_constituency", "council", "ward", "devolved_constituency")
BODY_KINDS = ("commons", "council", "devolved")
ELECTION_KINDS = ("general", "by_election", "local")
# "both": listed in both lobbies, a recognised way to abstain; it says nothing on its own.
VOTE_POSITIONS = ("aye", "no", "teller_aye", "teller_no", "no_vote_recorded", "both")
WHIP_POSITIONS = ("aye", "no", "abstain", "free")
DECISION_OUTCOMES = ("agreed", "negatived", "not_put")
# A "pledge_refusal" (declining a campaign's pledge) carries no stance: it never sets one.
EVIDENCE_KINDS = ("statement", "pledge", "pledge_refusal", "edm", "party_switch", "report", "other")
MODERATION_STATUSES = ("pending", "approved", "rejected")
# A representative is a user who speaks for one person (``user.person_id``, once verified).
USER_ROLES = ("contributor", "moderator", "admin", "representative")
CLAIM_STATUSES = ("pending", "sent", "verified", "rejected")
PLEDGE_ANSWERS = ("signed", "declined")
UPLOAD_STATUSES = ("preview", "submitted", "committed", "rejected", "discarded")
REVISION_ACTIONS = ("create", "update", "delete")


class Source(SQLModel, table=True):
    """Where a fact comes from: a web page, an article, a dataset file."""

    id: int | None = Field(default=None, primary_key=True)
    url: str | None = Field(default=None, max_length=1000, unique=True)
    publisher: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=500)
    published_on: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    # A key that lets an importer or the seed loader find its own source again.
    key: str | None = Field(default=None, max_length=200, unique=True)


class Topic(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=200)
    question: str = Field(default="", max_length=500)
    # A digest of the topic's scale file: when it changes, every stance on the topic is rebuilt.
    scale_digest: str | None = Field(default=None, max_length=64)


class Party(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name: str = Field(max_length=200)
    short_name: str | None = Field(default=None, max_length=50)
    colour: str | None = Field(default=None, max_length=7)
    electoral_commission_id: str | None = Field(default=None, max_length=20, unique=True)
    mnis_id: int | None = Field(default=None, unique=True)


class Area(SQLModel, table=True):
    __table_args__ = (
        _one_of("kind", AREA_KINDS, "ck_area_kind"),
        # An index, not a constraint: SQLite adds it without rebuilding the table (and its triggers).
        sa.Index("uq_area_register_code", "register_code", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=150, unique=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=30)
    gss_code: str | None = Field(default=None, max_length=9, unique=True)
    boundary_set: str | None = Field(default=None, max_length=20)
    valid_from: date | None = None
    valid_to: date | None = None
    nation: str | None = Field(default=None, max_length=30)
    region: str | None = Field(default=None, max_length=60)
    electorate: int | None = None
    # A council's county council (two-tier areas), or a ward's council.
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    # Councils: mySociety's register code ("OXF"), type (NMD, UA, CTY...) and other spellings.
    register_code: str | None = Field(default=None, max_length=10)
    council_type: str | None = Field(default=None, max_length=10)
    alt_names: str | None = Field(default=None, sa_type=sa.Text)


class Body(SQLModel, table=True):
    __table_args__ = (_one_of("kind", BODY_KINDS, "ck_body_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=150, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    sort_name: str = Field(max_length=200, index=True)
    slug: str = Field(max_length=150, unique=True)
    parliament_id: int | None = Field(default=None, unique=True)
    twfy_id: int | None = Field(default=None, unique=True)
    democracy_club_id: int | None = Field(default=None, unique=True)
    wikidata_id: str | None = Field(default=None, max_length=20, unique=True)
    gender: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, sa_type=sa.Text)


class Membership(SQLModel, table=True):
    """A person holds a seat in a body from one date to another."""

    __table_args__ = (sa.Index("ix_membership_body_dates", "body_id", "start_date", "end_date"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    body_id: int = Field(foreign_key="body.id")
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    start_date: date | None = None
    end_date: date | None = None
    start_reason: str | None = Field(default=None, max_length=60)
    end_reason: str | None = Field(default=None, max_length=60)
    role: str | None = Field(default=None, max_length=100)
    external_id: str | None = Field(default=None, max_length=120, unique=True)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Affiliation(SQLModel, table=True):
    """A person belongs to a party from one date to another (kept apart from seats)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    party_id: int = Field(foreign_key="party.id", index=True)
    start_date: date | None = None
    end_date: date | None = None
    note: str | None = Field(default=None, max_length=500)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Election(SQLModel, table=True):
    __table_args__ = (_one_of("kind", ELECTION_KINDS, "ck_election_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=150, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    election_date: date
    body_id: int | None = Field(default=None, foreign_key="body.id")
    democracy_club_id: str | None = Field(default=None, max_length=100, unique=True)


class Candidacy(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("election_id", "area_id", "person_id", name="uq_candidacy"),
        sa.CheckConstraint("votes IS NULL OR votes >= 0", name="ck_candidacy_votes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    election_id: int = Field(foreign_key="election.id", index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    # The party as printed on the ballot, e.g. "Labour and Co-operative".
    party_label: str | None = Field(default=None, max_length=200)
    votes: int | None = None
    share: float | None = None
    elected: bool = False
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Division(SQLModel, table=True):
    """A recorded vote of a body; tracked ones say what an aye and a no mean."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=150, unique=True)
    body_id: int = Field(foreign_key="body.id")
    topic_id: int | None = Field(default=None, foreign_key="topic.id", index=True)
    division_date: date = Field(index=True)
    number: int | None = None
    title: str = Field(max_length=500)
    question: str = Field(default="", sa_type=sa.Text)
    plain_summary: str = Field(default="", sa_type=sa.Text)
    aye_means: str | None = Field(default=None, max_length=40)
    no_means: str | None = Field(default=None, max_length=40)
    aye_count: int | None = None
    no_count: int | None = None
    result: str | None = Field(default=None, max_length=500)
    # True once every member's vote is stored; a partial list never implies absence.
    votes_complete: bool = False
    known_gaps: str = Field(default="", sa_type=sa.Text)
    commons_division_id: int | None = Field(default=None, unique=True)
    twfy_gid: str | None = Field(default=None, max_length=120, unique=True)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Vote(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("division_id", "person_id", name="uq_vote_division_person"),
        _one_of("position", VOTE_POSITIONS, "ck_vote_position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    division_id: int = Field(foreign_key="division.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    position: str = Field(max_length=20)
    party_id: int | None = Field(default=None, foreign_key="party.id")
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Pledge(SQLModel, table=True):
    """A campaign's pledge that people can sign."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=150, unique=True)
    topic_id: int = Field(foreign_key="topic.id")
    title: str = Field(max_length=300)
    text: str = Field(sa_type=sa.Text)
    organisation: str = Field(max_length=200)
    url: str | None = Field(default=None, max_length=1000)
    stance: str = Field(max_length=40)
    launched_on: date | None = None  # the campaign opens
    closes_on: date | None = None  # the campaign closes (None: still open)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class User(SQLModel, table=True):
    __table_args__ = (_one_of("role", USER_ROLES, "ck_user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=300)
    role: str = Field(default="contributor", max_length=20)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # The person a representative's account speaks for, set when a moderator verifies the claim.
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    last_login_at: datetime | None = None

    # What Flask-Login asks of a user.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class Evidence(SQLModel, table=True):
    """One dated, sourced fact about a person's (or a party's) stance on a topic.

    Party evidence is the party's official line: context shown beside its
    members, never counted as a member's own stance. Votes in tracked divisions
    are evidence too; they live in ``vote`` and are read from there.
    """

    __table_args__ = (
        _one_of("kind", EVIDENCE_KINDS, "ck_evidence_kind"),
        _one_of("status", MODERATION_STATUSES, "ck_evidence_status"),
        sa.CheckConstraint(
            "(person_id IS NULL) <> (party_id IS NULL)", name="ck_evidence_person_xor_party"
        ),
        sa.Index("ix_evidence_person_topic_status", "person_id", "topic_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="topic.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    kind: str = Field(max_length=20)
    stance: str | None = Field(default=None, max_length=40)  # None only for a pledge refusal
    evidence_date: date = Field(index=True)
    summary: str = Field(sa_type=sa.Text)
    quote: str | None = Field(default=None, sa_type=sa.Text)
    source_id: int = Field(foreign_key="source.id", index=True)
    pledge_id: int | None = Field(default=None, foreign_key="pledge.id", index=True)
    status: str = Field(default="pending", max_length=20)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = None
    review_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    # Lets an importer or the seed loader recognise its own rows on a second run.
    external_key: str | None = Field(default=None, max_length=200, unique=True)
    # Signed (or declined) by the person themselves, through their own pledge link.
    signed_by_person: bool = False


class ChangeSet(SQLModel, table=True):
    """One write: who made it, when it committed, from which source and why.

    Every revision belongs to one change set; history, revert and "as of a date"
    read them. ``committed_at`` is set when the transaction commits.
    """

    __tablename__ = "change_set"  # type: ignore[assignment]

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=120)  # a user's name, or "import:mps", "seed", ...
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    source: str | None = Field(default=None, max_length=1000)
    reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    committed_at: datetime | None = Field(default=None, index=True)


class Revision(SQLModel, table=True):
    """One record's change within a change set: the whole record before and after.

    ``subject_table``/``subject_id`` name what the change is about (a vote is about
    its person, a whip about its division), which history pages list by.
    """

    __table_args__ = (
        _one_of("action", REVISION_ACTIONS, "ck_revision_action"),
        sa.Index("ix_revision_record", "table_name", "record_id"),
        sa.Index("ix_revision_subject", "subject_table", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    change_set_id: int = Field(foreign_key="change_set.id", index=True)
    table_name: str = Field(max_length=60)
    record_id: int
    action: str = Field(max_length=10)
    subject_table: str = Field(max_length=60)
    subject_id: int
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # The row's own source when it differs from the change set's (one file among several).
    source: str | None = Field(default=None, max_length=1000)
    # False for accounts' records and for moderated records never approved (pending,
    # rejected): only moderators see those (tracker.revisions.is_public).
    public: bool = True


class DataVersion(SQLModel, table=True):
    """One row whose number goes up with every committed write: the version of every page."""

    __tablename__ = "data_version"  # type: ignore[assignment]

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime = Field(default_factory=utcnow)
    # When the first load of the public records committed (tracker/asof): set once.
    records_began_at: datetime | None = None


class StancePeriod(SQLModel, table=True):
    """The read model: one stance period of a person on a topic, as the engine built it.

    ``evidence`` holds the items that opened the period (id, date, kind, stance,
    summary, source) so lists can cite them without loading evidence; ``supporting``
    the ids of every item inside it. Rebuilt by the write path, never by readers. Derived
    data, so no foreign keys: their checks would cost more than writing the rows (the write
    path removes a deleted person's rows itself).
    """

    __tablename__ = "stance_period"  # type: ignore[assignment]
    __table_args__ = (
        sa.UniqueConstraint("topic_id", "person_id", "seq", name="uq_stance_period"),
        sa.Index("ix_stance_period_current", "topic_id", "end_date", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int
    person_id: int = Field(index=True)
    seq: int  # 0 is the period before any evidence
    start_date: date | None = None
    end_date: date | None = None  # exclusive; None = current
    stance: str = Field(max_length=40)  # the scale default on a conflict
    conflict: bool = False
    opened_by_end: bool = False
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    supporting: list[str] = Field(default_factory=list, sa_type=JSON)


class StanceShift(SQLModel, table=True):
    __tablename__ = "stance_shift"  # type: ignore[assignment]
    # (person, topic) first: SQLite would otherwise pick the topic index to find one person's rows.
    __table_args__ = (sa.Index("ix_stance_shift_person_topic", "person_id", "topic_id"),
                      sa.Index("ix_stance_shift_topic_date", "topic_id", "shift_date"))

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int
    person_id: int
    shift_date: date
    from_stance: str = Field(max_length=40)
    to_stance: str = Field(max_length=40)
    evidence: list[str] = Field(default_factory=list, sa_type=JSON)


class StanceContradiction(SQLModel, table=True):
    __tablename__ = "stance_contradiction"  # type: ignore[assignment]
    __table_args__ = (sa.Index("ix_stance_contradiction_person_topic", "person_id", "topic_id"),
                      sa.Index("ix_stance_contradiction_topic_date", "topic_id", "did_date"))

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int
    person_id: int
    kind: str = Field(max_length=20)  # "voted_against" | "did_not_vote"
    said_id: str = Field(max_length=60)
    said_date: date
    did_id: str = Field(max_length=60)
    did_date: date
    description: str = Field(sa_type=sa.Text)


class VoteSource(SQLModel, table=True):
    """Every source that reports a vote. ``Vote.source_id`` is the one shown first (the
    official record when we hold it); a press list that named the same vote is kept here,
    never as a second vote."""

    __tablename__ = "vote_source"  # type: ignore[assignment]
    __table_args__ = (sa.UniqueConstraint("vote_id", "source_id", name="uq_vote_source"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)


class Whip(SQLModel, table=True):
    """How a party told its members to vote in a division, where that is known."""

    __table_args__ = (
        sa.UniqueConstraint("division_id", "party_id", name="uq_whip_division_party"),
        _one_of("whip", WHIP_POSITIONS, "ck_whip_whip"),
    )

    id: int | None = Field(default=None, primary_key=True)
    division_id: int = Field(foreign_key="division.id", index=True)
    party_id: int = Field(foreign_key="party.id", index=True)
    whip: str = Field(max_length=10)
    # How we know: "reported by ..." or "the party's own amendment"; shown beside the whip.
    basis: str = Field(default="", sa_type=sa.Text)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Decision(SQLModel, table=True):
    """A question a body decided without a division: no member's individual record exists."""

    __table_args__ = (_one_of("outcome", DECISION_OUTCOMES, "ck_decision_outcome"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=150, unique=True)
    body_id: int = Field(foreign_key="body.id")
    topic_id: int | None = Field(default=None, foreign_key="topic.id", index=True)
    decision_date: date = Field(index=True)
    title: str = Field(max_length=500)
    question: str = Field(default="", sa_type=sa.Text)  # the text decided, as recorded
    outcome: str = Field(max_length=20)
    plain_summary: str = Field(default="", sa_type=sa.Text)
    why_no_record: str = Field(default="", sa_type=sa.Text)
    twfy_gid: str | None = Field(default=None, max_length=120, unique=True)
    motion_gid: str | None = Field(default=None, max_length=120)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class Edm(SQLModel, table=True):
    """An early day motion. Tracked ones (``data/edms.toml``) say what signing means."""

    id: int | None = Field(default=None, primary_key=True)
    edm_id: int = Field(unique=True)  # the EDM website and API id (not the session number)
    number: int | None = None  # the number within its session, where known
    session: str | None = Field(default=None, max_length=20)
    title: str = Field(max_length=500)
    tabled_on: date = Field(index=True)
    url: str | None = Field(default=None, max_length=1000)
    primary_sponsor_id: int | None = Field(default=None, foreign_key="person.id")
    topic_id: int | None = Field(default=None, foreign_key="topic.id", index=True)
    signing_means: str | None = Field(default=None, max_length=40)  # a stance key, or None
    note: str = Field(default="", sa_type=sa.Text)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class EdmSignature(SQLModel, table=True):
    """A member's signature on an EDM. The source gives no signature date: a signature was
    made on or after the motion's tabling date; a withdrawn one ends on ``withdrawn_on``."""

    __tablename__ = "edm_signature"  # type: ignore[assignment]
    __table_args__ = (sa.UniqueConstraint("edm_id", "person_id", name="uq_edm_signature"),)

    id: int | None = Field(default=None, primary_key=True)
    edm_id: int = Field(foreign_key="edm.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    is_primary_sponsor: bool = False
    is_cosponsor: bool = False
    withdrawn_on: date | None = None
    source_id: int | None = Field(default=None, foreign_key="source.id")


class PersonName(SQLModel, table=True):
    """A spelling of a person's name that a source used, and where it came from."""

    __tablename__ = "person_name"  # type: ignore[assignment]
    __table_args__ = (sa.UniqueConstraint("person_id", "name", "origin", name="uq_person_name"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    name: str = Field(max_length=200, index=True)
    # The dataset that used it: "commons-votes", "members-api", "hoc-library", "twfy", ...
    origin: str = Field(max_length=60)
    official: bool = False  # a UK Parliament source: the display name comes from these
    used_on: date | None = None  # the latest day that source is known to have used the name
    source_id: int | None = Field(default=None, foreign_key="source.id")


class AreaOverlap(SQLModel, table=True):
    """A council overlaps a constituency; ``share`` is the fraction of the council in it."""

    __tablename__ = "area_overlap"  # type: ignore[assignment]
    __table_args__ = (sa.UniqueConstraint("area_id", "overlaps_id", name="uq_area_overlap"),)

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)  # the council
    overlaps_id: int = Field(foreign_key="area.id", index=True)  # the constituency
    share: float | None = None  # None when not known (a county, through its districts)
    basis: str = Field(default="", max_length=300)
    source_id: int | None = Field(default=None, foreign_key="source.id")


class PostcodeLookup(SQLModel, table=True):
    """postcodes.io answers, cached so a postcode is asked for once."""

    postcode: str = Field(primary_key=True, max_length=8)
    found: bool
    gss_code: str | None = Field(default=None, max_length=9)
    constituency_name: str | None = Field(default=None, max_length=200)
    fetched_at: datetime = Field(default_factory=utcnow)


class Invitation(SQLModel, table=True):
    """An admin's single-use, expiring invitation to open an account with a role.

    Only a digest of the token is stored: the link itself is shown once and emailed.
    """

    __table_args__ = (_one_of("role", USER_ROLES, "ck_invitation_role"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    role: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    user_id: int | None = Field(default=None, foreign_key="user.id")


class RecordLock(SQLModel, table=True):
    """A moderator's lock: the record takes no edits, and no submission about it goes
    live without review, until it is unlocked (the row deleted)."""

    __tablename__ = "record_lock"  # type: ignore[assignment]
    __table_args__ = (sa.UniqueConstraint("table_name", "record_id", name="uq_record_lock"),)

    id: int | None = Field(default=None, primary_key=True)
    table_name: str = Field(max_length=60)
    record_id: int
    reason: str = Field(max_length=1000)
    locked_by_id: int = Field(foreign_key="user.id")
    locked_at: datetime = Field(default_factory=utcnow)


class PledgeLink(SQLModel, table=True):
    """A personal, single-use, expiring link through which a candidate signs or declines
    a campaign's pledge (a digest of the token is stored, as for invitations)."""

    __tablename__ = "pledge_link"  # type: ignore[assignment]
    __table_args__ = (_one_of("answer", PLEDGE_ANSWERS, "ck_pledge_link_answer"),)

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    answer: str | None = Field(default=None, max_length=20)
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")


class Claim(SQLModel, table=True):
    """A user's claim to speak for a person, verified by a link sent to an official address."""

    __table_args__ = (_one_of("status", CLAIM_STATUSES, "ck_claim_status"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    official_email: str = Field(max_length=320)
    note: str | None = Field(default=None, max_length=2000)
    status: str = Field(default="pending", max_length=20)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = None
    reason: str | None = Field(default=None, max_length=1000)


class Reply(SQLModel, table=True):
    """A person's own dated, signed response (right of reply) to one piece of evidence or to
    their stance on a topic as a whole. Moderated; it never changes a stance."""

    __table_args__ = (_one_of("status", MODERATION_STATUSES, "ck_reply_status"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    topic_id: int | None = Field(default=None, foreign_key="topic.id")
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id", index=True)
    body: str = Field(sa_type=sa.Text)
    replied_on: date
    user_id: int = Field(foreign_key="user.id")
    status: str = Field(default="pending", max_length=20)
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = None
    review_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class Upload(SQLModel, table=True):
    """A campaign list uploaded as CSV or XLSX: its rows as matched (kept for the preview
    and the moderator), committed all at once as one change set."""

    __table_args__ = (_one_of("status", UPLOAD_STATUSES, "ck_upload_status"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    topic_id: int = Field(foreign_key="topic.id")
    pledge_id: int | None = Field(default=None, foreign_key="pledge.id")
    filename: str = Field(max_length=300)
    status: str = Field(default="preview", max_length=20)
    rows: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = None
    review_reason: str | None = Field(default=None, max_length=1000)
    change_set_id: int | None = Field(default=None, foreign_key="change_set.id")


ALL_TABLES: tuple[type[SQLModel], ...] = (
    Source, Topic, Party, Area, Body, Person, Membership, Affiliation, Election,
    Candidacy, Division, Vote, Pledge, User, Evidence, ChangeSet, Revision, PostcodeLookup,
    VoteSource, Whip, Decision, Edm, EdmSignature, PersonName, AreaOverlap, DataVersion,
    StancePeriod, StanceShift, StanceContradiction,
    Invitation, RecordLock, PledgeLink, Claim, Reply, Upload,
)
