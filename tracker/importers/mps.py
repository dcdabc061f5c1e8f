"""`tracker import mps`: MPs, their Commons memberships and the party spans derived from them.

Reads the four TheyWorkForYou (politician_data) files of ``mps/``. One row is
one membership: a new one starts at each election, by-election, party change
or whip change. The files overlap (the 2023 sitting file repeats rows of the
2019 file); a repeated ``membership_id`` must repeat the same values.

Party affiliations are then derived from each person's Commons memberships:
consecutive memberships with the same party make one span. Those affiliations
carry the "twfy-commons-memberships" source, and only those are added,
changed or deleted here: affiliations from other sources are never touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import click
from sqlmodel import Session, select

from tracker.importers.base import (
    DATA_DIR_PATH,
    FILE_PATH,
    ImportFileError,
    ImportResult,
    Progress,
    Row,
    read_csv,
    source_name,
    with_reference,
)
from tracker.importers.constituencies import (
    ConstituencyIndex,
    constituency_areas,
    gss_code,
    require_constituencies,
)
from tracker.importers.people import PersonIndex
from tracker.importers.runner import run_import
from tracker.models import Affiliation, Area, Body, Membership, Party, Person, Source
from tracker.names import record_names
from tracker.reference import PartyResolver, SourceBook, ensure_commons, project_data_dir
from tracker.revisions import Recorder

ALL_ORDER = 20

FILES = tuple(Path("mps") / name for name in (
    "mps_2019_parliament_memberships.csv",
    "mps_sitting_2023-11-15.csv",
    "mps_2024_elected_ge2024.csv",
    "mps_2024_parliament_memberships.csv",
))
COLUMNS = ("twfy_person_id", "parliament_member_id", "name", "first_name", "last_name", "party",
           "party_name", "membership_id", "start_date", "end_date", "start_reason", "end_reason")
# The GSS column of each file, and the boundary set its codes belong to.
GSS_COLUMNS = {"constituency_gss_2024": "2024", "constituency_gss_2010": "2010"}
SOURCE_KEY = "twfy-commons-memberships"
AFFILIATION_NOTE = "Derived from House of Commons memberships."
# Same-party memberships further apart than this (a dissolution to polling day is
# about five weeks) are not assumed to be one unbroken party membership.
MAX_MERGE_GAP = timedelta(days=60)
# The columns two rows with the same membership_id must agree on.
_COMPARED = (*COLUMNS, *GSS_COLUMNS)


@dataclass
class MemberRow:
    row: Row
    parliament_id: int
    twfy_id: int
    name: str
    sort_name: str
    party: Party
    area: Area
    external_id: str
    start_date: date
    end_date: date | None
    start_reason: str | None
    end_reason: str | None


def _gss_column(path: Path, rows: list[Row]) -> str:
    header = rows[0].values.keys()
    for column in GSS_COLUMNS:
        if column in header:
            return column
    raise ImportFileError(path, f"missing column {' or '.join(GSS_COLUMNS)}", line=1)


def _party(row: Row, parties: PartyResolver) -> Party:
    """By the TWFY slug, then the display name (both are aliases); unknown ones are created."""
    slug, name = row.text("party"), row.text("party_name")
    if not slug and not name:
        raise row.error("party_name", "is empty (and so is 'party')")
    party = parties.resolve(slug, create=False) or parties.resolve(name or slug)
    assert party is not None
    return party


def _parse_row(row: Row, gss_column: str, areas: ConstituencyIndex,
               parties: PartyResolver) -> MemberRow:
    code = gss_code(row, gss_column)
    boundary_set = GSS_COLUMNS[gss_column]
    area = areas.find(code, boundary_set)
    if area is None:
        raise row.error(gss_column, f"{code} is not a known constituency of the "
                                    f"{boundary_set} boundary set")
    start = row.day("start_date", required=True)
    end = row.day("end_date")
    assert start is not None
    if end is not None and end < start:
        raise row.error("end_date", f"{end} is before the start date {start}")
    first, last = row.required("first_name"), row.required("last_name")
    return MemberRow(
        row=row, parliament_id=_positive(row, "parliament_member_id"),
        twfy_id=_positive(row, "twfy_person_id"), name=row.required("name"),
        sort_name=f"{last}, {first}", party=_party(row, parties), area=area,
        external_id=row.required("membership_id"), start_date=start, end_date=end,
        start_reason=row.text("start_reason"), end_reason=row.text("end_reason"))


def _positive(row: Row, column: str) -> int:
    value = row.integer(column, required=True)
    assert value is not None
    if value <= 0:
        raise row.error(column, f"{value} is not a positive id")
    return value


def read_members(paths: list[Path], areas: ConstituencyIndex, parties: PartyResolver,
                 progress: Progress) -> tuple[list[MemberRow], list[str]]:
    """Every membership once, validated; a repeated membership_id must say the same."""
    files = [(path, read_csv(path, COLUMNS)) for path in paths]
    advance = progress("MPs", sum(len(rows) for _path, rows in files))
    seen: dict[str, MemberRow] = {}
    notes = []
    for path, rows in files:
        if not rows:
            continue
        gss_column = _gss_column(path, rows)
        repeats = 0
        for row in rows:
            member = _parse_row(row, gss_column, areas, parties)
            earlier = seen.get(member.external_id)
            if earlier is None:
                seen[member.external_id] = member
            else:
                _check_repeat(earlier.row, row)
                repeats += 1
            advance(1)
        if repeats:
            notes.append(f"{path.name}: {repeats} rows repeat memberships of an earlier file")
    return list(seen.values()), notes


def _check_repeat(earlier: Row, row: Row) -> None:
    for column in _COMPARED:
        if column in earlier.values and column in row.values and \
                (earlier.values[column] or "").strip() != (row.values[column] or "").strip():
            raise row.error(column, f"membership {row.values['membership_id']} says "
                                    f"{row.values[column]!r}, but {earlier.path.name} line "
                                    f"{earlier.line} says {earlier.values[column]!r}")


def _person(people: PersonIndex, member: MemberRow) -> Person:
    """Find or create the person, refusing ids that point at two different people."""
    by_parliament = people.find(parliament_id=member.parliament_id)
    by_twfy = people.find(twfy_id=member.twfy_id)
    if by_parliament and by_twfy and by_parliament is not by_twfy:
        raise member.row.error("twfy_person_id", f"TWFY id {member.twfy_id} belongs to "
                                                 f"{by_twfy.name}, parliament id "
                                                 f"{member.parliament_id} to {by_parliament.name}")
    found = by_parliament or by_twfy
    if found is not None:
        for field, value in (("parliament_id", member.parliament_id),
                             ("twfy_id", member.twfy_id)):
            stored = getattr(found, field)
            if stored is not None and stored != value:
                raise member.row.error(None, f"{found.name} is stored with {field} {stored}, "
                                             f"not {value}")
    return people.upsert(name=member.name, sort_name=member.sort_name, existing=found,
                         source=source_name(member.row.path),
                         parliament_id=member.parliament_id, twfy_id=member.twfy_id)


def write_memberships(session: Session, recorder: Recorder, members: list[MemberRow],
                      commons: Body, source: Source) -> None:
    people = PersonIndex(session, recorder)
    persons = {m.external_id: _person(people, m) for m in members}
    recorder.flush()
    record_names(session, recorder, "twfy", ((persons[m.external_id], m.name, m.end_date or m.start_date,
                                             source.id) for m in members))  # see tracker/names.py
    existing = {m.external_id: m for m in session.exec(
        select(Membership).where(Membership.external_id.in_(list(persons)))).all()}  # type: ignore[union-attr]
    for member in members:
        values = {
            "person_id": persons[member.external_id].id, "body_id": commons.id,
            "area_id": member.area.id, "party_id": member.party.id,
            "start_date": member.start_date, "end_date": member.end_date,
            "start_reason": member.start_reason, "end_reason": member.end_reason,
            "external_id": member.external_id, "source_id": source.id,
        }
        found = existing.get(member.external_id)
        file = source_name(member.row.path)
        if found is None:
            recorder.add(Membership(**values), source=file)
            continue
        if found.source_id is not None:
            # Another loader (the seeds) may have stored this seat first, citing its own
            # source: keep it, or each loader would set it back on every run.
            del values["source_id"]
        recorder.update(found, values, source=file, overwrite_with_none=True)
    recorder.flush()


@dataclass
class Span:
    party_id: int
    start_date: date | None
    end_date: date | None


def party_spans(memberships: list[Membership]) -> list[Span]:
    """Consecutive same-party memberships merged into spans (end None while still open)."""
    spans: list[Span] = []
    ordered = sorted((m for m in memberships if m.party_id is not None),
                     key=lambda m: (m.start_date or date.min, m.end_date or date.max))
    for m in ordered:
        last = spans[-1] if spans else None
        if last is not None and last.party_id == m.party_id and _continues(last, m):
            if last.end_date is not None:
                last.end_date = None if m.end_date is None else max(last.end_date, m.end_date)
            continue
        spans.append(Span(m.party_id, m.start_date, m.end_date))  # type: ignore[arg-type]
    return spans


def _continues(span: Span, m: Membership) -> bool:
    if span.end_date is None or m.start_date is None:
        return True
    return m.start_date - span.end_date <= MAX_MERGE_GAP


def derive_affiliations(session: Session, recorder: Recorder,
                        person_ids: Iterable[int | None] | None = None) -> None:
    """Make people's derived affiliations equal the party spans of their Commons seats.

    Only affiliations carrying the "twfy-commons-memberships" source are added,
    changed or deleted. ``person_ids`` limits the work to those people (the seed
    loader passes its own); None means everyone with a seat or such an affiliation.
    """
    source = memberships_source(SourceBook(session, recorder))
    commons = ensure_commons(session, recorder)
    recorder.flush()
    wanted = None if person_ids is None else {i for i in person_ids if i is not None}
    seats = select(Membership).where(Membership.body_id == commons.id)
    derived = select(Affiliation).where(Affiliation.source_id == source.id)
    if wanted is not None:
        seats = seats.where(Membership.person_id.in_(wanted))  # type: ignore[attr-defined]
        derived = derived.where(Affiliation.person_id.in_(wanted))  # type: ignore[attr-defined]
    by_person: dict[int, list[Membership]] = defaultdict(list)
    for m in session.exec(seats).all():
        by_person[m.person_id].append(m)
    current: dict[int, list[Affiliation]] = defaultdict(list)
    for a in session.exec(derived).all():
        current[a.person_id].append(a)
    for person_id in sorted(set(by_person) | set(current)):
        _converge(recorder, person_id, party_spans(by_person.get(person_id, [])),
                  current.get(person_id, []), source)
    recorder.flush()


def _converge(recorder: Recorder, person_id: int, spans: list[Span],
              existing: list[Affiliation], source: Source) -> None:
    """Keep matching rows, update rows of the same party and start, add or delete the rest."""
    left = list(existing)
    unmatched = []
    for span in spans:
        match = next((a for a in left if (a.party_id, a.start_date) ==
                      (span.party_id, span.start_date)), None)
        if match is None:
            unmatched.append(span)
            continue
        left.remove(match)
        recorder.update(match, _values(span), overwrite_with_none=True)
    for span in unmatched:
        if left:
            recorder.update(left.pop(0), _values(span), overwrite_with_none=True)
        else:
            recorder.add(Affiliation(person_id=person_id, source_id=source.id, **_values(span)))
    for stale in left:
        recorder.delete(stale)


def _values(span: Span) -> dict[str, object]:
    return {"party_id": span.party_id, "start_date": span.start_date,
            "end_date": span.end_date, "note": AFFILIATION_NOTE}


def memberships_source(sources: SourceBook) -> Source:
    return sources.get(
        key=SOURCE_KEY,
        url="https://github.com/mysociety/politician_data/tree/"
            "b6e17d01e70b70e6a4670ebc49fb244057720f3a/data/packages/uk_politician_data",
        publisher="mySociety (TheyWorkForYou)",
        title="UK politician data: House of Commons memberships",
        note="CC-BY-4.0. Party labels follow TheyWorkForYou.")


def import_mps(session: Session, paths: list[Path], progress: Progress) -> ImportResult:
    """Validate every file, then write people, memberships and derived affiliations."""
    areas = constituency_areas(session)
    require_constituencies(areas)
    recorder = Recorder(session, actor="import:mps", source=", ".join(p.name for p in paths))
    parties = PartyResolver(session, recorder, project_data_dir())
    members, notes = read_members(paths, areas, parties, progress)
    source = memberships_source(SourceBook(session, recorder))
    commons = ensure_commons(session, recorder)
    recorder.flush()
    write_memberships(session, recorder, members, commons, source)
    derive_affiliations(session, recorder)
    return ImportResult.from_recorder("mps", recorder, notes)


def from_data_dir(session: Session, data_dir: Path, progress: Progress) -> ImportResult:
    return import_mps(session, [data_dir / f for f in FILES], progress)


@click.command("mps")
@click.option("--data-dir", type=DATA_DIR_PATH,
              help="The shared/data folder (reads the four mps/*.csv files).")
@click.option("--file", "files", multiple=True, type=FILE_PATH,
              help="A memberships CSV (repeatable); replaces the files of --data-dir.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def command(data_dir: Path | None, files: tuple[Path, ...], as_json: bool) -> None:
    """MPs and their Commons memberships (import constituencies first)."""
    if files:
        paths = list(files)
    elif data_dir is not None:
        paths = [data_dir / f for f in FILES]
    else:
        raise click.UsageError("give --data-dir or --file")
    run_import(with_reference(lambda session, progress: import_mps(session, paths, progress)),
               as_json=as_json)
