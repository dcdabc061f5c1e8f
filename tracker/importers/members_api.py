"""`tracker import members-api`: current MPs from the UK Parliament Members API.

Pages through ``GET /api/Members/Search?House=1&IsCurrentMember=true``. People
are matched by ``parliament_id`` (the Members API id, the same as the Commons
Votes ``MemberId``); known people only get missing details filled in, never a
new name. A Commons seat is added only for someone with no open one, so this
importer never fights the MP files loaded by the ``mps`` importer.

This module also holds the helpers every live (JSON over HTTP) importer shares:
``make_client``/``app_client``, ``fetch_json``, ``read_json_file`` and
``JsonNode``, which names the JSON path of any bad item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
import httpx
from flask import current_app
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.importers.base import ImportFileError, ImportResult, ImportSourceError, Progress
from tracker.importers.people import PersonIndex
from tracker.importers.runner import run_import
from tracker.models import Area, Membership, Party, Person
from tracker.reference import PartyResolver, SourceBook, ensure_commons, sync_reference
from tracker.revisions import Recorder

DEFAULT_BASE_URL = "https://members-api.parliament.uk"
SEARCH_PATH = "/api/Members/Search"
PAGE_SIZE = 20
DEFAULT_TIMEOUT = 10.0
GENDERS = {"F": "female", "M": "male"}  # as the ge2024 importer stores them
GE2024 = date(2024, 7, 4)


# -- shared helpers for live JSON sources ------------------------------------------------

class SourceNotFound(ImportSourceError):
    """The live source answered 404 Not Found."""


def make_client(base_url: str, *, transport: httpx.BaseTransport | None = None,
                timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    return httpx.Client(base_url=base_url.rstrip("/"), transport=transport, timeout=timeout,
                        follow_redirects=True,
                        headers={"Accept": "application/json",
                                 "User-Agent": "ceasefire-stance-tracker"})


def app_client(base_url: str) -> httpx.Client:
    """A client for a CLI command: the app's HTTP_TIMEOUT, and its HTTP_TRANSPORT if set.

    Tests put an ``httpx.MockTransport`` in ``app.config["HTTP_TRANSPORT"]``.
    """
    return make_client(base_url, transport=current_app.config.get("HTTP_TRANSPORT"),
                       timeout=float(current_app.config.get("HTTP_TIMEOUT", DEFAULT_TIMEOUT)))


@dataclass(frozen=True)
class JsonNode:
    """A value in a JSON document with its path, so errors name the bad item."""

    source: str
    path: str
    value: Any

    def error(self, message: str) -> ImportFileError:
        return ImportFileError(self.source, f"{self.path} {message}")

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def get(self, key: str, *, required: bool = True) -> JsonNode | None:
        if not isinstance(self.value, dict):
            raise self.error("is not an object")
        node = JsonNode(self.source, f"{self.path}.{key}", self.value.get(key))
        if node.value is None:
            if required:
                raise node.error("is missing")
            return None
        return node

    def items(self, key: str | None = None, *, required: bool = True) -> list[JsonNode]:
        node = self if key is None else self.get(key, required=required)
        if node is None:
            return []
        if not isinstance(node.value, list):
            raise node.error("is not a list")
        return [JsonNode(self.source, f"{node.path}[{i}]", v) for i, v in enumerate(node.value)]

    def text(self, key: str, *, required: bool = True) -> str | None:
        node = self.get(key, required=required)
        if node is None:
            return None
        if not isinstance(node.value, str):
            raise node.error(f"is not text: {node.value!r}")
        value = node.value.strip()
        if not value and required:
            raise node.error("is empty")
        return value or None

    def integer(self, key: str, *, required: bool = True) -> int | None:
        node = self.get(key, required=required)
        if node is None:
            return None
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            raise node.error(f"is not a whole number: {node.value!r}")
        return node.value

    def day(self, key: str, *, required: bool = True) -> date | None:
        """A date, from an ISO date or date-time such as ``2023-11-15T00:00:00``."""
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise JsonNode(self.source, f"{self.path}.{key}", value).error(
                f"is not a date: {value!r}") from None


def fetch_json(client: httpx.Client, path: str, params: dict[str, Any] | None = None) -> JsonNode:
    """GET a JSON document; any failure becomes an ImportSourceError naming the URL."""
    request = client.build_request("GET", path, params=params)
    url = str(request.url)
    try:
        response = client.send(request)
    except httpx.TimeoutException:
        raise ImportSourceError(f"could not reach {url}: no answer within "
                                f"{client.timeout.read} seconds") from None
    except httpx.HTTPError as exc:
        raise ImportSourceError(f"could not reach {url}: {exc or type(exc).__name__}") from None
    if response.status_code == 404:
        raise SourceNotFound(f"{url} answered 404 Not Found")
    if response.is_error:
        raise ImportSourceError(f"{url} answered HTTP {response.status_code}")
    try:
        return JsonNode(url, "$", response.json())
    except ValueError:
        raise ImportSourceError(f"{url} did not answer with JSON") from None


def read_json_file(path: Path) -> JsonNode:
    """A saved API response, for the ``--from-file`` modes."""
    if not path.is_file():
        raise ImportFileError(path, "file not found")
    try:
        return JsonNode(path.name, "$", json.loads(path.read_text(encoding="utf-8-sig")))
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"is not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(path, f"is not valid JSON: {exc.msg} (column {exc.colno})",
                              line=exc.lineno) from None


# -- names ---------------------------------------------------------------------------------

_HONORIFIC = re.compile(
    r"^(?:(?:the\s+)?rt\.?\s+hon\.?|mrs|mr|ms|miss|mx|dr|sir|dame|prof|professor)\.?\s+",
    re.IGNORECASE)


def strip_honorifics(name: str) -> str:
    """'Ms Diane Abbott' -> 'Diane Abbott'; 'Rt Hon Sir Keir Starmer' -> 'Keir Starmer'."""
    name = " ".join(name.split())
    while (match := _HONORIFIC.match(name)) and match.end() < len(name):
        name = name[match.end():]
    return name


def list_name(list_as: str) -> str:
    """'Abbott, Ms Diane' -> 'Abbott, Diane'."""
    last, comma, first = list_as.partition(",")
    if not comma:
        return strip_honorifics(list_as)
    return f"{last.strip()}, {strip_honorifics(first)}"


def resolve_party(parties: PartyResolver, name: str | None, abbreviation: str | None = None,
                  mnis_id: int | None = None) -> Party | None:
    """By MNIS id, then name, then abbreviation; created from the name if still unknown."""
    return (parties.resolve(name, mnis_id=mnis_id, create=False)
            or (parties.resolve(abbreviation, create=False) if abbreviation else None)
            or parties.resolve(name, mnis_id=mnis_id, short_name=abbreviation))


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
                   data_dir: Path = DATA_DIR) -> ImportResult:
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
@click.option("--from-file", type=click.Path(dir_okay=False, path_type=Path),
              help="A saved Members API answer (a search page or a single member).")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
@click.option("--house", type=int, default=1, show_default=True, help="1 = Commons, 2 = Lords.")
def command(from_file: Path | None, base_url: str, house: int) -> None:
    """Current MPs from the UK Parliament Members API (paged), or a saved answer."""
    data_dir = Path(current_app.config["DATA_DIR"])

    def run(session: Session, progress: Progress) -> ImportResult:
        if from_file is not None:
            items, source = member_items(read_json_file(from_file)), from_file.name
        else:
            with app_client(base_url) as client:
                items = fetch_members(client, house=house, progress=progress("Members", 650))
            source = f"{base_url.rstrip('/')}{SEARCH_PATH}"
        sync_reference(session, Recorder(session, actor="import:reference", source="data/"),
                       data_dir)
        return import_members(session, items, source=source, house=house, data_dir=data_dir)

    run_import(run)
