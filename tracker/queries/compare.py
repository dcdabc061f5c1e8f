"""The people a comparison sets side by side (/compare): who a slug or a typed name is, what
seat or candidacy places each person, and who stood against them.

Every function runs a fixed number of statements whatever the number of people. Their
stances come from the read model (:func:`tracker.readmodel.view.histories`), in the view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tracker.models import Affiliation, Area, Body, Candidacy, Election, Membership, Party, Person
from tracker.queries.places import usable_slug
from tracker.search import search
from tracker.text import fold_words

MIN_PEOPLE = 2
MAX_PEOPLE = 6


def people_by_slugs(session: Session, slugs: Sequence[str]) -> dict[str, Person]:
    """The people with these slugs, by slug (one query; slugs that cannot exist are not asked for)."""
    asked = sorted({s for s in slugs if usable_slug(s)})
    if not asked:
        return {}
    return {p.slug: p for p in session.exec(select(Person).where(Person.slug.in_(asked))).all()}  # type: ignore[attr-defined]


# How many people a name typed into the comparison's form may match before we ask which one.
NAME_CHOICES = 8


def people_named(session: Session, text: str, topic: str, today: date) -> list[Person]:
    """The person a name (or a slug) typed into the form means: one person when it is a slug,
    the only person whose name (or another name of theirs) is exactly that, or the only match;
    else every match, best first, for the reader to choose from (none: no match)."""
    by_slug = people_by_slugs(session, [text])
    if text in by_slug:
        return [by_slug[text]]
    found = search(session, text, limit=NAME_CHOICES, topic=topic, today=today).people
    wanted = sorted(fold_words(text))
    exact = [r.person for r in found
             if sorted(fold_words(r.person.name)) == wanted
             or (r.also_known_as and sorted(fold_words(r.also_known_as)) == wanted)]
    if len(exact) == 1:
        return exact
    return exact or [r.person for r in found]


@dataclass(frozen=True)
class Standing:
    """What places a person: their current seat, else their latest candidacy, else their last
    seat; and their party (today's, else that of the seat or the ballot)."""

    kind: str  # "seat", "former_seat", "candidate" or "none"
    body: Body | None = None
    membership: Membership | None = None
    candidacy: Candidacy | None = None
    election: Election | None = None
    area: Area | None = None
    party: Party | None = None
    party_label: str | None = None  # as printed on the ballot, for a candidate with no party today

    @property
    def constituency(self) -> Area | None:
        return self.area if self.area and self.area.kind == "westminster_constituency" else None

    @property
    def council(self) -> Area | None:
        return self.area if self.area and self.area.kind == "council" else None

    @property
    def party_name(self) -> str | None:
        return self.party.name if self.party else self.party_label


def _current(start: date | None, end: date | None, today: date) -> bool:
    return (start is None or start <= today) and (end is None or end >= today)


def standings(session: Session, person_ids: Sequence[int], today: date) -> dict[int, Standing]:
    """Each person's :class:`Standing` on ``today`` (three queries)."""
    ids = sorted(set(person_ids))
    out = {pid: Standing("none") for pid in ids}
    if not ids:
        return out
    seats: dict[int, list[tuple[Membership, Body, Area | None, Party | None]]] = defaultdict(list)
    for row in session.exec(
            select(Membership, Body, Area, Party)
            .join(Body, Body.id == Membership.body_id)  # type: ignore[arg-type]
            .outerjoin(Area, Area.id == Membership.area_id)  # type: ignore[arg-type]
            .outerjoin(Party, Party.id == Membership.party_id)  # type: ignore[arg-type]
            .where(Membership.person_id.in_(ids))).all():  # type: ignore[attr-defined]
        seats[row[0].person_id].append(row)
    stood: dict[int, list[tuple[Candidacy, Election, Area, Party | None]]] = defaultdict(list)
    for row in session.exec(
            select(Candidacy, Election, Area, Party)
            .join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
            .join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
            .outerjoin(Party, Party.id == Candidacy.party_id)  # type: ignore[arg-type]
            .where(Candidacy.person_id.in_(ids))).all():  # type: ignore[attr-defined]
        stood[row[0].person_id].append(row)
    parties: dict[int, list[tuple[Affiliation, Party]]] = defaultdict(list)
    for affiliation, party in session.exec(
            select(Affiliation, Party).join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
            .where(Affiliation.person_id.in_(ids))).all():  # type: ignore[attr-defined]
        # An affiliation's end is exclusive (the day they left), a seat's the last day served.
        if (affiliation.start_date is None or affiliation.start_date <= today) and (
                affiliation.end_date is None or affiliation.end_date > today):
            parties[affiliation.person_id].append((affiliation, party))
    for pid in ids:
        held = sorted(seats.get(pid, []), key=lambda r: (r[0].start_date or date.min, r[0].id or 0),
                      reverse=True)
        now = [r for r in held if _current(r[0].start_date, r[0].end_date, today)]
        runs = sorted(stood.get(pid, []), key=lambda r: (r[1].election_date, r[0].id or 0), reverse=True)
        runs = [r for r in runs if r[1].election_date <= today] or runs
        live = sorted(parties.get(pid, []), key=lambda ap: ap[0].start_date or date.min)
        party_today = live[-1][1] if live else None
        if now:
            membership, body, area, party = now[0]
            out[pid] = Standing("seat", body, membership, area=area, party=party_today or party)
        elif runs:
            candidacy, election, area, party = runs[0]
            out[pid] = Standing("candidate", candidacy=candidacy, election=election, area=area,
                                party=party_today or party, party_label=candidacy.party_label)
        elif held:
            membership, body, area, party = held[0]
            out[pid] = Standing("former_seat", body, membership, area=area, party=party_today or party)
        elif party_today:
            out[pid] = Standing("none", party=party_today)
    return out


@dataclass(frozen=True)
class Rivals:
    """The people who stood in the same place at a person's latest election, most votes first."""

    election: Election
    area: Area
    people: list[Person]


def rivals(session: Session, person_id: int) -> Rivals | None:
    """Who stood against the person at the latest election they stood in (two queries)."""
    latest = session.exec(
        select(Candidacy, Election, Area)
        .join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
        .join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
        .where(Candidacy.person_id == person_id)
        .order_by(Election.election_date.desc(), Candidacy.id.desc())).first()  # type: ignore[attr-defined,union-attr]
    if latest is None:
        return None
    _candidacy, election, area = latest
    rows = session.exec(
        select(Candidacy, Person).join(Person, Person.id == Candidacy.person_id)  # type: ignore[arg-type]
        .where(Candidacy.election_id == election.id, Candidacy.area_id == area.id,
               Candidacy.person_id != person_id)).all()
    ordered = sorted(rows, key=lambda r: (-(r[0].votes or 0), r[1].sort_name, r[1].id))
    return Rivals(election, area, [p for _c, p in ordered])
