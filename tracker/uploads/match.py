"""Match each row of an uploaded list to the person it names.

An id wins: a row giving an id is matched to the person holding it (an id we do not hold
leaves the row unmatched; ids naming different people, or a name that is not the id's
person's, make it ambiguous). Otherwise the name is compared with every name we hold
(``Person.name`` and each ``PersonName``), folded (accents, case, punctuation and titles
dropped), with rapidfuzz: the better of ``token_sort_ratio`` (which ignores the order of
the words) and ``ratio`` (which forgives a slip in a name's first letter); a name whose
words all appear in a longer name ("Jeremy Corbyn", "Jeremy Bernard Corbyn") scores at
least ``SUBSET_SCORE``. The constituency, when given, narrows the choice to people who sat
for it or stood in it.

Every row ends as one of:

- ``matched``: one person, with the score and how it was found;
- ``ambiguous``: up to five candidates, best first, and why no one of them was chosen;
- ``unmatched``: why not.

:class:`PeopleIndex` loads every person, name and place once per upload (five queries);
names without an exact match are scored in one batch (``process.cdist``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from tracker.models import Area, Candidacy, Membership, Person, PersonName
from tracker.text import fold_words, strip_honorifics
from tracker.uploads.parse import UploadRow

Status = Literal["matched", "ambiguous", "unmatched"]
MATCH_SCORE = 90  # a name alone (no constituency to back it) must score this much
LOCAL_MATCH_SCORE = 80  # a name among the people of the constituency given
CANDIDATE_SCORE = 75  # the least score shown as a candidate
SUBSET_SCORE = 90  # every word of the shorter name (two words or more) is in the longer
SPACING_SCORE = 98.0  # the same letters, spaced differently ("MattBrown")
MARGIN = 5  # a second person this close to the best makes the row ambiguous
MAX_CANDIDATES = 5
_BATCH = 250  # names scored at once (a batch's matrix is _BATCH x names bytes)
_TITLES = re.compile(r"^(?:cllr\.?|councillor)\s+|\s+(?:mp|msp|ms|mla|cllr)$", re.IGNORECASE)
# Ids as the row gives them -> the Person attribute holding them.
_ID_ATTRIBUTES = {"person": "slug", "parliament_id": "parliament_id",
                  "democracy_club_id": "democracy_club_id", "twfy_id": "twfy_id",
                  "wikidata_id": "wikidata_id"}


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str  # the display name
    slug: str
    score: float
    matched_name: str  # the name that matched, when another name than the display name
    places: tuple[str, ...] = ()  # where they sat or stood, to tell candidates apart

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["places"] = list(self.places)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(**{**data, "places": tuple(data.get("places", ()))})


@dataclass(frozen=True)
class Match:
    line: int
    status: Status
    reason: str  # how it was matched, or why it was not
    person_id: int | None = None
    score: float | None = None
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "status": self.status, "reason": self.reason,
                "person_id": self.person_id, "score": self.score,
                "candidates": [c.to_json() for c in self.candidates]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Match:
        return cls(line=data["line"], status=data["status"], reason=data["reason"],
                   person_id=data.get("person_id"), score=data.get("score"),
                   candidates=tuple(Candidate.from_json(c) for c in data.get("candidates", ())))


def fold_name(name: str) -> str:
    """A name as compared: titles, accents, case and punctuation dropped ('Dr Rosena
    Allin-Khan MP' -> 'rosena allin khan')."""
    plain = " ".join(name.split())
    while (stripped := _TITLES.sub("", plain)) != plain and stripped:
        plain = stripped
    return " ".join(fold_words(strip_honorifics(plain)))


def _place_key(text: str) -> str:
    """'Birmingham, Hall Green & Moseley' == 'birmingham-hall-green-and-moseley'."""
    return "".join(w for w in fold_words(text) if w != "and")


def name_score(query: str, name: str) -> float:
    """How close two folded names are (0-100)."""
    score = max(fuzz.token_sort_ratio(query, name), fuzz.ratio(query, name))
    words, other = query.split(), name.split()
    shorter, longer = (words, other) if len(words) <= len(other) else (other, words)
    if len(shorter) >= 2 and set(shorter) <= set(longer):
        score = max(score, SUBSET_SCORE)
    return round(float(score), 1)


@dataclass
class _Person:
    id: int
    name: str
    slug: str
    names: set[str] = field(default_factory=set)  # folded
    areas: set[int] = field(default_factory=set)


class PeopleIndex:
    """Every person, name and place, loaded once for an upload."""

    def __init__(self, session: Session) -> None:
        self.people: dict[int, _Person] = {}
        self.by_id: dict[str, dict[Any, int]] = {column: {} for column in _ID_ATTRIBUTES}
        rows = session.exec(select(Person.id, Person.name, Person.slug, Person.parliament_id,
                                   Person.democracy_club_id, Person.twfy_id, Person.wikidata_id)).all()
        for pid, name, slug, parliament_id, dc_id, twfy_id, wikidata_id in rows:
            self.people[pid] = _Person(pid, name, slug, {fold_name(name)} - {""})
            for column, value in (("person", slug), ("parliament_id", parliament_id),
                                  ("democracy_club_id", dc_id), ("twfy_id", twfy_id),
                                  ("wikidata_id", wikidata_id)):
                if value is not None:
                    self.by_id[column][value] = pid
        # A spelling as a source wrote it, for each folded name (shown beside a candidate).
        self.spelling: dict[str, str] = {}
        for pid, name in session.exec(select(PersonName.person_id, PersonName.name)).all():
            if pid in self.people and (folded := fold_name(name)):
                self.people[pid].names.add(folded)
                self.spelling.setdefault(folded, name)
        # Folded name -> the people bearing it; the distinct names, for scoring.
        self.exact: dict[str, set[int]] = defaultdict(set)
        for person in self.people.values():
            for folded in person.names:
                self.exact[folded].add(person.id)
        self.choices: list[str] = list(self.exact)
        # The same without spaces: "MattBrown", "Allin Khan" for "Allinkhan".
        self.compact: dict[str, list[str]] = defaultdict(list)
        for name in self.choices:
            self.compact[name.replace(" ", "")].append(name)
        self._load_places(session)

    def _load_places(self, session: Session) -> None:
        self.area_names: dict[int, str] = {}
        self.places: dict[str, set[int]] = defaultdict(set)
        for aid, name, slug, alt_names, boundary_set in session.exec(
                select(Area.id, Area.name, Area.slug, Area.alt_names, Area.boundary_set)).all():
            self.area_names[aid] = f"{name} ({boundary_set})" if boundary_set == "2010" else name
            for text in (name, slug, *(alt_names or "").splitlines()):
                if key := _place_key(text):
                    self.places[key].add(aid)
        self.area_people: dict[int, set[int]] = defaultdict(set)
        seats = select(Membership.person_id, Membership.area_id).where(
            Membership.area_id.is_not(None))  # type: ignore[union-attr]
        for statement in (seats, select(Candidacy.person_id, Candidacy.area_id)):
            for pid, aid in session.exec(statement).all():
                if pid in self.people:
                    self.people[pid].areas.add(aid)
                    self.area_people[aid].add(pid)
        self._place_keys = list(self.places)

    def areas_for(self, text: str) -> set[int]:
        """The areas a constituency (or council) names, by name, other name or slug; a close
        spelling when nothing is exact. Empty when none is recognised."""
        key = _place_key(text)
        if not key:
            return set()
        if key in self.places:
            return set(self.places[key])
        best = process.extractOne(key, self._place_keys, scorer=fuzz.ratio, score_cutoff=90)
        return set(self.places[best[0]]) if best else set()

    def candidate(self, pid: int, score: float, matched: str = "") -> Candidate:
        person = self.people[pid]
        places = sorted({self.area_names[a] for a in person.areas if a in self.area_names})
        shown = self.spelling.get(matched, matched) if matched and matched != fold_name(person.name) else ""
        return Candidate(pid, person.name, person.slug, score, shown, tuple(places[:3]))

    def best_names(self, query: str, person_ids: Iterable[int]) -> dict[int, tuple[float, str]]:
        """The best score of ``query`` against each person's names, and the name scored."""
        out = {}
        for pid in person_ids:
            scored = [(name_score(query, n), n) for n in self.people[pid].names]
            if scored:
                out[pid] = max(scored)
        return out


def match_rows(session: Session, rows: Sequence[UploadRow],
               index: PeopleIndex | None = None) -> list[Match]:
    """The match of every row, in the rows' order (one index, one scoring batch)."""
    index = index or PeopleIndex(session)
    folded = {row.line: fold_name(row.name) if row.name else "" for row in rows}
    global_scores = _score_globally(index, [q for r in rows if not r.ids and (q := folded[r.line])
                                            and q not in index.exact
                                            and q.replace(" ", "") not in index.compact])
    matches = [_match_one(index, row, folded[row.line], global_scores) for row in rows]
    return _flag_repeats(index, matches)


def _flag_repeats(index: PeopleIndex, matches: list[Match]) -> list[Match]:
    """A person matched by an earlier row too: the later row waits for a choice (keep or drop)."""
    first: dict[int, int] = {}
    out = []
    for m in matches:
        if m.status == "matched" and m.person_id is not None:
            if m.person_id in first:
                m = Match(m.line, "ambiguous", f"Line {first[m.person_id]} names the same person "
                          f"({index.people[m.person_id].name}).", candidates=m.candidates)
            else:
                first[m.person_id] = m.line
        out.append(m)
    return out


def _score_globally(index: PeopleIndex, queries: Sequence[str]) -> dict[str, dict[int, tuple[float, str]]]:
    """Every person one of whose names scores at least CANDIDATE_SCORE, for each of these names."""
    distinct = list(dict.fromkeys(queries))
    out: dict[str, dict[int, tuple[float, str]]] = {}
    # The subset rule can lift a pair above the cut-off: a lower one finds them for rescoring.
    cutoff = min(CANDIDATE_SCORE, 65)
    for start in range(0, len(distinct), _BATCH):
        batch = distinct[start:start + _BATCH]
        matrix = np.maximum(*(process.cdist(batch, index.choices, scorer=scorer, processor=None,
                                            score_cutoff=cutoff, dtype=np.uint8, workers=1)
                              for scorer in (fuzz.token_sort_ratio, fuzz.ratio)))
        for i, query in enumerate(batch):
            people: dict[int, tuple[float, str]] = {}
            for j in np.nonzero(matrix[i])[0]:
                name = index.choices[j]
                score = name_score(query, name)
                if score < CANDIDATE_SCORE:
                    continue
                for pid in index.exact[name]:
                    if score > people.get(pid, (-1.0, ""))[0]:
                        people[pid] = (score, name)
            out[query] = people
    return out


def _ranked(index: PeopleIndex, scores: Mapping[int, tuple[float, str]]) -> list[Candidate]:
    ordered = sorted(scores.items(), key=lambda item: (-item[1][0], index.people[item[0]].name, item[0]))
    return [index.candidate(pid, score, name) for pid, (score, name) in ordered]


def _match_one(index: PeopleIndex, row: UploadRow, query: str,
               global_scores: Mapping[str, Mapping[int, tuple[float, str]]]) -> Match:
    if row.ids:
        return _by_ids(index, row, query)
    if not query:
        return Match(row.line, "unmatched", "The name has no letters to compare.")
    if query in index.exact:
        scores = dict.fromkeys(index.exact[query], (100.0, query))
    elif query.replace(" ", "") in index.compact:
        scores = {pid: (SPACING_SCORE, name) for name in index.compact[query.replace(" ", "")]
                  for pid in index.exact[name]}
    else:
        scores = dict(global_scores.get(query, {}))
    if row.constituency:
        areas = index.areas_for(row.constituency)
        if areas:
            return _in_places(index, row, query, areas, scores)
        return _by_name(index, row, scores,
                        f"The constituency “{row.constituency}” was not recognised; matched by name alone.")
    return _by_name(index, row, scores, "")


def _by_name(index: PeopleIndex, row: UploadRow, scores: Mapping[int, tuple[float, str]],
             note: str) -> Match:
    ranked = [c for c in _ranked(index, scores) if c.score >= CANDIDATE_SCORE]
    if not ranked:
        return Match(row.line, "unmatched", " ".join(filter(None, [
            f"No one we hold has a name close to “{row.name}”.", note])))
    best = ranked[0]
    rivals = [c for c in ranked[1:] if c.score >= best.score - MARGIN]
    if best.score >= MATCH_SCORE and not rivals:
        how = "by name" if best.score == 100 else f"by a close spelling of the name ({best.score:g})"
        if best.matched_name:
            how = f"by another name we hold for them, “{best.matched_name}” ({best.score:g})"
        return Match(row.line, "matched", " ".join(filter(None, [f"Matched {how}.", note])),
                     best.person_id, best.score, (best,))
    if rivals:
        why = f"{len(rivals) + 1} people have names this close to “{row.name}”"
        why += "; give the constituency or an id to tell them apart." if not row.constituency else "."
    else:
        why = f"No name is close enough to “{row.name}” to be sure."
    return Match(row.line, "ambiguous", " ".join(filter(None, [why, note])),
                 candidates=tuple(ranked[:MAX_CANDIDATES]))


def _in_places(index: PeopleIndex, row: UploadRow, query: str, areas: set[int],
               scores: Mapping[int, tuple[float, str]]) -> Match:
    local_people = set().union(*(index.area_people.get(a, set()) for a in areas))
    local = {pid: s for pid, s in index.best_names(query, local_people).items() if s[0] >= CANDIDATE_SCORE}
    ranked = _ranked(index, local)
    if ranked:
        best = ranked[0]
        rivals = [c for c in ranked[1:] if c.score >= best.score - MARGIN]
        if best.score >= LOCAL_MATCH_SCORE and not rivals:
            return Match(row.line, "matched", f"Matched by name ({best.score:g}) in {row.constituency}.",
                         best.person_id, best.score, (best,))
        return Match(row.line, "ambiguous",
                     f"More than one person in {row.constituency} has a name close to “{row.name}”."
                     if rivals else f"No name in {row.constituency} is close enough to “{row.name}” "
                     "to be sure.", candidates=tuple(ranked[:MAX_CANDIDATES]))
    elsewhere = [c for c in _ranked(index, scores) if c.score >= CANDIDATE_SCORE]
    if elsewhere:
        return Match(row.line, "ambiguous",
                     f"No one called “{row.name}” sat for or stood in {row.constituency}; people with "
                     "that name or one close to it elsewhere are listed.",
                     candidates=tuple(elsewhere[:MAX_CANDIDATES]))
    return Match(row.line, "unmatched",
                 f"No one we hold has a name close to “{row.name}”, in {row.constituency} or elsewhere.")


def _by_ids(index: PeopleIndex, row: UploadRow, query: str) -> Match:
    found: dict[str, int] = {}
    for column, value in row.ids.items():
        pid = index.by_id[column].get(value)
        if pid is None:
            return Match(row.line, "unmatched", f"No one we hold has {column} {value}.")
        found[column] = pid
    people = list(dict.fromkeys(found.values()))
    if len(people) > 1:
        named = "; ".join(f"{column} {row.ids[column]} is {index.people[pid].name}"
                          for column, pid in found.items())
        return Match(row.line, "ambiguous", f"The ids name different people: {named}.",
                     candidates=tuple(index.candidate(pid, 0.0) for pid in people))
    pid = people[0]
    columns = " and ".join(found)
    if not query:
        return Match(row.line, "matched", f"Matched by {columns}.", pid, 100.0,
                     (index.candidate(pid, 100.0),))
    score, name = index.best_names(query, [pid]).get(pid, (0.0, ""))
    if score >= LOCAL_MATCH_SCORE:
        return Match(row.line, "matched", f"Matched by {columns}.", pid, 100.0,
                     (index.candidate(pid, 100.0, name),))
    others = [c for c in _ranked(index, dict.fromkeys(index.exact.get(query, ()), (100.0, query)))
              if c.person_id != pid]
    column = next(iter(found))
    return Match(row.line, "ambiguous",
                 f"{column} {row.ids[column]} is {index.people[pid].name}, but the row names “{row.name}”.",
                 candidates=(index.candidate(pid, score, name), *others[:MAX_CANDIDATES - 1]))
