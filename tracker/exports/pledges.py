"""The pledge campaign pages' tables (/pledges, /pledges/<slug>)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.exports.columns import COMMON, cols, stance_columns
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.queries import pledges as q
from tracker.queries.stances import source_label
from tracker.readmodel.view import StanceView
from tracker.stance import Scale


@dataclass(frozen=True)
class PledgeData:
    record: q.PledgeRecord
    signed: Sequence[q.Signature]
    stances: Mapping[int, StanceView]
    scale: Scale


@dataclass(frozen=True)
class PledgesData:
    summaries: Sequence[q.PledgeSummary]
    scales: Mapping[str, Scale]  # topic slug -> its scale


def stance_label(scale: Scale, key: str | None) -> str | None:
    """The scale's wording for a stance key; None for a key not on the scale."""
    return scale.label(key) if key and key in scale else None


def _about(d: PledgeData) -> Iterable[Row]:
    p = d.record.pledge
    yield {"pledge": p.slug, "title": p.title, "organisation": p.organisation, "text": p.text.strip(),
           "stance": p.stance, "stance_label": stance_label(d.scale, p.stance),
           "launched_on": p.launched_on, "url": p.url, "source": source_label(d.record.source),
           "source_url": d.record.source.url if d.record.source else None}


def _signatures(d: PledgeData) -> Iterable[Row]:
    slug = d.record.pledge.slug
    for s in d.signed:
        yield {"pledge": slug, "person": s.person.slug, "name": s.person.name,
               "signed_on": s.evidence.evidence_date, "stance": s.evidence.stance,
               "stance_label": stance_label(d.scale, s.evidence.stance),
               "summary": s.evidence.summary, "quote": s.evidence.quote,
               "source": source_label(s.source), "source_url": s.source.url,
               **{f"current_{k}": v for k, v in d.stances[s.person.id].row().items()}}  # type: ignore[index]


def _index(d: PledgesData) -> Iterable[Row]:
    for s in d.summaries:
        p = s.pledge
        yield {"pledge": p.slug, "title": p.title, "organisation": p.organisation, "stance": p.stance,
               "stance_label": stance_label(d.scales[s.topic], p.stance), "launched_on": p.launched_on,
               "url": p.url, "signatures": s.signatures}


TITLE = COMMON["title"].but(description="The pledge's title.")
ORGANISATION = Column("organisation", "string", "Who runs the campaign.")
IMPLIES = COMMON["stance"].but(description="The stance signing the pledge implies (a key of the topic's "
                               "scale).")
LAUNCHED = Column("launched_on", "date", "The day the campaign was launched.")
URL = Column("url", "url", "The campaign's own web page.")

PLEDGE = PageTables[PledgeData]("pledge", "/pledges/<slug>", (
    ExportTable("pledge", "The pledge, the stance signing it implies, and its source.",
                cols("pledge", TITLE, ORGANISATION, Column("text", "string", "The words of the pledge."),
                     IMPLIES, "stance_label", LAUNCHED, URL, "source", "source_url"),
                _about),
    ExportTable("signatures", "Everyone we have recorded as signing (approved evidence only), with the "
                              "source of each signature and the signer's current stance.",
                (*cols("pledge", "person", "name",
                       Column("signed_on", "date", "The day of the signature as the source gives it."),
                       COMMON["stance"].but(description="The stance the signature records."), "stance_label",
                       "summary", "quote", "source", "source_url"),
                 *stance_columns("current_", "The signer's stance today")),
                _signatures),
))

PLEDGES = PageTables[PledgesData]("pledges", "/pledges", (
    ExportTable("pledges", "Every pledge campaign we hold, the stance signing it implies, and how many "
                           "people we have recorded as signing it.",
                cols("pledge", TITLE, ORGANISATION, IMPLIES, "stance_label", LAUNCHED, URL,
                     Column("signatures", "integer", "People we have recorded as signing it.")),
                _index),
))
