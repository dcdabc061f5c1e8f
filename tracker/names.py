"""The names people use: every spelling a source gave a person, and the display name.

Importers record each spelling through a ``NameBook`` (or ``record_names``): one
``PersonName`` row per person, spelling and origin, with the day the source
spoke for (``used_on``) and its Source where there is one. ``flush`` writes them
in bulk through the Recorder, then sets the display name of the people it
touched, so the names converge whatever order the importers run in.

What ``used_on`` means for each origin (the latest day the source is known to
have used the spelling; a later use moves it forward, never back):

- ``commons-votes``: the division's date.
- ``members-api``: the day the API was asked (live), or the end of the member's
  seat when it has ended; unknown (None) for a saved answer of a sitting member.
- ``hoc-library`` and ``democracy-club``: the general election's polling day.
- ``twfy``: the membership's end date, or its start date while it is open (the
  latest day the file certainly speaks for: TheyWorkForYou gives no file date).
- ``councillors``: the day the news report says they left; ``seeds``: unknown.

The display name (``Person.name``) is the spelling of the latest official
source (UK Parliament: Commons Votes, the Members API, the Commons Library's
results); without one the name stays as the importers made it. Names in list
form ("Shah, Naz", the ``ListAs`` of Parliament's APIs) are kept as spellings
and give the sort name, never the display name. ``Person.slug`` never changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlmodel import Session, select

from tracker.db import chunks
from tracker.models import Person, PersonName
from tracker.revisions import Recorder
from tracker.text import list_name, sort_name_for, strip_honorifics


@dataclass(frozen=True)
class Origin:
    label: str  # how pages name it: "Naseem Shah (TheyWorkForYou)"
    official: bool  # a UK Parliament source: display names come from these
    rank: int = 0  # among official sources speaking for the same day, the higher wins


ORIGINS: dict[str, Origin] = {
    "members-api": Origin("UK Parliament Members API", True, 3),
    "commons-votes": Origin("Commons Votes", True, 2),
    "hoc-library": Origin("House of Commons Library", True, 1),
    "twfy": Origin("TheyWorkForYou", False),
    "democracy-club": Origin("Democracy Club", False),
    "councillors": Origin("news reports", False),
    "seeds": Origin("seed articles", False),
}
MAX_NAME = 200
_CHUNK = 900  # ids per IN (...) list, below SQLite's variable limit


def origin_label(origin: str) -> str:
    known = ORIGINS.get(origin)
    return known.label if known else origin


def clean_name(name: str | None) -> str | None:
    """Spaces tidied and honorifics dropped; a list form 'Abbott, Ms Diane' -> 'Abbott, Diane'."""
    if not name or not name.strip():
        return None
    name = " ".join(name.split())
    cleaned = list_name(name) if "," in name else strip_honorifics(name)
    return cleaned[:MAX_NAME] or None


def is_list_form(name: str) -> bool:
    return "," in name


def name_words(name: str) -> list[str]:
    """The words of a name, lower case, in order; a list form is read back ('Shah, Naz' -> naz shah)."""
    if is_list_form(name):
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    return "".join(c if c.isalnum() else " " for c in name.casefold()).split()


def same_name(a: str, b: str) -> bool:
    """The same words in the same order, whatever the case, punctuation or list form."""
    return name_words(a) == name_words(b)


# -- the display name: pure functions ------------------------------------------------------

@dataclass(frozen=True)
class NameUse:
    name: str
    origin: str
    used_on: date | None = None

    @property
    def official(self) -> bool:
        known = ORIGINS.get(self.origin)
        return bool(known and known.official)


def _recency(use: NameUse) -> tuple[date, int, str]:
    known = ORIGINS.get(use.origin)
    return (use.used_on or date.min, known.rank if known else 0, use.name)


def display_name(current: str, uses: Iterable[NameUse]) -> str:
    """The spelling of the latest official source; ``current`` when there is none.

    Ties on the day go to the higher-ranked source, then to the name (so the
    answer never depends on the order the rows were read in).
    """
    official = [u for u in uses if u.official and not is_list_form(u.name)]
    if not official:
        return current
    return max(official, key=_recency).name


def display_sort_name(display: str, current_sort: str, uses: Iterable[NameUse]) -> str:
    """'Jones, Kevan' for 'Kevan Jones': an official list form of the same words first,
    else the current surname if the name still ends with it, else the last word."""
    forms = sorted((u for u in uses if u.official and is_list_form(u.name)
                    and same_name(u.name, display)), key=_recency, reverse=True)
    if forms:
        return forms[0].name
    surname = name_words(current_sort.partition(",")[0]) if "," in current_sort else []
    words = display.split()
    for size in range(1, len(words)):  # 'Liz Saville Roberts' keeps 'Saville-Roberts' as a surname
        tail = " ".join(words[-size:])
        if name_words(tail) == surname:
            return f"{tail}, {' '.join(words[:-size])}"
    return sort_name_for(display)


def refresh_display_names(session: Session, recorder: Recorder,
                          person_ids: Collection[int] | None = None, *,
                          source: str = "person_name") -> int:
    """Give each person (those of ``person_ids``, or everyone) their display name.

    Writes only the people whose name changes (and their sort name with it);
    returns how many. A few statements whatever the number of people.
    """
    uses: dict[int, list[NameUse]] = defaultdict(list)
    for row in _official_names(session, person_ids):
        uses[row.person_id].append(NameUse(row.name, row.origin, row.used_on))
    changed = 0
    for person in _people(session, list(uses)):
        own = uses[person.id]  # type: ignore[index]
        name = display_name(person.name, own)
        if name == person.name:
            continue
        latest = max((u for u in own if u.name == name), key=_recency)
        recorder.update(person, {"name": name,
                                 "sort_name": display_sort_name(name, person.sort_name, own)},
                        source=f"{source}: the latest official spelling ({origin_label(latest.origin)}"
                               f"{', ' + latest.used_on.isoformat() if latest.used_on else ''})")
        changed += 1
    recorder.flush()
    return changed


def _official_names(session: Session, person_ids: Collection[int] | None) -> list[PersonName]:
    statement = select(PersonName).where(PersonName.official == True)  # noqa: E712
    if person_ids is None:
        return list(session.exec(statement).all())
    found: list[PersonName] = []
    for part in chunks(sorted(person_ids), _CHUNK):
        found.extend(session.exec(statement.where(
            PersonName.person_id.in_(part))).all())  # type: ignore[attr-defined]
    return found


def _people(session: Session, ids: Sequence[int]) -> list[Person]:
    found: list[Person] = []
    for part in chunks(sorted(ids), _CHUNK):
        found.extend(session.exec(select(Person).where(Person.id.in_(part))).all())  # type: ignore[union-attr]
    return found


# -- recording what sources call people -------------------------------------------------------

class NameBook:
    """Collects the spellings an import met, then writes them in bulk.

    ``add`` takes the Person object (it may not have an id yet); ``flush``
    flushes the Recorder, loads the stored names of those people (one query per
    900 people), adds the new ones, moves ``used_on`` (and the source with it)
    forward where the source is more recent, and refreshes display names.
    """

    def __init__(self, session: Session, recorder: Recorder) -> None:
        self.session = session
        self.recorder = recorder
        # (person, name, origin) -> (used_on, source_id); the person by identity.
        self._wanted: dict[tuple[int, str, str], tuple[date | None, int | None]] = {}
        self._people: dict[int, Person] = {}

    def add(self, person: Person | None, name: str | None, origin: str,
            used_on: date | None = None, source_id: int | None = None) -> None:
        if origin not in ORIGINS:
            raise ValueError(f"unknown name origin {origin!r}; known: {', '.join(ORIGINS)}")
        spelled = clean_name(name)
        if person is None or spelled is None:
            return
        self._people[id(person)] = person
        key = (id(person), spelled, origin)
        held = self._wanted.get(key)
        if held is None or _later(used_on, held[0]):
            self._wanted[key] = (used_on, source_id if source_id is not None else
                                 (held[1] if held else None))
        elif held[1] is None and source_id is not None:
            self._wanted[key] = (held[0], source_id)

    def flush(self) -> None:
        if not self._wanted:
            return
        self.recorder.flush()  # new people get their ids
        ids = {k: p.id for k, p in self._people.items()}
        stored: dict[tuple[int, str, str], PersonName] = {}
        for part in chunks(sorted({i for i in ids.values() if i is not None}), _CHUNK):
            for row in self.session.exec(select(PersonName).where(
                    PersonName.person_id.in_(part))).all():  # type: ignore[attr-defined]
                stored[(row.person_id, row.name, row.origin)] = row
        for (key, name, origin), (used_on, source_id) in self._wanted.items():
            person_id = ids[key]
            assert person_id is not None
            official = ORIGINS[origin].official
            row = stored.get((person_id, name, origin))
            if row is None:
                self.recorder.add(PersonName(person_id=person_id, name=name, origin=origin,
                                             official=official, used_on=used_on,
                                             source_id=source_id))
                continue
            values: dict[str, object] = {"official": official}
            if _later(used_on, row.used_on):
                values |= {"used_on": used_on, "source_id": source_id}
            elif row.source_id is None:
                values["source_id"] = source_id
            self.recorder.update(row, values)
        self.recorder.flush()
        refresh_display_names(self.session, self.recorder,
                              {i for i in ids.values() if i is not None})
        self._wanted.clear()
        self._people.clear()


def _later(new: date | None, old: date | None) -> bool:
    return new is not None and (old is None or new > old)


NameRow = tuple[Person | None, str | None, date | None, int | None]


def record_names(session: Session, recorder: Recorder, origin: str, rows: Iterable[NameRow]) -> None:
    """Record (person, name, used_on, source_id) rows of one origin and refresh display names."""
    book = NameBook(session, recorder)
    for person, name, used_on, source_id in rows:
        book.add(person, name, origin, used_on, source_id)
    book.flush()


def refresh_all(session: Session) -> Recorder:
    """The pass at the end of ``tracker import all``: everyone's display name."""
    recorder = Recorder(session, actor="import:names", source="person_name")
    refresh_display_names(session, recorder)
    return recorder


class _Listed(Protocol):
    name: str
    list_as: str | None


def record_division_names(session: Session, recorder: Recorder, voters: Sequence[Person],
                          listed: Sequence[_Listed], day: date, source_id: int | None) -> None:
    """A Commons Votes division: each member's ``Name`` and ``ListAs``, dated by the division."""
    record_names(session, recorder, "commons-votes", (
        (person, name, day, source_id)
        for person, member in zip(voters, listed, strict=True)
        for name in (member.name, member.list_as)))


class _Candidate(Protocol):
    full_name: str
    dc: Any


def record_ge2024_names(session: Session, recorder: Recorder, candidates: Sequence[_Candidate],
                        people: Sequence[Person], polling_day: date, source_id: int | None) -> None:
    """GE2024 candidates: the Library's first name and surname (official, with its Source)
    and Democracy Club's name (no Source row of its own), both dated by polling day."""
    book = NameBook(session, recorder)
    for candidate, person in zip(candidates, people, strict=True):
        book.add(person, candidate.full_name, "hoc-library", polling_day, source_id)
        if candidate.dc is not None:
            book.add(person, candidate.dc.name, "democracy-club", polling_day)
    book.flush()


class _Member(Protocol):
    id: int
    name: str
    sort_name: str
    end_date: date | None


class _People(Protocol):
    def find(self, **ids: object) -> Person | None: ...


def record_member_names(session: Session, recorder: Recorder, people: _People,
                        members: Sequence[_Member], fetched_on: date | None) -> None:
    """Members API: ``nameDisplayAs`` and ``nameListAs`` (already without honorifics), dated
    by the end of the seat if it ended, else by the day the API was asked (None: a saved file)."""
    record_names(session, recorder, "members-api", (
        (people.find(parliament_id=member.id), name, member.end_date or fetched_on, None)
        for member in members for name in (member.name, member.sort_name)))
