"""Stances worked out straight from the rows, without the stance engine, to check pages against.

Latest date wins; on the same day the stronger kind of evidence (the scale's strength table)
wins, and agreeing support-side stances combine to the furthest one (an aye for pauses and an
aye for a ceasefire on one day mean "ceasefire"). An early day motion signature is dated by its
tabling date; a signature withdrawn on or before the day counts as never made, but it was a
recorded stance (someone with nothing else reads "unknown").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlmodel import Session, select

from tracker.models import Division, Edm, EdmSignature, Evidence, Topic, Vote
from tracker.queries.stances import scale_for


def independent_stances(session: Session, person_ids: set[int], on: date | None = None,
                        topic: str = "ceasefire") -> dict[int, str]:
    """Stance on ``on`` (default: today) of each person with any recorded stance by then."""
    day = on or date.today()
    scale = scale_for(topic)
    strength = scale.strength
    topic_row = session.exec(select(Topic).where(Topic.slug == topic)).one()
    facts: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
    for e in session.exec(select(Evidence).where(
            Evidence.status == "approved", Evidence.topic_id == topic_row.id,
            Evidence.person_id.is_not(None))).all():  # type: ignore[union-attr]
        facts[e.person_id].append((e.evidence_date, strength[e.kind], e.stance))  # type: ignore[index]
    for vote, division in session.exec(select(Vote, Division).join(Division)
                                       .where(Division.topic_id == topic_row.id)).all():
        means = {"aye": division.aye_means, "teller_aye": division.aye_means, "no": division.no_means,
                 "teller_no": division.no_means}.get(vote.position)
        if means:
            facts[vote.person_id].append((division.division_date, strength["vote"], means))
    withdrawn: set[int] = set()
    for signature, edm in session.exec(select(EdmSignature, Edm).join(Edm).where(
            Edm.topic_id == topic_row.id)).all():
        if signature.withdrawn_on is None or signature.withdrawn_on > day:
            facts[signature.person_id].append((edm.tabled_on, strength["edm"], edm.signing_means))  # type: ignore[arg-type]
        elif edm.tabled_on <= day:
            withdrawn.add(signature.person_id)

    def latest(person_facts: list[tuple[date, int, str]]) -> str:
        top = max(person_facts)[:2]
        stances = {stance for d, kind, stance in person_facts if (d, kind) == top}
        return max(stances, key=scale.rank) if len(stances) == 1 or all(
            scale.side(s) == "support" for s in stances) else scale.default

    out = {}
    for pid in person_ids:
        known = [f for f in facts.get(pid, []) if f[0] <= day]
        if known:
            out[pid] = latest(known)
        elif pid in withdrawn:
            out[pid] = scale.default
    return out
