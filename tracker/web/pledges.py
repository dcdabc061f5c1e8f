"""Pledge campaign pages: the pledge, the stance it implies, and who signed it and when."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, abort

from tracker.db import get_session
from tracker.queries import pledges as q
from tracker.queries.parties import STANCE_COLUMNS, ListedStance, person_stances
from tracker.queries.stances import scale_for, source_label
from tracker.stance import Scale
from tracker.web.parties import only_requested, plausible_slug
from tracker.web.twins import Table, page

bp = Blueprint("pledges", __name__)


def _label(scale: Scale, key: str | None) -> str | None:
    """The scale's wording for a stance key; None for a key not on the scale."""
    return scale.label(key) if key and key in scale else None


@bp.get("/pledges")
def index() -> Response | str:
    summaries = q.pledge_index(get_session())
    scales = {s.topic: scale_for(s.topic) for s in summaries}
    rows = [{"pledge": s.pledge.slug, "title": s.pledge.title, "organisation": s.pledge.organisation,
             "stance": s.pledge.stance, "stance_label": _label(scales[s.topic], s.pledge.stance),
             "launched_on": s.pledge.launched_on, "url": s.pledge.url, "signatures": s.signatures}
            for s in summaries]
    table = Table("pledges", ("pledge", "title", "organisation", "stance", "stance_label", "launched_on",
                              "url", "signatures"), rows,
                  "Every pledge campaign we hold, the stance signing it implies, and how many people "
                  "we have recorded as signing it.", frozenset({"title", "organisation"}))
    return page("pledges.html", [table], "pledges", summaries=summaries, scales=scales)


@bp.get("/pledges/<slug>")
def pledge(slug: str) -> Response | str:
    session = get_session()
    record = q.pledge_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    scale = scale_for(record.topic)
    signed = q.signatures(session, record.pledge.id)  # type: ignore[arg-type]
    stances = person_stances(session, [s.person.id for s in signed], record.topic)  # type: ignore[misc]
    tables = pledge_tables(record, signed, stances, scale)
    return page("pledge.html", only_requested(tables), record.pledge.slug,
                record=record, pledge=record.pledge, signed=signed, stances=stances, scale=scale,
                implied=record.pledge.stance if record.pledge.stance in scale else None)


def pledge_tables(record: q.PledgeRecord, signed: Sequence[q.Signature],
                  stances: dict[int, ListedStance], scale: Scale) -> list[Table]:
    p = record.pledge
    about = [{"pledge": p.slug, "title": p.title, "organisation": p.organisation, "text": p.text.strip(),
              "stance": p.stance, "stance_label": _label(scale, p.stance),
              "launched_on": p.launched_on, "url": p.url, "source": source_label(record.source),
              "source_url": record.source.url if record.source else None}]
    rows = [{"pledge": p.slug, "person": s.person.slug, "name": s.person.name,
             "signed_on": s.evidence.evidence_date, "stance": s.evidence.stance,
             "stance_label": _label(scale, s.evidence.stance),
             "summary": s.evidence.summary, "quote": s.evidence.quote,
             "source": source_label(s.source), "source_url": s.source.url,
             **{f"current_{k}": v for k, v in stances[s.person.id].row().items()}}  # type: ignore[index]
            for s in signed]
    return [
        Table("pledge", ("pledge", "title", "organisation", "text", "stance", "stance_label", "launched_on",
                         "url", "source", "source_url"), about,
              "The pledge, the stance signing it implies, and its source.",
              frozenset({"title", "organisation", "text", "source"})),
        Table("signatures", ("pledge", "person", "name", "signed_on", "stance", "stance_label", "summary",
                             "quote", "source", "source_url", *(f"current_{c}" for c in STANCE_COLUMNS)),
              rows,
              "Everyone we have recorded as signing (approved evidence only), with the source of each "
              "signature and the signer's current stance.",
              frozenset({"name", "summary", "quote", "source", "current_stance_source"})),
    ]
