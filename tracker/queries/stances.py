"""Evidence from the database, turned into stance-engine input and reports.

Queries here take lists of people and run a fixed number of statements
whatever the list's length, so pages with hundreds of people stay cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.models import Division, Evidence, Party, Person, Source, Topic, Vote
from tracker.stance import EvidenceItem, Scale, Timeline, build_timeline, format_day, load_topic
from tracker.stance.engine import vote_stance

# Tellers count as having voted that way; "no vote recorded" is an explicit absence.
ENGINE_POSITION = {"aye": "aye", "teller_aye": "aye", "no": "no", "teller_no": "no",
                   "no_vote_recorded": "absent", "both": "both"}


def source_label(source: Source | None) -> str | None:
    if source is None:
        return None
    parts = [p for p in (source.publisher, source.title) if p]
    if source.published_on:
        parts.append(format_day(source.published_on))
    return ", ".join(parts) or source.url


@dataclass(frozen=True)
class EvidenceRecord:
    """An engine item plus what a page or report shows about it."""

    item: EvidenceItem
    source: Source | None
    quote: str | None = None
    division_slug: str | None = None
    position: str | None = None


def topic_row(session: Session, slug: str) -> Topic | None:
    return session.exec(select(Topic).where(Topic.slug == slug)).first()


def scale_for(slug: str) -> Scale:
    return load_topic(slug, DATA_DIR)


def evidence_for_people(session: Session, person_ids: Sequence[int], topic: Topic,
                        as_of: date | None = None) -> dict[int, list[EvidenceRecord]]:
    """Approved evidence, tracked votes and tracked EDM signatures per person (three queries)."""
    out: dict[int, list[EvidenceRecord]] = defaultdict(list)
    if not person_ids:
        return out
    ids = list(set(person_ids))
    statement = (select(Evidence, Source)
                 .join(Source, Source.id == Evidence.source_id)  # type: ignore[arg-type]
                 .where(Evidence.person_id.in_(ids),  # type: ignore[union-attr]
                        Evidence.topic_id == topic.id, Evidence.status == "approved"))
    if as_of is not None:
        statement = statement.where(Evidence.evidence_date <= as_of)
    for evidence, source in session.exec(statement).all():
        item = EvidenceItem(
            id=f"evidence:{evidence.id}", date=evidence.evidence_date, kind=evidence.kind,
            stance=evidence.stance, summary=evidence.summary, source_url=source.url,
            source_label=source_label(source))
        out[evidence.person_id].append(EvidenceRecord(item, source, quote=evidence.quote))  # type: ignore[index]

    votes = (select(Vote, Division, Source)
             .join(Division, Division.id == Vote.division_id)  # type: ignore[arg-type]
             .outerjoin(Source, Source.id == Vote.source_id)  # type: ignore[arg-type]
             .where(Vote.person_id.in_(ids), Division.topic_id == topic.id))  # type: ignore[attr-defined]
    if as_of is not None:
        votes = votes.where(Division.division_date <= as_of)
    for vote, division, source in session.exec(votes).all():
        position = ENGINE_POSITION[vote.position]
        item = EvidenceItem(
            id=f"vote:{vote.id}", date=division.division_date, kind="vote",
            stance=vote_stance(position, division.aye_means, division.no_means),
            summary=division.title, source_url=source.url if source else None,
            source_label=source_label(source), division_key=division.slug,
            vote_position=position, aye_means=division.aye_means, no_means=division.no_means)
        out[vote.person_id].append(
            EvidenceRecord(item, source, division_slug=division.slug, position=vote.position))
    from tracker.queries.edms import add_edm_evidence  # (it imports this module)
    add_edm_evidence(session, ids, topic, as_of, into=out)
    return out


def timelines_for_people(session: Session, person_ids: Sequence[int], topic_slug: str = "ceasefire",
                         as_of: date | None = None) -> dict[int, Timeline]:
    topic = topic_row(session, topic_slug)
    scale = scale_for(topic_slug)
    if topic is None:
        return {pid: build_timeline([], scale) for pid in person_ids}
    records = evidence_for_people(session, person_ids, topic, as_of)
    return {pid: build_timeline([r.item for r in records.get(pid, [])], scale)
            for pid in person_ids}


def party_lines(session: Session, party_ids: Iterable[int], topic: Topic) -> dict[int, list[Evidence]]:
    """A party's official line (approved party evidence), newest first."""
    ids = list(set(party_ids))
    out: dict[int, list[Evidence]] = defaultdict(list)
    if not ids:
        return out
    rows = session.exec(select(Evidence).where(
        Evidence.party_id.in_(ids), Evidence.topic_id == topic.id,  # type: ignore[union-attr]
        Evidence.status == "approved").order_by(Evidence.evidence_date.desc())).all()  # type: ignore[attr-defined]
    for evidence in rows:
        out[evidence.party_id].append(evidence)  # type: ignore[index]
    return out


def evidence_dict(record: EvidenceRecord, scale: Scale) -> dict[str, Any]:
    """One piece of evidence as reports, pages and twins show it."""
    item = record.item
    return {
        "id": item.id, "date": item.date.isoformat(), "kind": item.kind,
        "stance": item.stance, "stance_label": scale.label(item.stance) if item.stance else None,
        "summary": item.summary, "quote": record.quote,
        "vote_position": record.position, "division": record.division_slug,
        "source_url": item.source_url, "source": item.source_label,
    }


def person_stance_report(session: Session, person: Person, topic_slug: str = "ceasefire",
                         as_of: date | None = None) -> dict[str, Any]:
    """Everything `tracker stance` and the person page say about one person's stance."""
    scale = scale_for(topic_slug)
    topic = topic_row(session, topic_slug)
    records = evidence_for_people(session, [person.id], topic, as_of)[person.id] if topic else []  # type: ignore[list-item]
    by_id = {r.item.id: r for r in records}
    timeline = build_timeline([r.item for r in records], scale)
    current = timeline.current

    def items(evidence: Iterable[EvidenceItem]) -> list[dict[str, Any]]:
        return [evidence_dict(by_id[e.id], scale) for e in evidence]

    return {
        "person": {"name": person.name, "slug": person.slug, "parliament_id": person.parliament_id,
                   "twfy_id": person.twfy_id, "democracy_club_id": person.democracy_club_id},
        "topic": {"slug": scale.slug, "name": scale.name, "question": scale.question},
        "as_of": as_of.isoformat() if as_of else None,
        "current": {
            "stance": current.stance, "label": scale.label(current.stance),
            "since": current.start.isoformat() if current.start else None,
            "conflict": current.conflict, "evidence": items(current.evidence),
        },
        "timeline": [{
            "start": i.start.isoformat() if i.start else None,
            "end": i.end.isoformat() if i.end else None,
            "stance": i.stance, "label": scale.label(i.stance), "conflict": i.conflict,
            "evidence": items(i.evidence), "supporting": items(i.supporting),
        } for i in timeline.intervals],
        "shifts": [{"date": s.date.isoformat(), "from": s.from_stance, "to": s.to_stance,
                    "from_label": scale.label(s.from_stance), "to_label": scale.label(s.to_stance),
                    "evidence": items(s.evidence)} for s in timeline.shifts],
        "contradictions": [{"kind": c.kind, "description": c.description,
                            "said": items([c.said])[0], "did": items([c.did])[0]}
                           for c in timeline.contradictions],
        "conflicts": [{"date": c.date.isoformat(), "evidence": items(c.items)}
                      for c in timeline.conflicts],
        "evidence": [evidence_dict(r, scale)
                     for r in sorted(records, key=lambda r: (r.item.date, r.item.id))],
        "parties": party_spans(session, person.id),  # type: ignore[arg-type]
    }


def party_spans(session: Session, person_id: int) -> list[dict[str, Any]]:
    """A person's party history with the source of each span."""
    from tracker.models import Affiliation

    rows = session.exec(
        select(Affiliation, Party, Source).join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
        .outerjoin(Source, Source.id == Affiliation.source_id)  # type: ignore[arg-type]
        .where(Affiliation.person_id == person_id)).all()
    spans = [{"party": party.name, "party_slug": party.slug,
              "start": a.start_date.isoformat() if a.start_date else None,
              "end": a.end_date.isoformat() if a.end_date else None, "note": a.note,
              "source_url": source.url if source else None, "source": source_label(source)}
             for a, party, source in rows]
    spans.sort(key=lambda s: (s["start"] or "", s["end"] or "9999"))
    return spans


def current_party(session: Session, person_id: int, on: date | None = None) -> Party | None:
    from tracker.models import Affiliation

    rows = session.exec(select(Affiliation, Party).join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
                        .where(Affiliation.person_id == person_id)).all()
    day = on or date.today()
    live = [(a, p) for a, p in rows
            if (a.start_date is None or a.start_date <= day) and (a.end_date is None or a.end_date > day)]
    live.sort(key=lambda ap: ap[0].start_date or date.min)
    return live[-1][1] if live else None
