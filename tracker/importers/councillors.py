"""`tracker import councillors FILE`: councillors who left Labour over Gaza in 2023.

Reads ``councillors/councillors_left_labour_over_gaza_2023.csv``: one row per
councillor named in a news report. For each row: the council (an Area and a
Body), the person, their council seat, their Labour affiliation ending on the
day they left and the new one starting then, and an approved ``party_switch``
evidence row (they left over Labour's refusal to call for a ceasefire). The council
is found by name or alternative name among the stored ones (the register's, once
``import councils`` ran: "Walsall Council" is Walsall Metropolitan Borough Council),
and made only when none fits (``council_index``).

These people have no external ids, so the importer finds them again by its own
keys, ``council:<council-slug>:<name-slug>`` (the seed loader uses the same): the seat's
``Membership.external_id``, the ``Evidence.external_key``, and, for a row with
no council, the ``Source.key`` of the Source its Labour affiliation cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import click
import sqlalchemy as sa
from flask import current_app
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.importers.base import (
    FILE_PATH,
    ImportResult,
    ImportSourceError,
    Progress,
    Row,
    read_csv,
    sync_reference_quietly,
)
from tracker.importers.council_index import AmbiguousCouncilName, CouncilIndex
from tracker.importers.runner import run_import
from tracker.models import (
    Affiliation,
    Area,
    Body,
    Evidence,
    Membership,
    Party,
    Person,
    Source,
    Topic,
    utcnow,
)
from tracker.names import record_names
from tracker.reference import PartyResolver, SourceBook, project_data_dir
from tracker.revisions import Recorder
from tracker.text import Slugs, slugify, sort_name_for

ALL_ORDER = 50
SHARED_FILE = "councillors/councillors_left_labour_over_gaza_2023.csv"
COLUMNS = ("name", "council", "ward", "former_party", "date", "new_affiliation", "source_url")
KEY_PREFIX = "council"  # shared with seeds/: a council seat is "council:<council>:<person>"
TOPIC = "ceasefire"
ACTOR = "import:councillors"
# Publishers by web host (the host's end); other hosts are shown as the host itself.
PUBLISHERS = {
    "bbc.co.uk": "BBC News", "bbci.co.uk": "BBC News", "bbc.com": "BBC News",
    "oxfordstudent.com": "Oxford Student", "oxfordmail.co.uk": "Oxford Mail",
    "cherwell.org": "Cherwell", "lancashiretelegraph.co.uk": "Lancashire Telegraph",
    "burnleyexpress.net": "Burnley Express", "asianimage.co.uk": "Asian Image",
    "easterneye.biz": "Eastern Eye", "itv.com": "ITV News", "vote-watch.com": "Vote Watch",
    "indy100.com": "indy100",
}
_QUALIFIED = re.compile(r"^(?P<name>[^(]+?)\s*\((?P<caveat>[^)]*)\)\s*$")


def publisher_for(url: str) -> str:
    """'https://feeds.bbci.co.uk/news/...' -> 'BBC News'."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for suffix, publisher in PUBLISHERS.items():
        if host == suffix or host.endswith("." + suffix):
            return publisher
    return host


@dataclass(frozen=True)
class Council:
    name: str
    slug: str
    caveat: str | None = None


def parse_council(text: str | None) -> Council | None:
    """'Burnley Borough Council (per article context)' -> Burnley, with the caveat kept.

    A value that is only a parenthesis, such as '(council not stated ...)', is no council.
    """
    if not text or text.startswith("("):
        return None
    match = _QUALIFIED.match(text)
    if match:
        return Council(match["name"], slugify(match["name"]), match["caveat"])
    return Council(text, slugify(text))


@dataclass(frozen=True)
class Councillor:
    row: Row
    name: str
    council: Council | None
    ward: str | None
    former_party: Party
    new_party: Party | None
    new_affiliation: str | None
    left_on: date | None
    date_basis: str | None
    source_url: str

    @property
    def key(self) -> str:
        place = self.council.slug if self.council else "no-council"
        return f"{KEY_PREFIX}:{place}:{slugify(self.name)}"

    @property
    def role(self) -> str:
        return f"councillor ({self.ward})"[:100] if self.ward else "councillor"


def _party(row: Row, column: str, parties: PartyResolver) -> Party | None:
    """The party a free-text value names: 'Independent; later ...' -> Independent."""
    text = row.text(column)
    if text is None:
        return None
    name = re.split(r"[;(]", text, maxsplit=1)[0].strip()
    if name.casefold().startswith("independent"):
        name = "Independent"
    party = parties.resolve(name, create=False)
    if party is None:
        raise row.error(column, f"cannot tell which party {text!r} is")
    return party


def parse_row(row: Row, parties: PartyResolver) -> Councillor:
    url = row.url("source_url")
    former = _party(row, "former_party", parties)
    if former is None:
        raise row.error("former_party", "is empty")
    return Councillor(
        row=row, name=row.required("name"), council=parse_council(row.text("council")),
        ward=row.text("ward"), former_party=former,
        new_party=_party(row, "new_affiliation", parties),
        new_affiliation=row.text("new_affiliation"), left_on=row.day("date"),
        date_basis=row.text("date_basis"), source_url=url)


def read_councillors(path: Path, parties: PartyResolver) -> list[Councillor]:
    councillors = [parse_row(row, parties) for row in read_csv(path, COLUMNS)]
    lines: dict[str, int] = {}
    for c in councillors:
        if c.key in lines:
            raise c.row.error("name", f"{c.name} of {c.council.name if c.council else 'no council'}"
                                      f" is already on line {lines[c.key]}")
        lines[c.key] = c.row.line
    return councillors


def _party_title(party: Party) -> str:
    return party.name if party.name.endswith("Party") else f"{party.name} Party"


def summary_for(c: Councillor) -> str:
    """'Left the Labour Party over its stance on a ceasefire in Gaza; now sits as an Independent.'"""
    text = f"Left the {_party_title(c.former_party)} over its stance on a ceasefire in Gaza"
    if c.new_party is None:
        return text + "."
    if c.new_party.slug == "independent":
        return text + "; now sits as an Independent."
    return text + f"; now sits for the {_party_title(c.new_party)}."


class _Existing:
    """Everything an earlier run made, loaded with one query per table."""

    def __init__(self, session: Session) -> None:
        like = f"{KEY_PREFIX}:%"
        self.memberships = {m.external_id: m for m in session.exec(
            select(Membership).where(Membership.external_id.like(like))).all()}  # type: ignore[union-attr]
        self.evidence = {e.external_key: e for e in session.exec(
            select(Evidence).where(Evidence.external_key.like(like))).all()}  # type: ignore[union-attr]
        person_of = {k: m.person_id for k, m in self.memberships.items()}
        person_of |= {k: e.person_id for k, e in self.evidence.items() if e.person_id}
        rows = session.exec(
            select(Affiliation, Source.key).outerjoin(Source, Source.id == Affiliation.source_id)
            .where(sa.or_(Affiliation.person_id.in_(set(person_of.values())),  # type: ignore[attr-defined]
                          Source.key.like(like)))).all()  # type: ignore[union-attr]
        self.affiliations: dict[int, list[Affiliation]] = {}
        for affiliation, key in rows:
            self.affiliations.setdefault(affiliation.person_id, []).append(affiliation)
            if key and key not in person_of:
                person_of[key] = affiliation.person_id
        ids = set(person_of.values())
        people = {p.id: p for p in session.exec(select(Person).where(Person.id.in_(ids))).all()}  # type: ignore[union-attr]
        self.people = {k: people[pid] for k, pid in person_of.items() if pid in people}

    def affiliation(self, person: Person, party: Party, source_id: int | None) -> Affiliation | None:
        same_party = [a for a in self.affiliations.get(person.id or 0, []) if a.party_id == party.id]
        return next((a for a in same_party if a.source_id == source_id), None) or next(
            iter(same_party), None)


class CouncillorImport:
    def __init__(self, session: Session, source_name: str, data_dir: Path) -> None:
        self.session = session
        self.recorder = Recorder(session, actor=ACTOR, source=source_name)
        self.source_name = source_name
        self.parties = PartyResolver(session, self.recorder, data_dir)
        self.sources = SourceBook(session, self.recorder)
        self.existing = _Existing(session)
        self.councils = CouncilIndex(session, self.recorder)  # by name or alternative name
        self.notes: list[str] = []
        topic = session.exec(select(Topic).where(Topic.slug == TOPIC)).first()
        if topic is None:
            raise ImportSourceError(f"topic {TOPIC!r} is missing; run `tracker import reference`")
        self.topic = topic

    def run(self, path: Path) -> ImportResult:
        councillors = read_councillors(path, self.parties)
        people = self._people(councillors)
        councils = self._councils(councillors)
        sources = {c.key: self._source(c) for c in councillors}
        self.recorder.flush()
        record_names(self.session, self.recorder, "councillors",  # the names the reports use
                     ((people[c.key], c.name, c.left_on, sources[c.key].id) for c in councillors))
        for c in councillors:
            person, source = people[c.key], sources[c.key]
            self._note(c)
            if c.council:
                self._seat(c, person, councils[c.council.slug], source)
            self._affiliations(c, person, source)
            self._evidence(c, person, source)
        self.recorder.flush()
        return ImportResult.from_recorder(self.source_name, self.recorder, self.notes)

    def _people(self, councillors: list[Councillor]) -> dict[str, Person]:
        slugs = Slugs(self.session, Person)
        people = {}
        for c in councillors:
            values = {"name": c.name, "sort_name": sort_name_for(c.name)}
            person = self.existing.people.get(c.key)
            if person is None:
                person = self.recorder.add(Person(slug=slugs.claim(c.name), **values))
            else:
                self.recorder.update(person, values)
            people[c.key] = person
        return people

    def _councils(self, councillors: list[Councillor]) -> dict[str, tuple[Area, Body]]:
        """Each named council: the register's (by name or alternative name), else a new one."""
        councils: dict[str, tuple[Area, Body]] = {}
        for c in councillors:
            if c.council and c.council.slug not in councils:
                try:
                    councils[c.council.slug] = self.councils.ensure(c.council.name)
                except AmbiguousCouncilName as exc:
                    raise c.row.error("council", str(exc)) from None
        return councils

    def _source(self, c: Councillor) -> Source:
        """The row's article; for a row with no council it also carries the person's key."""
        key = c.key if c.council is None else None
        return self.sources.get(url=c.source_url, key=key, publisher=publisher_for(c.source_url))

    def _note(self, c: Councillor) -> None:
        if c.council is None:
            self.notes.append(f"{c.name}: no council stated in the source, "
                              "no council membership made")
        elif c.council.caveat:
            self.notes.append(f"{c.name}: council read as {c.council.name} "
                              f"({c.council.caveat})")
        if c.left_on is None:
            self.notes.append(f"{c.name}: no date in the source, no dated evidence made")

    def _seat(self, c: Councillor, person: Person, council: tuple[Area, Body],
              source: Source) -> None:
        area, body = council
        values = {"person_id": person.id, "body_id": body.id, "area_id": area.id,
                  "role": c.role, "source_id": source.id}
        seat = self.existing.memberships.get(c.key)
        if seat is None:
            self.recorder.add(Membership(external_id=c.key, **values))
        else:
            self.recorder.update(seat, values)

    def _affiliations(self, c: Councillor, person: Person, source: Source) -> None:
        caveat = f" Council read as {c.council.name} ({c.council.caveat})." if (
            c.council and c.council.caveat) else ""
        if c.left_on:
            left = f"Left on {c.left_on.isoformat()} over the party's stance on a Gaza ceasefire."
        else:
            left = (f"Left over the party's stance on a Gaza ceasefire; the date is not given "
                    f"in the source ({c.date_basis or 'no detail'}).")
        self._affiliation(person, c.former_party, source, end_date=c.left_on,
                          note=(left + caveat)[:500])
        if c.new_party and c.left_on:
            self._affiliation(person, c.new_party, source, start_date=c.left_on,
                              note=((c.new_affiliation or "") + caveat)[:500])

    def _affiliation(self, person: Person, party: Party, source: Source, *,
                     start_date: date | None = None, end_date: date | None = None,
                     note: str) -> None:
        values = {"person_id": person.id, "party_id": party.id, "start_date": start_date,
                  "end_date": end_date, "note": note, "source_id": source.id}
        found = self.existing.affiliation(person, party, source.id)
        if found is None:
            self.recorder.add(Affiliation(**values))
        else:
            self.recorder.update(found, values)

    def _evidence(self, c: Councillor, person: Person, source: Source) -> None:
        found = self.existing.evidence.get(c.key)
        if c.left_on is None:
            self.recorder.skip("evidence")
            if found is not None:  # the date was dropped from the file since the last run
                self.recorder.delete(found)
            return
        values = {"topic_id": self.topic.id, "person_id": person.id, "kind": "party_switch",
                  "stance": "ceasefire", "evidence_date": c.left_on, "summary": summary_for(c),
                  "source_id": source.id, "status": "approved",
                  "review_reason": f"Imported from {self.source_name} (public news reports)"}
        if found is None:
            self.recorder.add(Evidence(external_key=c.key, reviewed_at=utcnow(), **values))
        else:
            self.recorder.update(found, values)


def import_councillors(session: Session, path: Path, data_dir: Path = DATA_DIR) -> ImportResult:
    path = Path(path)
    return CouncillorImport(session, path.name, data_dir).run(path)


def from_data_dir(session: Session, data_dir: Path, _progress: Progress) -> ImportResult:
    return import_councillors(session, Path(data_dir) / SHARED_FILE,
                              Path(current_app.config["DATA_DIR"]))


@click.command("councillors")
@click.argument("file", type=FILE_PATH)
def command(file: Path) -> None:
    """Councillors who left Labour over Gaza (councillors_left_labour_over_gaza_2023.csv)."""
    data_dir = project_data_dir()

    def run(session: Session, _progress: Progress) -> ImportResult:
        sync_reference_quietly(session, data_dir)
        return import_councillors(session, file, data_dir)

    run_import(run)
