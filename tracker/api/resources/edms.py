"""Early day motions and their signatures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from tracker.api import filters
from tracker.api.declare import Key, Lookup, Related, Resource, ordered
from tracker.api.resources.common import ID, SOURCE, SOURCE_COLUMNS, source_cells, stance_label
from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column
from tracker.models import Edm, EdmSignature, Person, Source, Topic
from tracker.readmodel.evidence import scale_for

EDM_ID = Column("edm_id", "integer", "The motion's number in the House of Commons record "
                                     "(edm.parliament.uk).")
TITLE = COMMON["title"].but(description="The motion's title.")
TABLED = Column("tabled_on", "date", "The day the motion was tabled.")
COUNTED = Column("counts_towards_stance", "boolean", "Whether data/edms.toml ties the motion to a topic "
                 "(then a signature counts as evidence of the stance below).")
TOPIC = COMMON["topic"].but(description="The topic the motion counts towards (empty: not counted).")
STANCE = COMMON["stance"].but(description="What a signature means on that topic (a key of its scale; empty: "
                              "not counted).")
MOTION_URL = Column("url", "url", "The motion's page in the House of Commons record.")

EDM_COLUMNS = (
    EDM_ID, Column("number", "integer", "The motion's number within its session, where known."),
    Column("session", "string", "The parliamentary session (e.g. 2023-24)."), TITLE, TABLED,
    COMMON["person"].but(name="primary_sponsor", description="The primary sponsor's slug (/people/<slug>), "
                         "where we hold them."),
    COUNTED, TOPIC, STANCE, COMMON["stance_label"],
    Column("reason", "string", "Why the motion is or is not counted."),
    Column("signatures", "integer", "Signatures we hold (withdrawn ones included)."),
    MOTION_URL, *SOURCE)


def _counted(r: Any) -> bool:
    return r.topic is not None and r.signing_means is not None


def _edms(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    ids = [r.id for r in rows]
    signed = dict(session.execute(sa.select(EdmSignature.edm_id, sa.func.count())
                                  .where(EdmSignature.edm_id.in_(ids)).group_by(EdmSignature.edm_id)).all())  # type: ignore[attr-defined]
    out = []
    for r in rows:
        counted = _counted(r)
        stance = r.signing_means if counted else None
        out.append(ordered({**r._mapping, "counts_towards_stance": counted,
                            "topic": r.topic if counted else None, "stance": stance,
                            "stance_label": stance_label(scale_for(r.topic) if counted else None, stance),
                            "reason": r.note or None, "signatures": signed.get(r.id, 0), **source_cells(r),
                            "source_url": r.source_url or r.url}, EDM_COLUMNS))
    return out


def _edm_select() -> sa.Select[Any]:
    sponsor = aliased(Person)
    return (sa.select(Edm.id, Edm.edm_id, Edm.number, Edm.session, Edm.title, Edm.tabled_on, Edm.url,
                      Edm.signing_means, Edm.note, sponsor.slug.label("primary_sponsor"),
                      Topic.slug.label("topic"), *SOURCE_COLUMNS)
            .outerjoin(sponsor, sponsor.id == Edm.primary_sponsor_id)
            .outerjoin(Topic, Topic.id == Edm.topic_id)  # type: ignore[arg-type]
            .outerjoin(Source, Source.id == Edm.source_id))  # type: ignore[arg-type]


EDMS = Resource(
    "edms", "early day motion",
    "Early day motions",
    "Every early day motion we hold, oldest first, tracked or not. A tracked one counts towards a stance "
    "(data/edms.toml says what signing it means).",
    EDM_COLUMNS,
    _edm_select,
    _edms,
    order=(Key("date", Edm.tabled_on, "date"), Key("id", Edm.id, "integer")),
    filters=(
        filters.topic(Edm.topic_id, "Only motions counted towards this topic (its slug)."),
        filters.record("person", Person, "person", "/api/v1/people", "Only motions this person signed (their "
                       "slug or id).", lambda pid: sa.exists().where(EdmSignature.edm_id == Edm.id,
                                                                     EdmSignature.person_id == pid),
                       example="tahir-ali"),
        *filters.date_range(Edm.tabled_on, "motions tabled"),
    ),
    lookup=Lookup(Edm.edm_id, None, "The motion's number in the House of Commons record (edm_id).", "61430"),
    related=(Related("signatures", "edms/signatures", "edm", "edm_id", "Every signature we hold."),),
)


# -- signatures --------------------------------------------------------------------------------

SIGNATURE_COLUMNS = (
    ID, EDM_ID, TITLE, *cols("person", "name"),
    Column("role", "string", "How the person signed it.", ("primary sponsor", "co-sponsor", "signatory")),
    TABLED, Column("signed_on_or_after", "date", "The record gives no signature dates: the signature was "
                   "made on or after this day (the tabling date)."),
    Column("withdrawn_on", "date", "The day the signature was withdrawn (empty: never)."),
    COUNTED.but(description=COUNTED.description + " A withdrawn signature counts only until withdrawn_on."),
    TOPIC, STANCE, COMMON["stance_label"], *SOURCE)


def _role(r: Any) -> str:
    return "primary sponsor" if r.is_primary_sponsor else "co-sponsor" if r.is_cosponsor else "signatory"


def _signatures(_session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        counted = _counted(r)
        stance = r.signing_means if counted else None
        out.append(ordered({**r._mapping, "role": _role(r), "signed_on_or_after": r.tabled_on,
                            "counts_towards_stance": counted, "topic": r.topic if counted else None,
                            "stance": stance,
                            "stance_label": stance_label(scale_for(r.topic) if counted else None, stance),
                            **source_cells(r), "source_url": r.source_url or r.url}, SIGNATURE_COLUMNS))
    return out


EDM_SIGNATURES = Resource(
    "edms/signatures", "early day motion signature",
    "Early day motion signatures",
    "Every signature we hold on an early day motion, by motion (oldest tabled first). The record gives no "
    "signature dates: a signature was made on or after the motion's tabling date.",
    SIGNATURE_COLUMNS,
    lambda: (sa.select(EdmSignature.id, EdmSignature.is_primary_sponsor, EdmSignature.is_cosponsor,
                       EdmSignature.withdrawn_on, Edm.edm_id, Edm.title, Edm.tabled_on, Edm.url,
                       Edm.signing_means, Person.slug.label("person"), Person.name.label("name"),
                       Topic.slug.label("topic"), *SOURCE_COLUMNS)
             .join(Edm, Edm.id == EdmSignature.edm_id)  # type: ignore[arg-type]
             .join(Person, Person.id == EdmSignature.person_id)  # type: ignore[arg-type]
             .outerjoin(Topic, Topic.id == Edm.topic_id)  # type: ignore[arg-type]
             .outerjoin(Source, Source.id == Edm.source_id)),  # type: ignore[arg-type]
    _signatures,
    order=(Key("date", Edm.tabled_on, "date"), Key("id", EdmSignature.id, "integer")),
    filters=(
        filters.topic(Edm.topic_id, "Only signatures of motions counted towards this topic (its slug)."),
        filters.record("edm", Edm, "early day motion", "/api/v1/edms", "Only signatures of this motion (its "
                       "edm_id).", lambda eid: EdmSignature.edm_id == eid, by_slug=False, key=Edm.edm_id,
                       example="61430"),
        filters.record("person", Person, "person", "/api/v1/people", "Only this person's signatures (their "
                       "slug or id).", lambda pid: EdmSignature.person_id == pid, example="tahir-ali"),
        *filters.date_range(Edm.tabled_on, "signatures of motions tabled"),
    ),
    lookup=Lookup(EdmSignature.id, None, "The signature's id (the number in edm:<id>).", "1"),
)
