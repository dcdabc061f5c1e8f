"""Who has no recorded stance on a topic: the coverage page's list ("where to go knocking").

One row per person of the coverage groups (:mod:`tracker.queries.coverage`: sitting MPs,
the candidates of the 2024 general election, councillors in our data) who is not on record
on the topic (``view.people_on_record``): the same groups and the same test as the home
page's and `tracker stats`'s coverage figures, so the counts agree. Each row says where
the person is: the constituency of their Commons seat or, failing that, of their 2024
candidacy (2024 boundaries), and the councils they sit on.

"Reach" is the registered electorate of that constituency at the 2024 general election
(``Area.electorate``, from the House of Commons Library's results): the voters an MP or a
candidate answers to. We hold no electorate or population for a council or a ward, so a
councillor who is neither an MP nor a candidate has no reach figure; the list puts them
after everyone who has one.

Statements, whatever the number of people: the groups (three), the people on record
(one), each group's details (three), parties today (one), the places (one), the
council-constituency overlaps (one) and the regions (one). Filtering, counting and sorting
are done on the rows in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from tracker.models import (
    Affiliation,
    Area,
    AreaOverlap,
    Body,
    Candidacy,
    Election,
    Membership,
    Party,
    Person,
)
from tracker.prose.coverage import GROUP_LABELS
from tracker.queries.coverage import GROUPS, everyone_counted, group_members
from tracker.queries.home import COMMONS, GE2024
from tracker.readmodel import view
from tracker.text import slugify

COUNCIL = "council"
CONSTITUENCY = "westminster_constituency"
FILTERS = ("role", "region", "council", "party")
_ROLE_ORDER = {key: n for n, key in enumerate(GROUPS)}


@dataclass(frozen=True)
class Place:
    """A constituency or a council, as a row names it."""

    id: int
    slug: str
    name: str
    region: str | None
    electorate: int | None  # registered electors at the 2024 general election (constituencies)
    gss_code: str | None = None


@dataclass(frozen=True)
class PartyRef:
    slug: str
    name: str


@dataclass(frozen=True)
class Unrecorded:
    """A person with no recorded stance on the topic, and where they are."""

    person_id: int
    slug: str
    name: str
    sort_name: str
    roles: tuple[str, ...]  # keys of coverage.GROUPS, in that order
    party: PartyRef | None  # today's party (see ``unknowns``)
    constituency: Place | None
    councils: tuple[Place, ...]  # the councils the person sits on
    within: frozenset[int] = frozenset()  # council ids: sat on, or overlapping the constituency
    regions: frozenset[str] = frozenset()  # region slugs of the constituency and the councils

    @property
    def reach(self) -> int | None:
        """The 2024 electorate of the person's constituency; None for a councillor only."""
        return self.constituency.electorate if self.constituency else None

    @property
    def region(self) -> str | None:
        if self.constituency and self.constituency.region:
            return self.constituency.region
        return next((c.region for c in self.councils if c.region), None)

    def sort_key(self) -> tuple[object, ...]:
        """Largest reach first, those without one last; then by place, role and name."""
        place = self.constituency
        if place is not None and place.electorate is not None:
            return (0, -place.electorate, place.name, _ROLE_ORDER[self.roles[0]], self.sort_name.lower(),
                    self.person_id)
        where = place.name if place else (self.councils[0].name if self.councils else "")
        return (1, 0, where, _ROLE_ORDER[self.roles[0]], self.sort_name.lower(), self.person_id)


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to (None: any). The caller checks that the values exist."""

    role: str | None = None  # a key of coverage.GROUPS
    region: str | None = None  # a region's slug ("north-west")
    council: Place | None = None  # its councillors, and the people of the constituencies it overlaps
    party: str | None = None  # a party's slug

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.role, self.region, self.council, self.party))

    def matches(self, row: Unrecorded, skip: str = "") -> bool:
        """Whether a row passes every filter but the one named ``skip``."""
        return ((skip == "role" or self.role is None or self.role in row.roles)
                and (skip == "region" or self.region is None or self.region in row.regions)
                and (skip == "council" or self.council is None or self.council.id in row.within)
                and (skip == "party" or self.party is None
                     or (row.party is not None and row.party.slug == self.party)))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int  # rows listed with this value and the other filters as they are


@dataclass(frozen=True)
class Unknowns:
    """Everyone without a recorded stance, and what the filters can name."""

    rows: list[Unrecorded]  # every one of them, in list order
    councils: dict[str, Place]  # every council, by slug
    regions: dict[str, str]  # region slug -> name (``region_names``)

    def matching(self, filters: Filters) -> list[Unrecorded]:
        return [r for r in self.rows if filters.matches(r)]

    def choices(self, filters: Filters) -> dict[str, list[Choice]]:
        """Each filter's values, with how many rows each would list with the other filters
        kept (one pass over the rows). The parties are those of the people listed."""
        counts: dict[str, dict[Any, int]] = {k: defaultdict(int) for k in FILTERS}
        parties: dict[str, str] = {}
        for row in self.rows:
            if row.party is not None:
                parties[row.party.slug] = row.party.name
            if filters.matches(row, skip="role"):
                for role in row.roles:
                    counts["role"][role] += 1
            if filters.matches(row, skip="region"):
                for region in row.regions:
                    counts["region"][region] += 1
            if filters.matches(row, skip="council"):
                for council_id in row.within:
                    counts["council"][council_id] += 1
            if row.party is not None and filters.matches(row, skip="party"):
                counts["party"][row.party.slug] += 1
        regions = sorted(self.regions.items(), key=lambda item: item[1])
        councils = sorted(self.councils.values(), key=lambda c: (c.name, c.slug))
        return {
            "role": [Choice(k, GROUP_LABELS[k], counts["role"][k]) for k in GROUPS],
            "region": [Choice(slug, name, counts["region"][slug]) for slug, name in regions],
            "council": [Choice(c.slug, c.name, counts["council"][c.id]) for c in councils],
            "party": [Choice(slug, name, counts["party"][slug])
                      for slug, name in sorted(parties.items(), key=lambda item: item[1])],
        }


# --- the statements -------------------------------------------------------------------

def _open_on(start: Any, end: Any, today: date) -> tuple[Any, Any]:
    """Seat dates open today: the coverage groups' own test (``coverage.councillor_ids``)."""
    return (or_(col(start).is_(None), col(start) <= today), or_(col(end).is_(None), col(end) >= today))


_PLACE = (Area.id, Area.slug, Area.name, Area.region, Area.electorate, Area.gss_code)


@dataclass(frozen=True)
class _Detail:
    """What a group's statement gives of a person: who, the party of the seat or ballot, where."""

    person_id: int
    slug: str
    name: str
    sort_name: str
    party: PartyRef | None
    area_id: int | None


# Up to this many people, a statement names them (an IN list); beyond it, it reads the whole
# group and the rows are sifted here: an IN list of thousands of ids costs more to build and
# send than the rows it spares.
NAMED = 2_000


def _only(statement: Any, person_id: Any, ids: set[int]) -> Any:
    return statement.where(col(person_id).in_(sorted(ids))) if len(ids) <= NAMED else statement


def _details(session: Session, statement: Any, ids: set[int]) -> list[_Detail]:
    """The rows of ``statement`` about the people in ``ids``."""
    # Plain rows through the connection: thousands of them, no ORM objects wanted.
    return [_Detail(pid, slug, name, sort_name, PartyRef(party_slug, party_name) if party_slug else None,
                    area_id)
            for pid, slug, name, sort_name, party_slug, party_name, area_id
            in session.connection().execute(_only(statement, statement.selected_columns[0], ids))
            if pid in ids]


def _seats(person_id: Any, area_id: Any, party_id: Any) -> Any:
    return (select(person_id, Person.slug, Person.name, Person.sort_name, Party.slug, Party.name, area_id)
            .join(Person, Person.id == person_id)
            .outerjoin(Party, Party.id == party_id))


def _mps(session: Session, today: date, ids: set[int]) -> list[_Detail]:
    """The seats of sitting MPs (``home.sitting_mp_ids``'s test), the latest last."""
    statement = (_seats(Membership.person_id, Membership.area_id, Membership.party_id)
                 .join(Body, Body.id == Membership.body_id)
                 .where(Body.slug == COMMONS, *_open_on(Membership.start_date, Membership.end_date, today))
                 .order_by(col(Membership.start_date), col(Membership.id)))
    return _details(session, statement, ids)


def _candidates(session: Session, ids: set[int]) -> list[_Detail]:
    """Candidacies at the 2024 general election (``coverage.ge2024_candidate_ids``'s test)."""
    statement = (_seats(Candidacy.person_id, Candidacy.area_id, Candidacy.party_id)
                 .join(Election, Election.id == Candidacy.election_id)
                 .where(Election.slug == GE2024))
    return _details(session, statement, ids)


def _councillors(session: Session, today: date, ids: set[int]) -> list[_Detail]:
    """Council seats open today (``coverage.councillor_ids``'s test); the place is the council."""
    statement = (_seats(Membership.person_id, Body.area_id, Membership.party_id)
                 .join(Body, Body.id == Membership.body_id)
                 .where(Body.kind == COUNCIL, *_open_on(Membership.start_date, Membership.end_date, today)))
    return _details(session, statement, ids)


def parties_today(session: Session, today: date, ids: set[int]) -> dict[int, PartyRef]:
    """The party today of each person in ``ids`` from their party memberships: the latest open
    one, as ``stances.current_party`` has it (one query)."""
    out: dict[int, PartyRef] = {}
    latest: dict[int, date] = {}
    rows = session.connection().execute(_only(
        select(Affiliation.person_id, Affiliation.start_date, Party.slug, Party.name)
        .join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
        .where(or_(col(Affiliation.start_date).is_(None), col(Affiliation.start_date) <= today),
               or_(col(Affiliation.end_date).is_(None), col(Affiliation.end_date) > today)),
        Affiliation.person_id, ids))
    for person_id, start, slug, name in rows:
        started = start or date.min
        if person_id in ids and (person_id not in latest or started >= latest[person_id]):
            latest[person_id], out[person_id] = started, PartyRef(slug, name)
    return out


@dataclass(frozen=True)
class Places:
    by_id: dict[int, Place]  # every council and the areas asked for
    councils: dict[str, Place]  # every council, by slug
    councils_of: dict[int, frozenset[int]]  # constituency id -> the councils overlapping it


def places(session: Session, area_ids: Iterable[int]) -> Places:
    """Every council, the areas ``area_ids``, and the councils overlapping each 2024
    constituency (two queries)."""
    by_id: dict[int, Place] = {}
    councils: dict[str, Place] = {}
    rows = session.exec(select(Area.kind, *_PLACE).where(
        or_(Area.kind == COUNCIL, col(Area.id).in_(sorted(set(area_ids)))))).all()
    for kind, *values in rows:
        place = by_id[values[0]] = Place(*values)
        if kind == COUNCIL:
            councils[place.slug] = place
    councils_of: dict[int, set[int]] = defaultdict(set)
    for council_id, constituency_id in session.exec(select(AreaOverlap.area_id, AreaOverlap.overlaps_id)):
        councils_of[constituency_id].add(council_id)
    return Places(by_id, councils, {k: frozenset(v) for k, v in councils_of.items()})


def region_names(session: Session) -> dict[str, str]:
    """Every region of a constituency or a council, by slug ("north-west": "North West")."""
    names = session.exec(select(Area.region).where(col(Area.kind).in_((COUNCIL, CONSTITUENCY)),
                                                   col(Area.region).is_not(None)).distinct()).all()
    return {slugify(name): name for name in names if name}


def council_place(session: Session, slug: str) -> Place | None:
    """The council with this slug, if there is one."""
    row = session.exec(select(*_PLACE).where(Area.kind == COUNCIL, Area.slug == slug)).first()
    return Place(*row) if row else None


def _regions_of(found: Iterable[Place]) -> dict[int, frozenset[str]]:
    """Each place's region as a set of one slug (none when not recorded)."""
    slugs = {name: slugify(name) for name in {p.region for p in found if p.region}}
    return {p.id: frozenset((slugs[p.region],)) if p.region else frozenset() for p in found}


def unknowns(session: Session, topic: str, today: date,
             members: Mapping[str, Sequence[int]] | None = None) -> Unknowns:
    """Everyone in the coverage groups with no recorded stance on ``topic``, largest reach first.

    ``members`` lets a caller that has already found the groups reuse them.
    """
    members = members if members is not None else group_members(session, today)
    wanted = set(everyone_counted(members)) - view.people_on_record(session, topic)
    group = {key: set(ids) for key, ids in members.items()}
    mps = _mps(session, today, wanted & group["sitting_mps"])
    candidates = _candidates(session, wanted & group["ge2024_candidates"])
    councillors = _councillors(session, today, wanted & group["councillors"])
    found = places(session, (d.area_id for d in (*mps, *candidates, *councillors) if d.area_id))
    who = {d.person_id: d for d in (*councillors, *candidates, *mps)}
    seat = {d.person_id: d for d in mps}  # the latest seat of each MP
    stood = {d.person_id: d for d in candidates}
    sits_on: dict[int, dict[int, Place]] = defaultdict(dict)
    council_party: dict[int, PartyRef] = {}
    for d in councillors:
        if d.area_id is not None:
            sits_on[d.person_id][d.area_id] = found.by_id[d.area_id]
        if d.party is not None:
            council_party[d.person_id] = d.party
    party_now = parties_today(session, today, wanted)
    regions_of = _regions_of(found.by_id.values())
    none: frozenset[Any] = frozenset()
    rows = []
    for pid in wanted:
        person, mp, cand = who[pid], seat.get(pid), stood.get(pid)
        area_id = (mp.area_id if mp else None) or (cand.area_id if cand else None)
        place = found.by_id[area_id] if area_id is not None else None
        # Today's party where we hold one; else the seat's; else the 2024 ballot's.
        party = (party_now.get(pid) or (mp.party if mp else None) or council_party.get(pid)
                 or (cand.party if cand else None))
        within = found.councils_of.get(area_id, none) if area_id is not None else none
        regions = regions_of[area_id] if area_id is not None else none
        sat_on: tuple[Place, ...] = ()
        if pid in sits_on:
            sat_on = tuple(sorted(sits_on[pid].values(), key=lambda c: c.name))
            within = within.union(c.id for c in sat_on)
            regions = regions.union(*(regions_of[c.id] for c in sat_on))
        rows.append(Unrecorded(pid, person.slug, person.name, person.sort_name,
                               tuple(k for k in GROUPS if pid in group[k]), party, place, sat_on,
                               within=within, regions=regions))
    rows.sort(key=Unrecorded.sort_key)
    return Unknowns(rows, found.councils, region_names(session))
