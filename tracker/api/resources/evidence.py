"""Evidence (approved only) and the right of reply (approved responses only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker import clock
from tracker.api import filters
from tracker.api.declare import Key, Lookup, Related, Resource, ordered
from tracker.api.resources.common import (
    ID,
    PAGE,
    SOURCE,
    SOURCE_COLUMNS,
    page,
    source_cells,
    stance_label,
    utc,
)
from tracker.exports.columns import COMMON, cols
from tracker.exports.pledges import BY_PERSON
from tracker.exports.replies import replies_table
from tracker.exports.schema import Column
from tracker.models import EVIDENCE_KINDS, Affiliation, Evidence, Party, Person, Pledge, Reply, Source, Topic
from tracker.readmodel.evidence import scale_for

EVIDENCE_COLUMNS = (
    ID,
    Column("evidence", "string", "The evidence's id as the stance tables name it (evidence:<id>)."),
    *cols(COMMON["person"].but(description="The person the evidence is about (/people/<slug>); empty for a "
                               "party's official line."),
          "name",
          COMMON["party_slug"].but(description="For a party's official line (context, never a member's own "
                                   "stance), the party's slug; empty for a person's evidence."),
          "topic", COMMON["date"].but(description="The day it happened (said, signed, left)."),
          COMMON["kind"].but(values=EVIDENCE_KINDS, description="What kind of evidence: a statement, a "
                             "pledge signature or refusal, an early day motion, leaving a party over the "
                             "topic, or a second-hand report. Votes are in /api/v1/votes."),
          COMMON["stance"].but(description="The stance it records (a key of the topic's scale); empty for a "
                               "pledge refusal, which sets none."),
          "stance_label", "summary", "quote",
          COMMON["pledge"].but(description="For a pledge signature or refusal, the campaign's slug "
                               "(/api/v1/campaigns/<slug>)."),
          BY_PERSON, *SOURCE, PAGE))


def _evidence_select() -> sa.Select[Any]:
    return (sa.select(Evidence.id, Evidence.kind, Evidence.stance, Evidence.evidence_date, Evidence.summary,
                      Evidence.quote, Evidence.signed_by_person, Person.slug.label("person"),
                      Person.name.label("name"), Party.slug.label("party_slug"), Topic.slug.label("topic"),
                      Pledge.slug.label("pledge"), *SOURCE_COLUMNS)
            .join(Topic, Topic.id == Evidence.topic_id)  # type: ignore[arg-type]
            .join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
            .outerjoin(Person, Person.id == Evidence.person_id)  # type: ignore[arg-type]
            .outerjoin(Party, Party.id == Evidence.party_id)  # type: ignore[arg-type]
            .outerjoin(Pledge, Pledge.id == Evidence.pledge_id)  # type: ignore[arg-type]
            .where(Evidence.status == "approved"))


def _evidence(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        where = f"/people/{r.person}" if r.person else f"/parties/{r.party_slug}" if r.party_slug else None
        out.append(ordered({**r._mapping, "evidence": f"evidence:{r.id}", "date": r.evidence_date,
                            "stance_label": stance_label(scale_for(r.topic), r.stance), **source_cells(r),
                            "page": page(where)}, EVIDENCE_COLUMNS))
    return out


def _party(party_id: int) -> sa.ColumnElement[bool]:
    """A party's own line, or evidence about someone whose party today is that party."""
    day = clock.today()
    member = sa.exists().where(
        Affiliation.person_id == Evidence.person_id, Affiliation.party_id == party_id,
        sa.or_(Affiliation.start_date.is_(None), Affiliation.start_date <= day),  # type: ignore[union-attr, operator]
        sa.or_(Affiliation.end_date.is_(None), Affiliation.end_date > day))  # type: ignore[union-attr, operator]
    return sa.or_(Evidence.party_id == party_id, member)


EVIDENCE = Resource(
    "evidence", "evidence",
    "Evidence",
    "Every piece of approved evidence about a person's (or a party's) stance on a topic, oldest first, with "
    "its source: statements, pledge signatures and refusals, early day motions, leaving a party, reports. "
    "Submissions waiting for review, and rejected ones, are never here. Votes are in /api/v1/votes, early "
    "day motion signatures in /api/v1/edms/signatures.",
    EVIDENCE_COLUMNS,
    _evidence_select,
    _evidence,
    order=(Key("date", Evidence.evidence_date, "date"), Key("id", Evidence.id, "integer")),
    filters=(
        filters.topic(Evidence.topic_id),
        filters.stance(lambda key: Evidence.stance == key, "Only evidence recording this stance (a key of "
                       "the topic's scale)."),
        filters.choice("kind", EVIDENCE_KINDS, "Only evidence of this kind.", lambda k: Evidence.kind == k,
                       example="statement"),
        filters.record("person", Person, "person", "/api/v1/people", "Only evidence about this person (their "
                       "slug or id).", lambda pid: Evidence.person_id == pid, example="tahir-ali"),
        filters.record("party", Party, "party", "/api/v1/parties", "Only the party's own official line, and "
                       "evidence about people whose party today (the as_of day, with as_of) is this one.",
                       _party, example="labour"),
        filters.record("pledge", Pledge, "campaign", "/api/v1/campaigns", "Only signatures and refusals of "
                       "this pledge campaign (its slug or id).", lambda pid: Evidence.pledge_id == pid),
        *filters.date_range(Evidence.evidence_date, "evidence dated"),
    ),
    lookup=Lookup(Evidence.id, None, "The evidence's id (the number in evidence:<id>).", "1"),
    related=(Related("replies", "replies", "evidence", "id", "The person's responses to this evidence."),),
)


# -- the right of reply ----------------------------------------------------------------------

REPLY_COLUMNS = (ID, *replies_table(lambda _: ()).columns)


def _replies(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        answers = r.evidence_number is not None
        out.append(ordered({**r._mapping, "reply": r.id, "responds_to": "evidence" if answers else "stance",
                            "evidence_id": f"evidence:{r.evidence_number}" if answers else None,
                            "approved_at": utc(r.reviewed_at)}, REPLY_COLUMNS))
    return out


REPLIES = Resource(
    "replies", "reply",
    "Replies",
    "People's own responses (right of reply) to a piece of evidence about them or to their stance on a "
    "topic as a whole, oldest first: their words, approved by a moderator. A response never changes a "
    "stance. Responses waiting for review, rejected ones, and responses to evidence that is not public are "
    "never here.",
    REPLY_COLUMNS,
    lambda: (sa.select(Reply.id, Reply.replied_on, Reply.body, Reply.reviewed_at,
                       Person.slug.label("person"), Person.name.label("signed_by"), Topic.slug.label("topic"),
                       Evidence.id.label("evidence_number"), Evidence.evidence_date.label("evidence_date"),
                       Evidence.summary.label("evidence_summary"))
             .join(Person, Person.id == Reply.person_id)  # type: ignore[arg-type]
             .join(Topic, Topic.id == Reply.topic_id)  # type: ignore[arg-type]
             .outerjoin(Evidence, Evidence.id == Reply.evidence_id)  # type: ignore[arg-type]
             .where(Reply.status == "approved",
                    sa.or_(Reply.evidence_id.is_(None), Evidence.status == "approved"))),  # type: ignore[union-attr]
    _replies,
    order=(Key("date", Reply.replied_on, "date"), Key("id", Reply.id, "integer")),
    filters=(
        filters.topic(Reply.topic_id),
        filters.record("person", Person, "person", "/api/v1/people", "Only this person's responses (their "
                       "slug or id).", lambda pid: Reply.person_id == pid, example="tahir-ali"),
        filters.record("evidence", Evidence, "piece of evidence", "/api/v1/evidence", "Only responses to "
                       "this piece of evidence (its id).", lambda eid: Reply.evidence_id == eid,
                       by_slug=False, visible=Evidence.status == "approved"),
        *filters.date_range(Reply.replied_on, "responses signed"),
    ),
    lookup=Lookup(Reply.id, None, "The response's number.", "1"),
)
