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

# How the answers table writes a candidate's answer.
ANSWER_VALUES = {"signed": "signed", "broken": "signed", "refused": "refused", "none": "no_answer_recorded"}


@dataclass(frozen=True)
class PledgeData:
    record: q.PledgeRecord
    signed: Sequence[q.Signature]
    stances: Mapping[int, StanceView]
    scale: Scale
    refused: Sequence[q.Signature] = ()
    answered: Mapping[int, q.PersonAnswer] | None = None  # by person id
    candidates: Sequence[q.CandidateAnswer] = ()  # as the page filters them


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
           "launched_on": p.launched_on, "closes_on": p.closes_on, "url": p.url,
           "source": source_label(d.record.source),
           "source_url": d.record.source.url if d.record.source else None}


def _broken(d: PledgeData, person_id: int | None) -> list[str]:
    found = (d.answered or {}).get(person_id) if person_id is not None else None
    return [c.description for c in found.broken_by] if found else []


def _signatures(d: PledgeData) -> Iterable[Row]:
    slug = d.record.pledge.slug
    for s in d.signed:
        broken = _broken(d, s.person.id)
        yield {"pledge": slug, "person": s.person.slug, "name": s.person.name,
               "signed_on": s.evidence.evidence_date, "stance": s.evidence.stance,
               "stance_label": stance_label(d.scale, s.evidence.stance),
               "summary": s.evidence.summary, "quote": s.evidence.quote,
               "source": source_label(s.source), "source_url": s.source.url,
               "signed_by_person": s.evidence.signed_by_person, "evidence": s.said_id,
               "broken": bool(broken), "broken_by": " | ".join(broken) or None,
               **{f"current_{k}": v for k, v in d.stances[s.person.id].row().items()}}  # type: ignore[index]


def _refusals(d: PledgeData) -> Iterable[Row]:
    slug = d.record.pledge.slug
    for s in d.refused:
        yield {"pledge": slug, "person": s.person.slug, "name": s.person.name,
               "refused_on": s.evidence.evidence_date, "summary": s.evidence.summary,
               "quote": s.evidence.quote, "source": source_label(s.source), "source_url": s.source.url,
               "signed_by_person": s.evidence.signed_by_person, "evidence": s.said_id}


def _answers(d: PledgeData) -> Iterable[Row]:
    slug = d.record.pledge.slug
    for c in d.candidates:
        given = c.answer.latest if c.answer else None
        broken = [x.description for x in c.answer.broken_by] if c.answer else []
        yield {"pledge": slug, "election": c.election.slug, "election_date": c.election.election_date,
               "constituency": c.area.name, "constituency_slug": c.area.slug,
               "person": c.person.slug, "name": c.person.name, "party": c.party_name,
               "answer": ANSWER_VALUES[c.status],
               "date": given.evidence.evidence_date if given else None,
               "signed_by_person": given.evidence.signed_by_person if given else None,
               "broken": bool(broken), "broken_by": " | ".join(broken) or None,
               "evidence": given.said_id if given else None,
               "source": source_label(given.source) if given else None,
               "source_url": given.source.url if given else None}


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
LAUNCHED = Column("launched_on", "date", "The day the campaign opened (empty when not recorded).")
CLOSES = Column("closes_on", "date", "The day the campaign closes (empty: still open, or not recorded).")
URL = Column("url", "url", "The campaign's own web page.")
BY_PERSON = Column("signed_by_person", "boolean", "Whether the person gave this answer themselves, through "
                   "the personal link a moderator made for them (\"signed by the candidate\").")
EVIDENCE = Column("evidence", "string", "The evidence's id, as the person's evidence table gives it "
                  "(evidence:<number>).")
BROKEN = Column("broken", "boolean", "Whether the person signed and then voted against the pledge, or did "
                "not vote for what it asks, in a tracked division (a contradiction the stance engine found).")
BROKEN_BY = Column("broken_by", "string", "How the pledge was broken, in words (several separated by "
                   "\" | \").")

PLEDGE = PageTables[PledgeData]("pledge", "/pledges/<slug>", (
    ExportTable("pledge", "The pledge, the stance signing it implies, and its source.",
                cols("pledge", TITLE, ORGANISATION, Column("text", "string", "The words of the pledge."),
                     IMPLIES, "stance_label", LAUNCHED, CLOSES, URL, "source", "source_url"),
                _about),
    ExportTable("answers", "Every candidate in the elections held while the campaign was open, by "
                           "election and constituency, with their latest recorded answer: signed, refused, "
                           "or no answer recorded (which does not mean they were asked, or did not answer). "
                           "Narrowed as the page is, by ?election= and ?answer=.",
                cols("pledge", "election", Column("election_date", "date", "The day of the election."),
                     "constituency", "constituency_slug", "person", "name",
                     COMMON["party"].but(description="The party as on the ballot."),
                     Column("answer", "string", "The latest answer we hold: signed, refused, or "
                            "no_answer_recorded.", ("signed", "refused", "no_answer_recorded")),
                     COMMON["date"].but(description="The day of the answer (empty when none is recorded)."),
                     BY_PERSON, BROKEN, BROKEN_BY, EVIDENCE, "source", "source_url"),
                _answers),
    ExportTable("signatures", "Everyone we have recorded as signing (approved evidence only), with the "
                              "source of each signature and the signer's current stance.",
                (*cols("pledge", "person", "name",
                       Column("signed_on", "date", "The day of the signature as the source gives it."),
                       COMMON["stance"].but(description="The stance the signature records."), "stance_label",
                       "summary", "quote", "source", "source_url", BY_PERSON, EVIDENCE, BROKEN, BROKEN_BY),
                 *stance_columns("current_", "The signer's stance today")),
                _signatures),
    ExportTable("refusals", "Everyone we have recorded as declining the pledge (approved evidence only), "
                            "with the source of each refusal. A refusal sets no stance.",
                cols("pledge", "person", "name", Column("refused_on", "date", "The day of the refusal."),
                     "summary", "quote", "source", "source_url", BY_PERSON, EVIDENCE),
                _refusals),
))

PLEDGES = PageTables[PledgesData]("pledges", "/pledges", (
    ExportTable("pledges", "Every pledge campaign we hold, the stance signing it implies, and how many "
                           "people we have recorded as signing it.",
                cols("pledge", TITLE, ORGANISATION, IMPLIES, "stance_label", LAUNCHED, URL,
                     Column("signatures", "integer", "People we have recorded as signing it.")),
                _index),
))
