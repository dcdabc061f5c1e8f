"""Search people, constituencies, councils and parties by name.

``search(session, text)`` is the one entry point. Matching runs in the database,
on the index that migrations 0002 and 0004 keep up to date with triggers
(``search_fts``). People are found by their display name and by every other
name a source used for them (``person_name``, group ``name`` in the index):
the candidates query maps such a row to its person, who is listed once, ranked
by the better of the names matched, with ``also_known_as`` set when the match
was on another name ("Naz Shah", also known as Naseem Shah).

- SQLite: FTS5 with ``unicode61 remove_diacritics 2`` finds names containing
  every word typed, as words or prefixes, accents ignored ("chloe" finds
  "Chloé", "allin khan" finds "Rosena Allin-Khan"); a second FTS5 table with
  the ``trigram`` tokenizer finds names sharing the most three-letter pieces
  with the words typed, which catches small typos ("tahir alli").
- PostgreSQL: the same two passes over a tsvector (prefix query) and pg_trgm's
  ``<%`` word similarity of each word typed, when pg_trgm is installed
  (otherwise words and prefixes only).

Each pass returns at most ``CANDIDATES`` rows per group, ranked by the database
(bm25, ts_rank, similarity); only that short list is reranked here: exact name
first (word order ignored), then every word found as a word or prefix, then
close spellings (difflib). Anything typed is safe: the text is cut to
``MAX_LENGTH`` characters and reduced to letters and digits before it reaches
a query, and it is always passed as a bound parameter.

A page of results runs a fixed number of statements, whatever it holds:
one for the candidates, three to load them, three for the people's roles and
parties, and one for their stances from the read model.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.models import Affiliation, Area, Body, Candidacy, Election, Membership, Party, Person
from tracker.readmodel import view
from tracker.readmodel.view import StanceView
from tracker.reference import default_topic
from tracker.text import fold_words

MAX_LENGTH = 200
MAX_WORDS = 8
MAX_TRIGRAMS = 48
CANDIDATES = 50
GROUPS = ("person", "constituency", "council", "party")
# Words people add to a name that the names themselves need not contain.
_EXTRA_WORDS = frozenset({"the", "and", "of", "for", "mp", "cllr", "councillor", "candidate",
                          "constituency", "council", "party", "dr", "mr", "mrs", "ms", "sir", "dame"})
# How close a misspelt word must be (difflib ratio); one letter off in a short word is 0.75-0.86.
_CLOSE_ENOUGH = 0.72
_CLOSE_ENOUGH_SHORT = 0.8  # words of four letters or fewer


@dataclass(frozen=True)
class PersonResult:
    person: Person
    role: str | None
    party: str | None
    stance: StanceView
    also_known_as: str | None = None  # the other name matched, when not the display name


@dataclass(frozen=True)
class SearchResults:
    """What ``search`` found, per group, best first."""

    query: str
    people: list[PersonResult] = field(default_factory=list)
    constituencies: list[Area] = field(default_factory=list)  # 2024 boundaries first
    councils: list[Area] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.people) + len(self.constituencies) + len(self.councils) + len(self.parties)


def search(session: Session, text: str, limit: int = 20, topic: str | None = None,
           today: date | None = None) -> SearchResults:
    """People, constituencies, councils and parties whose names match ``text``.

    At most ``limit`` results per group; stances are on ``topic`` (default: the default
    topic). Never raises for odd input: text with no letters or digits simply finds nothing.
    """
    query = " ".join(text.split())[:MAX_LENGTH]
    words = fold_words(query)[:MAX_WORDS]
    if not words:
        return SearchResults(query)
    limit = max(1, min(limit, CANDIDATES))
    if session.get_bind().dialect.name == "postgresql":
        candidates = _postgresql_candidates(session, words)
    else:
        candidates = _sqlite_candidates(session, words)
    ranked = _rerank(words, candidates)
    keys = {group: [key for key, _ in ranked[group][:limit]] for group in GROUPS}
    aliases = {key // 4: score[4] for key, score in ranked["person"][:limit] if score[4]}
    return _load(session, query, keys, topic or default_topic(), today or date.today(), aliases)


# Text -----------------------------------------------------------------------

def _trigrams(words: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for word in words:
        for i in range(len(word) - 2):
            seen.setdefault(word[i:i + 3])
    return list(seen)[:MAX_TRIGRAMS]


# Database candidates ---------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    key: int
    group: str
    text: str
    alias: str | None = None  # the other name matched (group "name" mapped to its person)


def _top_per_group(inner: str) -> str:
    """Keep the CANDIDATES best rows of each group of ``inner`` (columns key, grp, text, score)."""
    return (f"SELECT key, grp, text FROM (SELECT key, grp, text, row_number() OVER "
            f"(PARTITION BY grp ORDER BY score DESC, key) AS n FROM ({inner}) AS ranked) AS kept "
            f"WHERE n <= {CANDIDATES}")


def _with_people(candidates: str) -> str:
    """Map other names (group ``name``, key ``person_name.id * 4``) to their person's key
    (``person.id * 4 + 1``, group ``person``), keeping the name matched as ``alias``."""
    return ("SELECT CASE WHEN pn.id IS NULL THEN c.key ELSE pn.person_id * 4 + 1 END AS key, "
            "CASE WHEN pn.id IS NULL THEN c.grp ELSE 'person' END AS grp, c.text, "
            f"pn.name AS alias FROM ({candidates}) AS c "
            "LEFT JOIN person_name AS pn ON c.grp = 'name' AND pn.id = c.key / 4")


def _sqlite_candidates(session: Session, words: Sequence[str]) -> list[_Candidate]:
    # Every word is letters and digits only, so quoting it makes a literal FTS5 string.
    parts = [_top_per_group("SELECT rowid AS key, grp, name AS text, -bm25(search_fts) AS score "
                            "FROM search_fts WHERE search_fts MATCH :words")]
    params: dict[str, Any] = {"words": " ".join(f'"{w}"*' for w in words)}
    trigrams = _trigrams(words)
    if trigrams:
        parts.append(_top_per_group(
            "SELECT rowid AS key, grp, name AS text, -bm25(search_trigram_fts) AS score "
            "FROM search_trigram_fts WHERE search_trigram_fts MATCH :trigrams"))
        params["trigrams"] = " OR ".join(f'"{t}"' for t in trigrams)
    rows = session.connection().execute(sa.text(_with_people(" UNION ALL ".join(parts))),
                                        params).all()
    return [_Candidate(int(key), grp, text, alias) for key, grp, text, alias in rows]


def _postgresql_candidates(session: Session, words: Sequence[str]) -> list[_Candidate]:
    connection = session.connection()
    parts = [_top_per_group(
        "SELECT key, grp, document AS text, ts_rank(words, q) AS score "
        "FROM search_fts, to_tsquery('simple', :words) AS q WHERE words @@ q")]
    params: dict[str, Any] = {"words": " & ".join(f"{w}:*" for w in words)}
    long_words = [w for w in words if len(w) >= 3]
    if long_words and _has_trigrams(connection):
        # Like the SQLite trigram pass: any word close to a word of the name, the closest first.
        names = [f"w{i}" for i in range(len(long_words))]
        parts.append(_top_per_group(
            "SELECT key, grp, document AS text, "
            f"{' + '.join(f'word_similarity(:{n}, document)' for n in names)} AS score "
            f"FROM search_fts WHERE {' OR '.join(f':{n} <% document' for n in names)}"))
        params.update(zip(names, long_words, strict=True))
    rows = connection.execute(sa.text(_with_people(" UNION ALL ".join(parts))), params).all()
    return [_Candidate(int(key), grp, text, alias) for key, grp, text, alias in rows]


def _has_trigrams(connection: sa.Connection) -> bool:
    """Whether pg_trgm is installed (asked once per pooled connection)."""
    info = connection.info
    if "search_fts_trgm" not in info:
        info["search_fts_trgm"] = bool(connection.execute(sa.text(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")).scalar())
    return bool(info["search_fts_trgm"])


# Reranking the short list ------------------------------------------------------

def _word_match(word: str, name_words: Sequence[str]) -> tuple[int, float]:
    """(2 = whole word, 1 = prefix, 0 = neither), and the closest spelling's similarity."""
    if word in name_words:
        return 2, 1.0
    if any(n.startswith(word) for n in name_words):
        return 1, 1.0
    return 0, max((difflib.SequenceMatcher(None, word, n).ratio() for n in name_words), default=0.0)


def _score(words: Sequence[str], text: str) -> tuple[int, float] | None:
    """(class, similarity) of a name for the words typed; None if it is not a match.

    Class 3: the same words in any order; 2: every word typed is a word or
    the start of one; 1: every word typed is close to one. Hyphenated or
    spaced parts also count joined up ("allinkhan").
    """
    own = fold_words(text)
    name_words = own + [a + b for a, b in zip(own, own[1:], strict=False)]
    matches = [(w, *_word_match(w, name_words)) for w in words]
    # Words such as "MP" or "council" may be typed without being part of a name.
    counted = [m for m in matches if not (m[1] == 0 and m[0] in _EXTRA_WORDS)] or matches
    if sorted(own) == sorted(words):
        return 3, 1.0
    similarity = sum(m[2] for m in counted) / len(counted)
    if all(m[1] > 0 for m in counted):
        return 2, similarity
    if all(m[1] > 0 or m[2] >= (_CLOSE_ENOUGH_SHORT if len(m[0]) <= 4 else _CLOSE_ENOUGH)
           for m in counted):
        return 1, similarity
    return None


def _rerank(words: Sequence[str], candidates: Iterable[_Candidate]) -> dict[str, list[tuple[int, Any]]]:
    """Matches per group, best first. Close spellings count only when nothing,
    in any group, has every word typed ("oxford" finds Oxford, not Mike Ford).
    A person matched by several names keeps the best match (the display name on a tie);
    the last item of a score is the other name it was on ("" for the display name)."""
    scored: dict[str, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    for c in candidates:
        score = _score(words, c.text)
        if score is not None and c.group in GROUPS:
            # Shorter names first among equals: fewer words that were not asked for.
            entry = (-score[0], -score[1], len(c.text), c.text, c.alias or "")
            held = scored[c.group].get(c.key)
            if held is None or (entry[0], entry[1], bool(entry[4])) < (held[0], held[1], bool(held[4])):
                scored[c.group][c.key] = entry
    if any(s[0] <= -2 for group in scored.values() for s in group.values()):
        scored = defaultdict(dict, {g: {k: s for k, s in group.items() if s[0] <= -2}
                                    for g, group in scored.items()})
    return {group: sorted(((k, s) for k, s in scored[group].items()), key=lambda ks: ks[1])
            for group in GROUPS}


# Loading what was found ---------------------------------------------------------

def _ids(keys: Sequence[int]) -> list[int]:
    return [key // 4 for key in keys]


def _in_order(rows: Iterable[Any], ids: Sequence[int]) -> list[Any]:
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _load(session: Session, query: str, keys: dict[str, list[int]], topic: str,
          today: date, aliases: dict[int, str] | None = None) -> SearchResults:
    person_ids = _ids(keys["person"])
    area_ids = _ids(keys["constituency"] + keys["council"])
    party_ids = _ids(keys["party"])
    people = _in_order(session.exec(select(Person).where(Person.id.in_(person_ids))).all()  # type: ignore[union-attr]
                       if person_ids else [], person_ids)
    areas = _in_order(session.exec(select(Area).where(Area.id.in_(area_ids))).all()  # type: ignore[union-attr]
                      if area_ids else [], area_ids)
    parties = _in_order(session.exec(select(Party).where(Party.id.in_(party_ids))).all()  # type: ignore[union-attr]
                        if party_ids else [], party_ids)
    constituencies = [a for a in areas if a.kind == "westminster_constituency"]
    # Today's boundaries first; a stable sort keeps the match order within each set.
    constituencies.sort(key=lambda a: a.boundary_set != "2024")
    return SearchResults(
        query=query, people=_people(session, people, topic, today, aliases or {}),
        constituencies=constituencies,
        councils=[a for a in areas if a.kind == "council"], parties=parties)


def _also_known_as(person: Person, alias: str | None) -> str | None:
    """The other name matched, unless it is the display name in other words ("Shah, Naz")."""
    if not alias or sorted(fold_words(alias)) == sorted(fold_words(person.name)):
        return None
    return alias


def _people(session: Session, people: list[Person], topic: str, today: date,
            aliases: dict[int, str]) -> list[PersonResult]:
    if not people:
        return []
    ids = [p.id for p in people]
    stances = view.stances(session, ids, topic)  # type: ignore[arg-type]
    roles = _roles(session, ids, today)  # type: ignore[arg-type]
    parties = _current_parties(session, ids, today)  # type: ignore[arg-type]
    return [PersonResult(person=p, role=roles.get(p.id, (None, None))[0],  # type: ignore[arg-type]
                         party=parties.get(p.id) or roles.get(p.id, (None, None))[1],  # type: ignore[arg-type]
                         stance=stances[p.id],  # type: ignore[index]
                         also_known_as=_also_known_as(p, aliases.get(p.id)))  # type: ignore[arg-type]
            for p in people]


def _is_current(start: date | None, end: date | None, today: date) -> bool:
    return (start is None or start <= today) and (end is None or end >= today)


def _roles(session: Session, ids: list[int], today: date) -> dict[int, tuple[str, str | None]]:
    """Each person's current seat, else latest candidacy, else last seat: (words, party)."""
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
    out: dict[int, tuple[str, str | None]] = {}
    for pid in ids:
        held = sorted(seats.get(pid, []), key=lambda r: r[0].start_date or date.min, reverse=True)
        current = [r for r in held if _is_current(r[0].start_date, r[0].end_date, today)]
        runs = sorted(stood.get(pid, []), key=lambda r: r[1].election_date, reverse=True)
        if current:
            out[pid] = (_seat_words(*current[0], former=False), _party_name(current[0][3]))
        elif runs:
            candidacy, election, area, party = runs[0]
            result = " (elected)" if candidacy.elected else ""
            out[pid] = (f"Candidate for {area.name}, {election.name}{result}",
                        candidacy.party_label or _party_name(party))
        elif held:
            out[pid] = (_seat_words(*held[0], former=True), _party_name(held[0][3]))
    return out


def _party_name(party: Party | None) -> str | None:
    return party.name if party else None


def _seat_words(membership: Membership, body: Body, area: Area | None, _party: Party | None,
                former: bool) -> str:
    if body.kind == "commons":
        words = f"MP for {area.name}" if area else "MP"
    else:
        role = (membership.role or "member").strip()
        words = f"{role[:1].upper()}{role[1:]}, {body.name}"
    if not former:
        return words
    return "Former " + (words if words.startswith("MP") else words[:1].lower() + words[1:])


def _current_parties(session: Session, ids: list[int], today: date) -> dict[int, str]:
    """The party each person belongs to today, where known (latest start wins)."""
    rows = session.exec(select(Affiliation, Party).join(Party, Party.id == Affiliation.party_id)  # type: ignore[arg-type]
                        .where(Affiliation.person_id.in_(ids))).all()  # type: ignore[attr-defined]
    live = sorted(((a, p) for a, p in rows
                   if (a.start_date is None or a.start_date <= today)
                   and (a.end_date is None or a.end_date > today)),
                  key=lambda ap: ap[0].start_date or date.min)
    return {a.person_id: p.name for a, p in live}
