"""`tracker import commons-votes`: one division's full record from the Commons Votes API.

``GET /data/division/{id}.json`` answers a PublishedDivision (see
``api_examples/commonsvotes_api_openapi_excerpt.yaml``). Every member listed gets
a Vote, so the division is marked ``votes_complete``. With ``--tracked SLUG``
the record is attached to a division of ``data/divisions.toml``; otherwise an
untracked division is made (no topic, so it counts for no stance).
``--search-date`` lists a day's divisions so a user can pick an id.

A member named in both the aye and the no lists voted in both lobbies (a
recognised way to abstain): the vote is stored once, as "both", which says
nothing on its own. Any other repeat is an error in the record. Each vote keeps
every source that reported it (``vote_source``): the official record is its
main source, and a press list loaded before or after stays as a second one.

In ``tracker import all`` every ``divisions/commonsvotes_division_*.json`` of
the data folder is loaded; one whose DivisionId is a tracked division's
``commons_division_id`` (data/divisions.toml) is attached to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import click
import httpx
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.http_client import importer_client
from tracker.importers.base import (
    FILE_PATH,
    ImportFileError,
    ImportResult,
    ImportSourceError,
    Progress,
    resolve_party,
    sync_reference_quietly,
)
from tracker.importers.http import JsonNode, SourceNotFound, fetch_json, read_json_file
from tracker.importers.people import PersonIndex
from tracker.importers.runner import run_import
from tracker.importers.vote_sources import VoteSources
from tracker.models import Division, Person, Vote
from tracker.names import record_division_names
from tracker.reference import PartyResolver, SourceBook, ensure_commons, project_data_dir
from tracker.revisions import Recorder
from tracker.text import Slugs, list_name, slugify, strip_honorifics

DEFAULT_BASE_URL = "https://commonsvotes-api.parliament.uk"
SEARCH_PATH = "/data/divisions.json/search"
SEARCH_PAGE = 25
ALL_ORDER = 35
SHARED_FILES = "divisions/commonsvotes_division_*.json"
# The PublishedDivision lists, and the vote position each one records.
GROUPS = (("Ayes", "aye"), ("Noes", "no"), ("AyeTellers", "teller_aye"),
          ("NoTellers", "teller_no"), ("NoVoteRecorded", "no_vote_recorded"))
# Positions that together mean "voted in both lobbies".
_AYE_SIDE = frozenset({"aye", "teller_aye"})
_NO_SIDE = frozenset({"no", "teller_no"})


@dataclass(frozen=True)
class RecordedVote:
    member_id: int
    name: str
    list_as: str | None
    party: str | None
    party_abbreviation: str | None
    position: str
    path: str


@dataclass(frozen=True)
class PublishedDivision:
    division_id: int
    day: date
    number: int | None
    title: str
    aye_count: int | None
    no_count: int | None
    votes: tuple[RecordedVote, ...] = ()

    @property
    def public_url(self) -> str:
        return f"https://votes.parliament.uk/votes/commons/division/{self.division_id}"


def parse_division(node: JsonNode, *, with_votes: bool = True) -> PublishedDivision:
    votes: dict[int, RecordedVote] = {}
    for key, position in GROUPS if with_votes else ():
        for item in node.items(key):
            vote = _recorded_vote(item, position)
            earlier = votes.get(vote.member_id)
            if earlier is None:
                votes[vote.member_id] = vote
            elif {earlier.position, position} & _AYE_SIDE and {earlier.position, position} & _NO_SIDE:
                votes[vote.member_id] = replace(earlier, position="both",
                                                path=f"{earlier.path} and {item.path}")
            else:
                raise item.error(f"lists member {vote.member_id} again "
                                 f"(already at {earlier.path})")
    return PublishedDivision(
        division_id=node.integer("DivisionId") or 0, day=node.day("Date") or date.min,
        number=node.integer("Number", required=False), title=node.text("Title") or "",
        aye_count=node.integer("AyeCount", required=False),
        no_count=node.integer("NoCount", required=False), votes=tuple(votes.values()))


def _recorded_vote(item: JsonNode, position: str) -> RecordedVote:
    return RecordedVote(
        member_id=item.integer("MemberId") or 0, name=item.text("Name") or "",
        list_as=item.text("ListAs", required=False), party=item.text("Party", required=False),
        party_abbreviation=item.text("PartyAbbreviation", required=False),
        position=position, path=item.path)


def fetch_division(client: httpx.Client, division_id: int) -> JsonNode:
    try:
        return fetch_json(client, f"/data/division/{division_id}.json")
    except SourceNotFound as exc:
        raise ImportSourceError(f"no division {division_id} in the Commons Votes API "
                                f"({exc})") from None


def search_divisions(client: httpx.Client, day: date) -> list[PublishedDivision]:
    """Every division on ``day`` (the search is paged, 25 at a time)."""
    found: list[PublishedDivision] = []
    skip = 0
    while True:
        page = fetch_json(client, SEARCH_PATH, params={
            "queryParameters.startDate": day.isoformat(),
            "queryParameters.endDate": day.isoformat(),
            "queryParameters.skip": skip, "queryParameters.take": SEARCH_PAGE})
        items = page.items()
        found.extend(parse_division(item, with_votes=False) for item in items)
        skip += SEARCH_PAGE
        if len(items) < SEARCH_PAGE:
            return found


def import_division(session: Session, node: JsonNode, *, expected_id: int | None = None,
                    tracked: str | None = None, data_dir: Path = DATA_DIR) -> ImportResult:
    published = parse_division(node)
    if expected_id is not None and published.division_id != expected_id:
        raise node.error(f"is division {published.division_id}, not {expected_id}")
    recorder = Recorder(session, actor="import:commons-votes", source=node.source)
    notes: list[str] = []
    sources = SourceBook(session, recorder)
    source = sources.get(url=published.public_url, publisher="UK Parliament (Commons Votes)",
                         title=f"Division {published.number}: {published.title}"[:500],
                         published_on=published.day)
    recorder.flush()
    division = _upsert_division(session, recorder, published, tracked, source.id, notes)
    people = PersonIndex(session, recorder)
    parties = PartyResolver(session, recorder, data_dir)
    voters = [_voter(people, v, node.source) for v in published.votes]
    new_people = sum(1 for p in voters if p.id is None)
    record_division_names(session, recorder, voters, published.votes, published.day, source.id)  # names
    recorder.flush()

    existing = {v.person_id: v for v in
                session.exec(select(Vote).where(Vote.division_id == division.id)).all()}
    links = VoteSources(session, recorder, division.id)  # type: ignore[arg-type]
    written: list[tuple[Vote, int | None]] = []
    party_of = {vote.member_id: resolve_party(parties, vote.party, vote.party_abbreviation)
                if vote.party else None for vote in published.votes}
    recorder.flush()  # a party first named here needs its id before the votes do
    for person, vote in zip(voters, published.votes, strict=True):
        party = party_of[vote.member_id]
        values = {"position": vote.position, "party_id": party.id if party else None,
                  "source_id": source.id}
        stored = existing.pop(person.id, None)  # type: ignore[arg-type]
        if stored is None:
            written.append((recorder.add(Vote(division_id=division.id, person_id=person.id,  # type: ignore[arg-type]
                                              **values)), None))
        else:
            earlier_source = stored.source_id
            recorder.update(stored, values)
            written.append((stored, earlier_source))
    recorder.flush()
    for stored, earlier_source in written:
        # The official record becomes the main source; an earlier one (a press list) stays.
        links.ensure(stored.id, source.id)  # type: ignore[arg-type]
        if earlier_source is not None:
            links.ensure(stored.id, earlier_source)  # type: ignore[arg-type]
    recorder.flush()
    notes.extend(_count_notes(published))
    if new_people:
        notes.append(f"{new_people} member(s) were not known before and were added")
    if existing:
        notes.append(f"{len(existing)} vote(s) stored earlier are not in the official record; "
                     "kept, please check them")
    notes.append(f"division {published.division_id} stored as {division.slug!r}")
    return ImportResult.from_recorder(f"commons-votes {published.division_id}", recorder, notes)


def _upsert_division(session: Session, recorder: Recorder, published: PublishedDivision,
                     tracked: str | None, source_id: int | None,
                     notes: list[str]) -> Division:
    divisions = session.exec(select(Division)).all()
    by_commons_id = {d.commons_division_id: d for d in divisions if d.commons_division_id}
    official = {"commons_division_id": published.division_id, "number": published.number,
                "votes_complete": True}
    counts = {"aye_count": published.aye_count, "no_count": published.no_count}
    division = by_commons_id.get(published.division_id)
    if tracked is not None:
        division = _tracked_division(divisions, division, tracked, published)
    if division is None:
        commons = ensure_commons(session, recorder)
        slug = Slugs(session, Division).claim(_short_slug(published))
        division = recorder.add(Division(
            slug=slug, body_id=commons.id, topic_id=None,  # type: ignore[arg-type]
            division_date=published.day, title=published.title[:500],
            source_id=source_id, **official, **counts))
    elif division.topic_id is not None:
        recorder.update(division, official | _missing_counts(division, counts, notes))
    else:
        recorder.update(division, official | counts)
    recorder.flush()
    return division


def _missing_counts(division: Division, counts: dict[str, int | None],
                    notes: list[str]) -> dict[str, int | None]:
    """Counts for a tracked division: data/divisions.toml wins, the API fills the gaps.

    ``sync_reference`` writes the curated counts on every run, so overwriting
    them here would flip them back and forth; a disagreement is reported instead.
    """
    missing = {}
    for field, value in counts.items():
        held = getattr(division, field)
        if held is None:
            missing[field] = value
        elif value is not None and held != value:
            notes.append(f"{division.slug}: the official record gives {field} {value}, "
                         f"data/divisions.toml says {held}; kept {held}")
    return missing


def _tracked_division(divisions: list[Division], linked: Division | None, slug: str,
                      published: PublishedDivision) -> Division:
    """The tracked division to attach the record to, after checking it is the same vote."""
    chosen = next((d for d in divisions if d.slug == slug), None)
    if chosen is None or chosen.topic_id is None:
        raise ImportSourceError(f"no tracked division {slug!r}; tracked divisions are listed "
                                "in data/divisions.toml")
    if linked is not None and linked.id != chosen.id:
        raise ImportSourceError(f"Commons division {published.division_id} is already stored as "
                                f"{linked.slug!r}, not {slug!r}")
    if chosen.commons_division_id not in (None, published.division_id):
        raise ImportSourceError(f"{slug!r} is linked to Commons division "
                                f"{chosen.commons_division_id}, not {published.division_id}")
    if chosen.division_date != published.day:
        raise ImportSourceError(f"Commons division {published.division_id} was on "
                                f"{published.day}, but {slug!r} is dated {chosen.division_date}; "
                                "check the id")
    return chosen


def _short_slug(published: PublishedDivision) -> str:
    """'2024-01-16-division-52-rwanda-bill...' kept under 120 characters, cut at a word."""
    slug = slugify(f"{published.day} division {published.number or ''} {published.title}")
    if len(slug) > 120:
        slug = slug[:120].rsplit("-", 1)[0]
    return slug


def _voter(people: PersonIndex, vote: RecordedVote, source: str) -> Person:
    """The member by MemberId; someone not known yet is made from Name and ListAs."""
    found = people.find(parliament_id=vote.member_id)
    if found is not None:
        return found
    return people.upsert(name=strip_honorifics(vote.name),
                         sort_name=list_name(vote.list_as) if vote.list_as else None,
                         parliament_id=vote.member_id, source=source)


def listed_counts(positions: Iterable[str]) -> dict[str, int]:
    """Members named as ayes and as noes (tellers apart, as in the official counts).

    A member in both lobbies is named on both lists, so counts towards each.
    """
    counts = Counter(positions)
    return {"aye": counts["aye"] + counts["both"], "no": counts["no"] + counts["both"]}


def _count_notes(published: PublishedDivision) -> list[str]:
    listed = listed_counts(v.position for v in published.votes)
    notes = []
    for position, word, count in (("aye", "ayes", published.aye_count), ("no", "noes", published.no_count)):
        if count is not None and listed[position] != count:
            notes.append(f"the record names {listed[position]} members as {word} "
                         f"but gives a count of {count}")
    both = sum(1 for v in published.votes if v.position == "both")
    if both:
        notes.append(f"{both} member(s) are named in both lobbies; stored as 'both'")
    return notes


def from_data_dir(session: Session, data_dir: Path, _progress: Progress) -> list[ImportResult]:
    """Every saved division of the data folder, each attached to its tracked division if any."""
    paths = sorted(Path(data_dir).glob(SHARED_FILES))
    project = project_data_dir()
    return [import_division(session, read_json_file(path), data_dir=project) for path in paths]


def print_search(client: httpx.Client, day: date) -> None:
    found = search_divisions(client, day)
    if not found:
        click.echo(f"No Commons divisions on {day}.")
        return
    for d in found:
        click.echo(f"{d.division_id:>7}  no. {d.number if d.number is not None else '?':<4} "
                   f"{d.aye_count}-{d.no_count}  {d.title}")


@click.command("commons-votes")
@click.option("--division-id", type=int, help="The Commons Votes DivisionId.")
@click.option("--tracked", "tracked_slug", metavar="SLUG",
              help="Attach to this tracked division of data/divisions.toml.")
@click.option("--from-file", type=FILE_PATH,
              help="A saved /data/division/{id}.json answer.")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
@click.option("--search-date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="List the divisions of this day (YYYY-MM-DD) and stop.")
def command(division_id: int | None, tracked_slug: str | None, from_file: Path | None,
            base_url: str, search_date: datetime | None) -> None:
    """A division's full per-member record from the Commons Votes API."""
    if search_date is not None:
        try:
            with importer_client(base_url) as client:
                print_search(client, search_date.date())
        except (ImportFileError, ImportSourceError) as exc:
            raise click.ClickException(str(exc)) from exc
        return
    if division_id is None and from_file is None:
        raise click.UsageError("give --division-id N or --from-file PATH "
                               "(use --search-date YYYY-MM-DD to find ids)")
    data_dir = project_data_dir()

    def run(session: Session, _progress: Progress) -> ImportResult:
        if from_file is not None:
            node = read_json_file(from_file)
        else:
            with importer_client(base_url) as client:
                node = fetch_division(client, division_id)  # type: ignore[arg-type]
        sync_reference_quietly(session, data_dir)
        return import_division(session, node, expected_id=division_id, tracked=tracked_slug,
                               data_dir=data_dir)

    run_import(run)
