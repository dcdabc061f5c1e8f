"""`tracker import members-api`: current MPs from the UK Parliament Members API.

Pages through ``GET /api/Members/Search?House=1&IsCurrentMember=true``. People
are matched by ``parliament_id`` (the Members API id, the same as the Commons
Votes ``MemberId``); known people only get missing details filled in, never a
new name from here (their spellings are recorded, and the display name follows the
latest official one: tracker/names.py). A Commons seat is added only for someone with no open one, so this
importer never fights the MP files loaded by the ``mps`` importer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
import httpx
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.http_client import importer_client
from tracker.importers.base import (
    FILE_PATH,
    ImportResult,
    Progress,
    resolve_party,
    sync_reference_quietly,
)
from tracker.importers.http import JsonNode, fetch_json, read_json_file
from tracker.importers.people import PersonIndex
from tracker.importers.runner import run_import
from tracker.models import Area, Membership, Party, Person
from tracker.names import record_member_names
from tracker.reference import PartyResolver, SourceBook, ensure_commons, project_data_dir
from tracker.revisions import Recorder
from tracker.text import list_name, strip_honorifics

DEFAULT_BASE_URL = "https://members-api.parliament.uk"
SEARCH_PATH = "/api/Members/Search"
PAGE_SIZE = 20
GENDERS = {"F": "female", "M": "male"}  # as the ge2024 importer stores them
GE2024 = date(2024, 7, 4)


# -- the Members API -------------------------------------------------------------------------

@dataclass(frozen=True)
class ApiMember:
    id: int
    name: str
    sort_name: str
    gender: str | None
    party_id: int | None
    party_name: str | None
    party_abbreviation: str | None
    house: int | None
    constituency: str | None
    start_date: date | None
    end_date: date | None


def parse_member(item: JsonNode) -> ApiMember:
    """One ``{value: {...}, links: [...]}`` item of a Members API answer."""
    value = item.get("value")
    assert value is not None
    party = value.get("latestParty", required=False)
    seat = value.get("latestHouseMembership", required=False)
    display = value.text("nameDisplayAs")
    list_as = value.text("nameListAs", required=False)
    gender = value.text("gender", required=False)
    return ApiMember(
        id=value.integer("id") or 0,
        name=strip_honorifics(display or ""),
        sort_name=list_name(list_as) if list_as else "",
        gender=GENDERS.get(gender or "", gender),
        party_id=party.integer("id", required=False) if party else None,
        party_name=party.text("name", required=False) if party else None,
        party_abbreviation=party.text("abbreviation", required=False) if party else None,
        house=seat.integer("house", required=False) if seat else None,
        constituency=seat.text("membershipFrom", required=False) if seat else None,
        start_date=seat.day("membershipStartDate", required=False) if seat else None,
        end_date=seat.day("membershipEndDate", required=False) if seat else None,
    )


def member_items(document: JsonNode) -> list[JsonNode]:
    """The member items of a search page, or the one item of a single-member answer."""
    if document.has("items"):
        return document.items("items")
    if document.has("value"):
        return [document]
    raise document.error("is neither a Members search page (items) nor a member (value)")


def fetch_members(client: httpx.Client, *, house: int = 1, take: int = PAGE_SIZE,
                  progress: Callable[[int], None] | None = None) -> list[JsonNode]:
    """Every page of current members, following skip until it reaches totalResults."""
    items: list[JsonNode] = []
    skip = 0
    while True:
        page = fetch_json(client, SEARCH_PATH, params={
            "House": house, "IsCurrentMember": "true", "skip": skip, "take": take})
        found = member_items(page)
        items.extend(found)
        if progress:
            progress(len(found))
        total = page.integer("totalResults")
        skip += take
        if not found or total is None or skip >= total:
            return items


def unique_members(members: list[ApiMember]) -> tuple[list[ApiMember], list[str]]:
    """Drop repeated ids (the API has been seen to repeat a member); report them."""
    seen: dict[int, ApiMember] = {}
    repeats: dict[int, int] = {}
    for member in members:
        if member.id in seen:
            repeats[member.id] = repeats.get(member.id, 1) + 1
        else:
            seen[member.id] = member
    notes = [f"member {mid} ({seen[mid].name}) appears {n} times in the answer; used once"
             for mid, n in repeats.items()]
    return list(seen.values()), notes


def constituencies_2024(session: Session) -> dict[str, Area]:
    """Westminster constituencies of the 2024 boundaries, by lower-case name."""
    found: dict[str, Area] = {}
    for area in session.exec(select(Area).where(Area.kind == "westminster_constituency")).all():
        from_2024 = (area.boundary_set or "").startswith("2024") or (
            area.valid_from is not None and area.valid_from >= GE2024)
        if from_2024 and area.valid_to is None:
            found[area.name.casefold()] = area
    return found


def import_members(session: Session, items: list[JsonNode], *, source: str, house: int = 1,
                   data_dir: Path = DATA_DIR, fetched_on: date | None = None) -> ImportResult:
    recorder = Recorder(session, actor="import:members-api", source=source)
    members, notes = unique_members([parse_member(item) for item in items])
    people = PersonIndex(session, recorder)
    parties = PartyResolver(session, recorder, data_dir)
    commons = ensure_commons(session, recorder)
    sources = SourceBook(session, recorder)
    memberships = session.exec(select(Membership).where(Membership.body_id == commons.id)).all()
    seated = {m.person_id for m in memberships if m.end_date is None}
    external_ids = {m.external_id for m in memberships if m.external_id}
    areas = constituencies_2024(session)

    other_house: list[ApiMember] = []
    to_seat: list[tuple[Person, ApiMember, Party | None]] = []
    for member in members:
        if member.house != house:
            other_house.append(member)
            recorder.skip("person")
            continue
        person = _upsert_person(people, recorder, member, source)
        party = resolve_party(parties, member.party_name, member.party_abbreviation,
                              member.party_id) if member.party_name else None
        if member.end_date is not None:
            notes.append(f"{member.name} ({member.id}): membership ended {member.end_date}; "
                         "no open seat made")
        else:
            to_seat.append((person, member, party))
    recorder.flush()
    record_member_names(session, recorder, people, [m for m in members if m.house == house], fetched_on)

    seats = []
    for person, member, party in to_seat:
        external_id = f"members-api:{member.id}"
        if person.id in seated or external_id in external_ids:
            continue
        area = areas.get((member.constituency or "").casefold())
        if member.constituency and area is None:
            notes.append(f"{member.name} ({member.id}): no 2024 constituency named "
                         f"{member.constituency!r}; seat made without an area")
        seat_source = sources.get(url=f"https://members.parliament.uk/member/{member.id}",
                                  publisher="UK Parliament")
        seats.append((person, member, party, area, seat_source, external_id))
    recorder.flush()
    for person, member, party, area, seat_source, external_id in seats:
        recorder.add(Membership(
            person_id=person.id, body_id=commons.id,  # type: ignore[arg-type]
            area_id=area.id if area else None, party_id=party.id if party else None,
            start_date=member.start_date, external_id=external_id, source_id=seat_source.id))
    recorder.flush()
    if other_house:
        notes.append(f"{len(other_house)} member(s) not of House {house} skipped "
                     f"(e.g. {other_house[0].name})")
    return ImportResult.from_recorder("members-api", recorder, notes)


def _upsert_person(people: PersonIndex, recorder: Recorder, member: ApiMember,
                   source: str) -> Person:
    """New people get the API's names; known ones only gain missing ids and gender."""
    person = people.upsert(name=member.name, sort_name=member.sort_name or None,
                           parliament_id=member.id, source=source)
    if member.gender and person.gender is None:
        if person.id is None:  # created just now: the create revision will include it
            person.gender = member.gender
        else:
            recorder.update(person, {"gender": member.gender}, source=source)
    return person


@click.command("members-api")
@click.option("--from-file", type=FILE_PATH,
              help="A saved Members API answer (a search page or a single member).")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
@click.option("--house", type=int, default=1, show_default=True, help="1 = Commons, 2 = Lords.")
def command(from_file: Path | None, base_url: str, house: int) -> None:
    """Current MPs from the UK Parliament Members API (paged), or a saved answer."""
    data_dir = project_data_dir()

    def run(session: Session, progress: Progress) -> ImportResult:
        if from_file is not None:
            items, source = member_items(read_json_file(from_file)), from_file.name
        else:
            with importer_client(base_url) as client:
                items = fetch_members(client, house=house, progress=progress("Members", 650))
            source = f"{base_url.rstrip('/')}{SEARCH_PATH}"
        sync_reference_quietly(session, data_dir)
        return import_members(session, items, source=source, house=house, data_dir=data_dir,
                              fetched_on=None if from_file is not None else date.today())

    run_import(run)
