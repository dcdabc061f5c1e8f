"""A person's stance report (the person page and `tracker stance`), party lines and
party spans. Stances come from the read model (``tracker.readmodel``); evidence is
loaded to cite it, never to recompute a timeline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tracker import clock
from tracker.models import (
    Evidence,
    Party,
    Person,
    Source,
    StanceContradiction,
    StancePeriod,
    StanceShift,
    Topic,
)
from tracker.prose.sources import source_label
from tracker.readmodel import view
from tracker.readmodel.build import timeline_rows
from tracker.readmodel.evidence import (
    ENGINE_POSITION,
    EvidenceRecord,
    cite,
    evidence_dict,
    evidence_for_people,
    scale_for,
)
from tracker.stance import build_timeline

__all__ = ["ENGINE_POSITION", "EvidenceRecord", "evidence_dict", "evidence_for_people", "scale_for",
           "source_label", "person_stance_report", "party_lines", "party_spans", "current_party",
           "topic_row", "stance_dict"]


def topic_row(session: Session, slug: str) -> Topic | None:
    return session.exec(select(Topic).where(Topic.slug == slug)).first()


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


def stance_dict(period: view.StanceView, cited: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A stance period as reports and twins give it (JSON-ready)."""
    return {
        "start": period.start.isoformat() if period.start else None,
        "end": period.end.isoformat() if period.end else None,
        "since": period.start.isoformat() if period.start else None,
        "stance": period.stance, "label": period.label, "conflict": period.conflict,
        "evidence": [cited.get(e.id, e.as_dict()) for e in period.evidence],
        "supporting": [cited[i] for i in period.supporting if i in cited],
    }


History = tuple[view.StanceHistory, list[StanceShift]]


def stance_history(session: Session, person: Person, topic_slug: str, as_of: date | None = None) -> History:
    """A person's periods, evidence, contradictions and shifts on a topic: from the read model,
    or, for a past day (`tracker stance --as-of`), from the evidence known then."""
    if as_of is None:
        history = view.histories(session, [person.id], topic_slug)[person.id]  # type: ignore[list-item,index]
        return history, view.shifts(session, person.id, topic_slug)  # type: ignore[arg-type]
    scale = scale_for(topic_slug)
    topic = topic_row(session, topic_slug)
    records = evidence_for_people(session, [person.id], topic, as_of)[person.id] if topic else []  # type: ignore[list-item]
    timeline = build_timeline([r.item for r in records], scale)
    periods, shifts, contradictions = timeline_rows(
        person.id, topic.id if topic else 0, timeline, records, scale)  # type: ignore[arg-type]
    views = tuple(view.view_of(StancePeriod(**row), scale) for row in periods)
    history = view.StanceHistory(
        person.id, view.periods_of(person.id, views, scale),  # type: ignore[arg-type]
        tuple(sorted((cite(r, scale) for r in records), key=lambda e: (e.date, e.id))),
        tuple(StanceContradiction(**row) for row in contradictions))
    return history, [StanceShift(**row) for row in shifts]


def person_stance_report(session: Session, person: Person, topic_slug: str, as_of: date | None = None,
                         history: History | None = None) -> dict[str, Any]:
    """Everything `tracker stance` and the person page say about one person's stance (JSON-ready)."""
    scale = scale_for(topic_slug)
    stances, shifts = history or stance_history(session, person, topic_slug, as_of)
    cited = {e.id: e.as_dict() for e in stances.evidence}

    def items(ids: Iterable[str]) -> list[dict[str, Any]]:
        return [cited[i] for i in ids if i in cited]

    return {
        "person": {"name": person.name, "slug": person.slug, "parliament_id": person.parliament_id,
                   "twfy_id": person.twfy_id, "democracy_club_id": person.democracy_club_id},
        "topic": {"slug": scale.slug, "name": scale.name, "question": scale.question},
        "as_of": as_of.isoformat() if as_of else None,
        "current": stance_dict(stances.current, cited),
        "timeline": [stance_dict(p, cited) for p in stances.periods],
        "shifts": [{"date": s.shift_date.isoformat(), "from": s.from_stance, "to": s.to_stance,
                    "from_label": scale.label(s.from_stance), "to_label": scale.label(s.to_stance),
                    "evidence": items(s.evidence)} for s in shifts],
        "contradictions": [{"kind": c.kind, "description": c.description,
                            "said": cited.get(c.said_id), "did": cited.get(c.did_id)}
                           for c in stances.contradictions],
        "conflicts": [{"date": p.start.isoformat() if p.start else None,
                       "evidence": stance_dict(p, cited)["evidence"]} for p in stances.periods if p.conflict],
        "evidence": list(cited.values()),
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
    day = on or clock.today()
    live = [(a, p) for a, p in rows
            if (a.start_date is None or a.start_date <= day) and (a.end_date is None or a.end_date > day)]
    live.sort(key=lambda ap: ap[0].start_date or date.min)
    return live[-1][1] if live else None
