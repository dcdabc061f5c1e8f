"""`tracker import ge2024`: the 2024 general election, one Candidacy per candidate.

Results come from the House of Commons Library (CBP-10009) files, people from
their join with Democracy Club's candidate list on the Democracy Club person
id. Three rows of the Library file carry an id that is not Democracy Club's
(see shared/data/README.md): those are joined on constituency and name, and
the Democracy Club id is used. A candidate who has a Parliament (MNIS) id is
matched to the person the mps importer made, so no one is created twice.

Everything is validated before any write: each seat's candidate votes must add
up to its valid votes, and the candidate with most votes must be the member the
constituency file names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
from sqlmodel import Session, select

from tracker.importers.base import (
    DATA_DIR_PATH,
    FILE_PATH,
    ImportResult,
    Progress,
    Row,
    read_csv,
    resolve_files,
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
from tracker.models import Area, Candidacy, Election, Party, Person, Source
from tracker.names import record_ge2024_names
from tracker.reference import PartyResolver, SourceBook, ensure_commons, project_data_dir
from tracker.revisions import Recorder
from tracker.text import fold_compact, sort_name_for

ALL_ORDER = 30

CANDIDATES_FILE = Path("elections") / "HoC-GE2024-results-by-candidate.csv"
SEATS_FILE = Path("elections") / "HoC-GE2024-results-by-constituency.csv"
DC_FILE = Path("elections") / "democracyclub_ge2024_candidates.csv"

CANDIDATE_COLUMNS = (
    "ONS ID", "Constituency name", "Party name", "Party abbreviation",
    "Electoral Commission party ID", "MNIS party ID", "Candidate first name", "Candidate surname",
    "Candidate gender", "Member MNIS ID", "Votes", "Share", "DC Person ID")
SEAT_COLUMNS = ("ONS ID", "Constituency name", "Member first name", "Member surname",
                "Valid votes")
DC_COLUMNS = ("person_id", "person_name", "election_id", "pcon24cd")

ELECTION = {
    "slug": "uk-general-election-2024", "name": "2024 UK general election", "kind": "general",
    "election_date": date(2024, 7, 4), "democracy_club_id": "parl.2024-07-04",
}
SOURCE = {
    "key": "hoc-library-ge2024-results-by-candidate",
    "url": "https://commonslibrary.parliament.uk/research-briefings/cbp-10009/",
    "publisher": "House of Commons Library",
    "title": "General election 2024 results by candidate (CBP-10009)",
    "note": "Open Parliament Licence v3.0. Candidates joined to Democracy Club people.",
}


@dataclass
class Seat:
    row: Row
    area: Area
    valid_votes: int
    member: str  # the elected member's name, folded (fold_compact)


@dataclass
class DcPerson:
    row: Row
    person_id: int
    name: str
    area_code: str


@dataclass
class Candidate:
    row: Row
    area: Area
    party_name: str
    party_short: str | None
    ec_id: str | None
    party_mnis: int | None
    first_name: str
    surname: str
    gender: str | None
    mnis_id: int | None
    votes: int
    share: float
    hoc_dc_id: int
    dc: DcPerson | None = None
    elected: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}"


# -- reading and checking ---------------------------------------------------------------

def _area_2024(row: Row, column: str, areas: ConstituencyIndex) -> Area:
    code = gss_code(row, column)
    area = areas.find(code, "2024")
    if area is None:
        raise row.error(column, f"{code} is not a known constituency of the 2024 boundary set")
    return area


def _count(row: Row, column: str, *, required: bool = True) -> int | None:
    value = row.integer(column, required=required)
    if value is not None and value < 0:
        raise row.error(column, f"{value} is negative")
    return value


def _required_count(row: Row, column: str) -> int:
    value = _count(row, column)
    assert value is not None
    return value


def read_seats(path: Path, areas: ConstituencyIndex) -> dict[str, Seat]:
    seats: dict[str, Seat] = {}
    for row in read_csv(path, SEAT_COLUMNS, dataset="ge2024_seats"):
        area = _area_2024(row, "ONS ID", areas)
        if area.gss_code in seats:
            raise row.error("ONS ID", f"{area.gss_code} is repeated "
                                      f"(first on line {seats[area.gss_code].row.line})")
        member = fold_compact(f"{row.required('Member first name')} "
                                f"{row.required('Member surname')}")
        assert area.gss_code is not None
        seats[area.gss_code] = Seat(row, area, _required_count(row, "Valid votes"), member)
    return seats


def read_democracy_club(path: Path) -> dict[int, DcPerson]:
    people: dict[int, DcPerson] = {}
    for row in read_csv(path, DC_COLUMNS, dataset="ge2024_democracy_club"):
        election = row.required("election_id")
        if election != ELECTION["democracy_club_id"]:
            raise row.error("election_id", f"{election!r} is not {ELECTION['democracy_club_id']}")
        person_id = _required_count(row, "person_id")
        if person_id in people:
            raise row.error("person_id", f"{person_id} is repeated "
                                         f"(first on line {people[person_id].row.line})")
        people[person_id] = DcPerson(row, person_id, row.required("person_name"),
                                     gss_code(row, "pcon24cd"))
    return people


def read_candidates(path: Path, areas: ConstituencyIndex) -> list[Candidate]:
    candidates = []
    for row in read_csv(path, CANDIDATE_COLUMNS, dataset="ge2024_candidates"):
        share = row.number("Share", required=True)
        assert share is not None
        if not 0 <= share <= 1:
            raise row.error("Share", f"{share} is not a fraction between 0 and 1")
        candidates.append(Candidate(
            row=row, area=_area_2024(row, "ONS ID", areas),
            party_name=row.required("Party name"), party_short=row.text("Party abbreviation"),
            ec_id=row.text("Electoral Commission party ID"),
            party_mnis=_count(row, "MNIS party ID", required=False),
            first_name=row.required("Candidate first name"),
            surname=row.required("Candidate surname"),
            gender=(row.text("Candidate gender") or "").lower() or None,
            mnis_id=_count(row, "Member MNIS ID", required=False),
            votes=_required_count(row, "Votes"), share=share,
            hoc_dc_id=_required_count(row, "DC Person ID")))
    return candidates


def join_democracy_club(candidates: list[Candidate], dc: dict[int, DcPerson]) -> list[str]:
    """Give each candidate its Democracy Club person: by id, else by seat and name."""
    claimed: dict[int, Candidate] = {}
    by_name = []
    for cand in candidates:
        person = dc.get(cand.hoc_dc_id)
        if person is None:
            by_name.append(cand)
            continue
        if person.area_code != cand.area.gss_code:
            raise cand.row.error("DC Person ID", f"Democracy Club person {person.person_id} "
                                                 f"stood in {person.area_code}, not here")
        _claim(cand, person, claimed)
    notes = []
    for cand in by_name:
        person = _match_by_name(cand, [p for p in dc.values() if p.person_id not in claimed])
        _claim(cand, person, claimed)
        notes.append(f"{cand.area.name}: {cand.full_name}'s DC Person ID {cand.hoc_dc_id} is not "
                     f"in the Democracy Club file; matched by name to Democracy Club person "
                     f"{person.person_id} (line {cand.row.line})")
    for person in dc.values():
        if person.person_id not in claimed:
            raise person.row.error("person_id", f"{person.name} ({person.person_id}) is not among "
                                                f"the House of Commons Library candidates")
    return notes


def _claim(cand: Candidate, person: DcPerson, claimed: dict[int, Candidate]) -> None:
    other = claimed.get(person.person_id)
    if other is not None:
        raise cand.row.error("DC Person ID", f"Democracy Club person {person.person_id} is "
                                             f"already the candidate of line {other.row.line}")
    claimed[person.person_id] = cand
    cand.dc = person


def _match_by_name(cand: Candidate, unclaimed: list[DcPerson]) -> DcPerson:
    """The one unclaimed DC candidate of the seat with this name (or this surname)."""
    here = [p for p in unclaimed if p.area_code == cand.area.gss_code]
    full, surname = fold_compact(cand.full_name), fold_compact(cand.surname)
    for test in (lambda p: fold_compact(p.name) == full,
                 lambda p: fold_compact(p.name).endswith(surname)):
        found = [p for p in here if test(p)]
        if len(found) == 1:
            return found[0]
    raise cand.row.error("DC Person ID", f"{cand.hoc_dc_id} is not in the Democracy Club file, "
                                         f"and no single unmatched Democracy Club candidate in "
                                         f"{cand.area.name} is called {cand.full_name}")


def check_seats(candidates: list[Candidate], seats: dict[str, Seat]) -> None:
    """Votes add up to valid votes in every seat; mark the winner, who must be the member."""
    by_seat: dict[str, list[Candidate]] = defaultdict(list)
    for cand in candidates:
        if cand.area.gss_code not in seats:
            raise cand.row.error("ONS ID", f"{cand.area.gss_code} is not in the constituency "
                                           f"results file")
        by_seat[cand.area.gss_code].append(cand)  # type: ignore[index]
    for code, seat in seats.items():
        running = by_seat.get(code, [])
        where = f"{seat.area.name} ({code})"
        if not running:
            raise seat.row.error("ONS ID", f"{where} has no candidates")
        total = sum(c.votes for c in running)
        if total != seat.valid_votes:
            raise seat.row.error("Valid votes", f"{where}: the candidates' votes add up to "
                                                f"{total}, not {seat.valid_votes}")
        _winner(running, seat, where).elected = True


def _winner(running: list[Candidate], seat: Seat, where: str) -> Candidate:
    most = max(c.votes for c in running)
    top = [c for c in running if c.votes == most]
    named = [c for c in top if fold_compact(c.full_name) == seat.member]
    if len(named) != 1:
        leaders = " and ".join(c.full_name for c in top)
        raise seat.row.error("Member surname", f"{where}: the member is not {leaders}, "
                                               f"who had the most votes ({most})")
    return named[0]


# -- writing ------------------------------------------------------------------------------

def _person(people: PersonIndex, recorder: Recorder, cand: Candidate, file: str) -> Person:
    """By Parliament id (the MPs), else Democracy Club id, else a new person."""
    assert cand.dc is not None
    ids = {"parliament_id": cand.mnis_id, "democracy_club_id": cand.dc.person_id}
    found = _existing_person(people, cand)
    if found is not None:
        # One revision per person: missing ids and gender together.
        values = {k: v for k, v in [*ids.items(), ("gender", cand.gender)]
                  if v is not None and getattr(found, k) is None}
        if values:
            recorder.update(found, values, source=file)
    person = people.upsert(
        name=cand.dc.name, sort_name=sort_name_for(cand.dc.name, cand.surname),
        slug_hints=(f"{cand.dc.name} {cand.area.name}",), existing=found, source=file, **ids)
    if found is None:
        person.gender = cand.gender
    return person


def _existing_person(people: PersonIndex, cand: Candidate) -> Person | None:
    """The person both ids point at, if any; ids pointing at two people are an error."""
    assert cand.dc is not None
    by_parliament = people.find(parliament_id=cand.mnis_id) if cand.mnis_id else None
    by_dc = people.find(democracy_club_id=cand.dc.person_id)
    if by_parliament and by_dc and by_parliament is not by_dc:
        raise cand.row.error("Member MNIS ID", f"parliament id {cand.mnis_id} is "
                                               f"{by_parliament.name}, Democracy Club id "
                                               f"{cand.dc.person_id} is {by_dc.name}")
    found = by_parliament or by_dc
    if found is not None:
        for field, value in (("parliament_id", cand.mnis_id),
                             ("democracy_club_id", cand.dc.person_id)):
            stored = getattr(found, field)
            if value is not None and stored is not None and stored != value:
                raise cand.row.error(None, f"{found.name} is stored with {field} {stored}, "
                                           f"not {value}")
    return found


PartyKey = tuple[str, str | None, int | None]


def resolve_parties(candidates: list[Candidate],
                    parties: PartyResolver) -> tuple[dict[PartyKey, Party], list[str]]:
    """Each (name, EC id, MNIS id) of the file to a Party, the same whatever the row order.

    The file gives one id to two parties at times (EC PP17454 to the SDP and the
    Social Justice party; MNIS 154 to the North East Party and the Peace Party;
    MNIS 44 to the Green Party and Green Party Northern Ireland). Such an id is
    not used: those parties are matched by their other id or their name.
    """
    def identity(name: str) -> str:
        known = parties.resolve(name, create=False)
        return known.slug if known else name.casefold()

    # For each id: the parties (by identity) given it, with the names printed for them.
    users: dict[tuple[str, object], dict[str, str]] = defaultdict(dict)
    for cand in candidates:
        for key in (("Electoral Commission id", cand.ec_id), ("MNIS party id", cand.party_mnis)):
            if key[1] not in (None, ""):
                users[key].setdefault(identity(cand.party_name), cand.party_name)
    shared = {key for key, parties_given in users.items() if len(parties_given) > 1}
    notes = [f"{kind} {value} is given to several parties "
             f"({' and '.join(sorted(users[kind, value].values()))}); not used to match them"
             for kind, value in sorted(shared, key=str)]
    resolved: dict[PartyKey, Party] = {}
    for cand in candidates:
        key = (cand.party_name, cand.ec_id, cand.party_mnis)
        if key in resolved:
            continue
        ec = None if ("Electoral Commission id", cand.ec_id) in shared else cand.ec_id
        mnis = None if ("MNIS party id", cand.party_mnis) in shared else cand.party_mnis
        party = parties.resolve(cand.party_name, ec_id=ec, mnis_id=mnis,
                                short_name=cand.party_short)
        assert party is not None
        resolved[key] = party
    return resolved, notes


def _election(session: Session, recorder: Recorder) -> Election:
    commons = ensure_commons(session, recorder)
    recorder.flush()
    values = {**ELECTION, "body_id": commons.id}
    election = session.exec(select(Election).where(
        (Election.slug == ELECTION["slug"]) |
        (Election.democracy_club_id == ELECTION["democracy_club_id"]))).first()
    if election is None:
        election = recorder.add(Election(**values))
    else:
        recorder.update(election, values)
    recorder.flush()
    return election


def write_candidacies(session: Session, recorder: Recorder, candidates: list[Candidate],
                      progress: Progress) -> list[str]:
    source: Source = SourceBook(session, recorder).get(**SOURCE)
    election = _election(session, recorder)
    party_of, notes = resolve_parties(candidates,
                                      PartyResolver(session, recorder, project_data_dir()))
    people = PersonIndex(session, recorder)
    file = source_name(candidates[0].row.path) if candidates else ""
    advance = progress("GE2024 candidates", len(candidates) * 2)
    how: Counter[str] = Counter()
    persons = []
    for cand in candidates:
        how[_how_found(people, cand)] += 1
        persons.append(_person(people, recorder, cand, file))
        advance(1)
    recorder.flush()
    record_ge2024_names(session, recorder, candidates, persons, ELECTION["election_date"], source.id)
    existing = {(c.area_id, c.person_id): c for c in session.exec(
        select(Candidacy).where(Candidacy.election_id == election.id)).all()}
    for cand, person in zip(candidates, persons, strict=True):
        party = party_of[cand.party_name, cand.ec_id, cand.party_mnis]
        values = {"party_id": party.id, "party_label": cand.party_name, "votes": cand.votes,
                  "share": cand.share, "elected": cand.elected, "source_id": source.id}
        found = existing.pop((cand.area.id, person.id), None)
        if found is None:
            recorder.add(Candidacy(election_id=election.id, area_id=cand.area.id,
                                   person_id=person.id, **values), source=file)
        else:
            recorder.update(found, values, source=file)
        advance(1)
    for stale in existing.values():
        if stale.source_id == source.id:
            recorder.delete(stale)
    recorder.flush()
    return [*notes, f"{how['parliament_id']} candidates matched people already known by "
                    f"Parliament id, {how['democracy_club_id']} by Democracy Club id; "
                    f"{how['new']} new people"]


def _how_found(people: PersonIndex, cand: Candidate) -> str:
    assert cand.dc is not None
    if cand.mnis_id and people.find(parliament_id=cand.mnis_id):
        return "parliament_id"
    if people.find(democracy_club_id=cand.dc.person_id):
        return "democracy_club_id"
    return "new"


def import_ge2024(session: Session, candidates_path: Path, seats_path: Path, dc_path: Path,
                  progress: Progress) -> ImportResult:
    """Read and check all three files, then write the election, people and candidacies."""
    areas = constituency_areas(session)
    require_constituencies(areas)
    seats = read_seats(seats_path, areas)
    dc = read_democracy_club(dc_path)
    candidates = read_candidates(candidates_path, areas)
    notes = join_democracy_club(candidates, dc)
    check_seats(candidates, seats)
    recorder = Recorder(session, actor="import:ge2024", source=candidates_path.name)
    notes += write_candidacies(session, recorder, candidates, progress)
    return ImportResult.from_recorder("ge2024", recorder, notes)


def from_data_dir(session: Session, data_dir: Path, progress: Progress) -> ImportResult:
    return import_ge2024(session, data_dir / CANDIDATES_FILE, data_dir / SEATS_FILE,
                         data_dir / DC_FILE, progress)


@click.command("ge2024")
@click.option("--data-dir", type=DATA_DIR_PATH,
              help="The shared/data folder (reads elections/*.csv).")
@click.option("--candidates", type=FILE_PATH, help=f"Instead of DATA_DIR/{CANDIDATES_FILE}.")
@click.option("--constituencies", type=FILE_PATH, help=f"Instead of DATA_DIR/{SEATS_FILE}.")
@click.option("--democracy-club", type=FILE_PATH, help=f"Instead of DATA_DIR/{DC_FILE}.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def command(data_dir: Path | None, candidates: Path | None, constituencies: Path | None,
            democracy_club: Path | None, as_json: bool) -> None:
    """The 2024 general election: candidates, votes and winners (import constituencies first)."""
    files = resolve_files(data_dir, candidates=(candidates, CANDIDATES_FILE),
                          constituencies=(constituencies, SEATS_FILE),
                          democracy_club=(democracy_club, DC_FILE))
    run_import(with_reference(lambda session, progress: import_ge2024(
        session, files["candidates"], files["constituencies"], files["democracy_club"],
        progress)), as_json=as_json)

