"""`tracker import votes-csv FILE --division SLUG`: votes from a (partial) list in a CSV.

Used for lists published by the press when the official record is missing,
such as ``divisions/labour_ayes_2023-11-15_PARTIAL_indy100.csv``. Each row
cites its own source. A list like this never marks the division complete: an
MP missing from it may have voted either way, or not at all.

Columns: ``vote_reported`` (text starting with aye, no or teller ...),
``source_url``, and ``parliament_member_id`` and/or ``twfy_person_id``;
optionally ``matched_party`` or ``party``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import click
from flask import current_app
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.importers.base import (
    FILE_PATH,
    ImportFileError,
    ImportResult,
    ImportSourceError,
    Progress,
    Row,
    read_csv,
    sync_reference_quietly,
)
from tracker.importers.people import PersonIndex
from tracker.importers.runner import run_import
from tracker.importers.vote_sources import VoteSources
from tracker.models import Division, Person, Vote
from tracker.reference import PartyResolver, SourceBook, project_data_dir
from tracker.revisions import Recorder

ALL_ORDER = 40
ID_COLUMNS = ("parliament_member_id", "twfy_person_id")
PARTY_COLUMNS = ("matched_party", "party")
SHARED_FILE = "divisions/labour_ayes_2023-11-15_PARTIAL_indy100.csv"
SHARED_DIVISION = "2023-11-15-snp-amendment-h-immediate-ceasefire"
# indy100 names 56 Labour MPs who voted aye; the readable part of the page stops at 33.
INDY100_LABOUR_AYES = 56

_TELLER = re.compile(r"^tellers?\b\W*(?:for\s+the\s+)?(ayes?|noe?s?)\b")
_POSITION = re.compile(r"^(ayes?|noe?s?)\b")


def parse_position(text: str) -> str | None:
    """'aye (for SNP amendment (h))' -> 'aye'; 'teller for the noes' -> 'teller_no'."""
    text = " ".join(text.casefold().split())
    if text.startswith(("no vote recorded", "no_vote_recorded", "no vote")):
        return "no_vote_recorded"
    if match := _TELLER.match(text):
        return "teller_aye" if match.group(1).startswith("aye") else "teller_no"
    if match := _POSITION.match(text):
        return "aye" if match.group(1).startswith("aye") else "no"
    return None


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


class _VoteRows:
    """Turns rows into (person, position, party, source url), naming the line on error."""

    def __init__(self, people: PersonIndex, parties: PartyResolver, columns: list[str]) -> None:
        self.people = people
        self.parties = parties
        self.party_column = next((c for c in PARTY_COLUMNS if c in columns), None)
        self.seen: dict[int, int] = {}

    def person(self, row: Row) -> Person:
        parliament_id = row.integer("parliament_member_id")
        twfy_id = row.integer("twfy_person_id")
        if parliament_id is None and twfy_id is None:
            raise row.error(None, "gives neither parliament_member_id nor twfy_person_id")
        person = self.people.find(parliament_id=parliament_id, twfy_id=twfy_id)
        if person is None:
            what = (f"parliament id {parliament_id}" if parliament_id is not None
                    else f"TWFY id {twfy_id}")
            raise row.error(ID_COLUMNS[0] if parliament_id is not None else ID_COLUMNS[1],
                            f"no MP with {what}; import MPs first")
        if person.id in self.seen:
            raise row.error(None, f"{person.name} is already listed on line "
                                  f"{self.seen[person.id]}")  # type: ignore[index]
        self.seen[person.id] = row.line  # type: ignore[index]
        return person

    def position(self, row: Row) -> str:
        text = row.required("vote_reported")
        position = parse_position(text)
        if position is None:
            raise row.error("vote_reported", f"{text!r} does not start with aye, no or teller")
        return position

    def party_id(self, row: Row) -> int | None:
        name = row.text(self.party_column) if self.party_column else None
        party = self.parties.resolve(name, create=False) if name else None
        return party.id if party else None


def import_votes_csv(session: Session, path: Path, division_slug: str,
                     data_dir: Path = DATA_DIR) -> ImportResult:
    path = Path(path)
    rows = read_csv(path, ["vote_reported", "source_url"])
    columns = _header(path)
    if not any(c in columns for c in ID_COLUMNS):
        raise ImportFileError(path, "needs a parliament_member_id or twfy_person_id column",
                              line=1)
    division = session.exec(select(Division).where(Division.slug == division_slug)).first()
    if division is None:
        raise ImportSourceError(f"no division {division_slug!r}; tracked divisions are listed "
                                "in data/divisions.toml")
    recorder = Recorder(session, actor="import:votes-csv", source=path.name)
    reader = _VoteRows(PersonIndex(session, recorder), PartyResolver(session, recorder, data_dir),
                       columns)
    parsed = [(row, reader.person(row), reader.position(row), row.url("source_url"),
               reader.party_id(row)) for row in rows]
    sources = SourceBook(session, recorder)
    by_url = {url: sources.get(url=url) for _row, _p, _pos, url, _party in parsed}
    recorder.flush()

    existing = {v.person_id: v for v in
                session.exec(select(Vote).where(Vote.division_id == division.id)).all()}
    links = VoteSources(session, recorder, division.id)  # type: ignore[arg-type]
    sourced: list[tuple[Vote, int]] = []
    notes: list[str] = []
    for _row, person, position, url, party_id in parsed:
        source_id = by_url[url].id
        values = {"position": position, "source_id": source_id, "party_id": party_id}
        stored = existing.get(person.id)  # type: ignore[arg-type]
        if stored is None:
            stored = recorder.add(Vote(division_id=division.id, person_id=person.id, **values))  # type: ignore[arg-type]
        elif not division.votes_complete:
            recorder.update(stored, values)
        elif stored.position == position:
            # The official record stands as the main source; this list is a second one.
            recorder.update(stored, {"position": position})
        else:
            notes.append(f"{person.name}: the official record says {stored.position}, "
                         f"the file says {position}; kept the official record")
            recorder.skip("vote")
            continue
        sourced.append((stored, source_id))  # type: ignore[arg-type]
    recorder.flush()
    for stored, source_id in sourced:
        links.ensure(stored.id, source_id)  # type: ignore[arg-type]
    recorder.flush()
    return ImportResult.from_recorder(f"{path.name} -> {division.slug}", recorder, notes)


def from_data_dir(session: Session, data_dir: Path, _progress: Progress) -> ImportResult:
    path = Path(data_dir) / SHARED_FILE
    result = import_votes_csv(session, path, SHARED_DIVISION, Path(current_app.config["DATA_DIR"]))
    listed = len(read_csv(path, []))
    division = session.exec(select(Division).where(Division.slug == SHARED_DIVISION)).one()
    if division.votes_complete:
        result.notes.append(f"{listed} of the {INDY100_LABOUR_AYES} Labour ayes indy100 reports, kept "
                            "as a second source of votes the official record holds")
    else:
        result.notes.append(f"partial list: {listed} of the {INDY100_LABOUR_AYES} Labour ayes "
                            "indy100 reports; the division is not marked complete")
    return result


@click.command("votes-csv")
@click.argument("file", type=FILE_PATH)
@click.option("--division", "division_slug", required=True, metavar="SLUG",
              help="A division slug from data/divisions.toml.")
def command(file: Path, division_slug: str) -> None:
    """Votes from a CSV list (a partial list never marks the division complete)."""
    data_dir = project_data_dir()

    def run(session: Session, _progress: Progress) -> ImportResult:
        sync_reference_quietly(session, data_dir)
        return import_votes_csv(session, file, division_slug, data_dir)

    run_import(run)
