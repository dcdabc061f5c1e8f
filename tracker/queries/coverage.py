"""Coverage: for each topic, how many sitting MPs, GE2024 candidates and councillors hold a
recorded stance.

"A recorded stance" means what the home page's candidate figure means: at least one piece
of evidence (or a vote in a tracked division) that sets a stance on the topic, now or in
the past. A vote that says nothing on its own, or no vote recorded, does not count. The
figures come from the stance read model, as the person pages do. Topics are data
(``data/topics``), so every topic in the database is counted and none is named here.

Statements: three for the groups, one for the topics, and one per topic, whatever the
number of people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from tracker import clock
from tracker.models import Body, Candidacy, Election, Membership, Topic
from tracker.prose.coverage import coverage_sentence, unrecorded_sentence
from tracker.queries.home import GE2024, sitting_mp_ids
from tracker.readmodel import view

# The groups, in the order pages and the CLI show them (in words: tracker.prose.coverage).
GROUPS: tuple[str, ...] = ("sitting_mps", "ge2024_candidates", "councillors")


@dataclass(frozen=True)
class GroupCoverage:
    key: str
    total: int  # people in the group
    with_stance: int  # of those, people with a recorded stance on the topic


@dataclass(frozen=True)
class TopicCoverage:
    topic: str  # slug
    name: str
    groups: tuple[GroupCoverage, ...]
    # People of any group with no recorded stance, each counted once (an MP who stood in 2024
    # is one person): the rows of the coverage page (tracker.queries.unrecorded).
    without_stance: int = 0

    def group(self, key: str) -> GroupCoverage:
        return next(g for g in self.groups if g.key == key)

    @property
    def sentence(self) -> str:
        return coverage_sentence(self)

    @property
    def unrecorded_sentence(self) -> str:
        return unrecorded_sentence(self.without_stance, self.name)


def ge2024_candidate_ids(session: Session, election_slug: str = GE2024) -> list[int]:
    """Everyone who stood at the election (one query)."""
    rows = session.exec(select(Candidacy.person_id).join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
                        .where(Election.slug == election_slug).distinct()).all()
    return sorted(rows)


def councillor_ids(session: Session, today: date) -> list[int]:
    """People with a council seat open today (one query)."""
    rows = session.exec(
        select(Membership.person_id).join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
        .where(Body.kind == "council",
               or_(col(Membership.start_date).is_(None), col(Membership.start_date) <= today),
               or_(col(Membership.end_date).is_(None), col(Membership.end_date) >= today))
        .distinct()).all()
    return sorted(rows)


def group_members(session: Session, today: date) -> dict[str, list[int]]:
    """The person ids of each group on ``today`` (three queries)."""
    return {"sitting_mps": sitting_mp_ids(session, today),
            "ge2024_candidates": ge2024_candidate_ids(session),
            "councillors": councillor_ids(session, today)}


def everyone_counted(members: Mapping[str, Sequence[int]]) -> list[int]:
    return sorted({pid for ids in members.values() for pid in ids})


def coverage(session: Session, today: date,
             members: Mapping[str, Sequence[int]] | None = None) -> list[TopicCoverage]:
    """Per topic (in slug order), each group's size and how many of it hold a recorded stance.

    ``members`` lets a page that has already found the groups reuse them.
    """
    members = members if members is not None else group_members(session, today)
    everyone = set(everyone_counted(members))
    out = []
    for topic in session.exec(select(Topic).order_by(col(Topic.slug))).all():
        recorded = view.people_on_record(session, topic.slug)
        groups = tuple(GroupCoverage(key, len(members[key]), len(recorded.intersection(members[key])))
                       for key in GROUPS)
        out.append(TopicCoverage(topic.slug, topic.name, groups, len(everyone - recorded)))
    return out


def coverage_rows(items: list[TopicCoverage], today: date) -> list[dict[str, object]]:
    """One row per topic and group: the twin table and `tracker stats --json` share it."""
    return [{"topic": item.topic, "topic_name": item.name, "group": g.key, "on": today,
             "with_recorded_stance": g.with_stance, "out_of": g.total}
            for item in items for g in item.groups]


def coverage_summary(session: Session, today: date | None = None) -> dict[str, object]:
    """What `tracker stats --json` reports under "coverage"."""
    today = today or clock.today()
    items = coverage(session, today)
    return {"on": today.isoformat(),
            "topics": {item.topic: {"name": item.name, "sentence": coverage_sentence(item),
                                    **{g.key: {"with_recorded_stance": g.with_stance, "out_of": g.total}
                                       for g in item.groups}}
                       for item in items}}

