"""Load the hand-written, sourced demo dataset in ``seeds/`` (see seeds/README.md)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from tracker.importers.base import ImportFileError, ImportResult
from tracker.importers.council_index import CouncilIndex
from tracker.importers.people import PersonIndex
from tracker.models import (
    Affiliation,
    Area,
    Body,
    Candidacy,
    Election,
    Evidence,
    Membership,
    Person,
    Pledge,
    Source,
    Topic,
)
from tracker.names import record_names
from tracker.reference import PartyResolver, SourceBook, default_topic, ensure_body, sync_reference
from tracker.revisions import Recorder
from tracker.stance import load_topic
from tracker.text import slugify

NEW_BOUNDARIES = date(2024, 7, 4)
SEED_FILES = ("articles", "people", "evidence", "pledges", "elections")


def database_is_empty(session: Session) -> bool:
    return session.exec(select(Person.id).limit(1)).first() is None


def _tidy(text: str | None) -> str | None:
    return " ".join(text.split()) if text else text


def _read(seeds_dir: Path, name: str) -> dict[str, Any]:
    path = seeds_dir / f"{name}.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFileError(path, f"is not valid TOML: {exc}") from None


class SeedLoader:
    def __init__(self, session: Session, seeds_dir: Path, data_dir: Path) -> None:
        self.session = session
        self.seeds_dir = seeds_dir
        self.data_dir = data_dir
        self.recorder = Recorder(session, actor="seed", source="seeds/")
        sync_reference(session, self.recorder, data_dir)
        self.sources = SourceBook(session, self.recorder)
        self.parties = PartyResolver(session, self.recorder, data_dir)
        self.people = PersonIndex(session, self.recorder)
        self.articles: dict[str, Source] = {}
        self.person_by_slug: dict[str, Person] = {}
        self.topics = {t.slug: t for t in session.exec(select(Topic)).all()}
        self.councils: CouncilIndex | None = None

    # -- helpers ----------------------------------------------------------------------

    def _error(self, file: str, message: str) -> ImportFileError:
        return ImportFileError(self.seeds_dir / f"{file}.toml", message)

    def _article(self, file: str, key: str) -> Source:
        if key not in self.articles:
            raise self._error(file, f"cites unknown article {key!r}")
        return self.articles[key]

    def _topic(self, file: str, slug: str | None) -> str:
        """The item's topic, else its file's, else the default topic of data/topics."""
        slug = slug or default_topic(self.data_dir)
        if slug not in self.topics:
            raise self._error(file, f"names unknown topic {slug!r} (see data/topics)")
        return slug

    def _person(self, file: str, slug: str) -> Person:
        person = self.person_by_slug.get(slug) or self.session.exec(
            select(Person).where(Person.slug == slug)).first()
        if person is None:
            raise self._error(file, f"names unknown person {slug!r}")
        return person

    def _party(self, file: str, slug: str) -> Any:
        party = self.parties.resolve(slug, create=False)
        if party is None:
            raise self._error(file, f"names unknown party {slug!r} (see data/parties.toml)")
        return party

    def _constituency(self, seat: dict[str, Any]) -> Area:
        area = self.session.exec(select(Area).where(Area.gss_code == seat["gss"])).first()
        if area is not None:
            return area
        old = seat.get("start") is not None and seat["start"] < NEW_BOUNDARIES
        return self.recorder.add(Area(
            slug=slugify(seat["constituency"]) + ("-2010" if old else ""),
            name=seat["constituency"], kind="westminster_constituency", gss_code=seat["gss"],
            boundary_set="2010" if old else "2024",
            valid_from=date(2010, 5, 6) if old else NEW_BOUNDARIES,
            valid_to=NEW_BOUNDARIES if old else None))

    def _council(self, name: str) -> tuple[Area, Body]:
        """The council of this name or alternative name (the register's, if loaded), else a new one."""
        if self.councils is None:
            self.councils = CouncilIndex(self.session, self.recorder)
        area, body = self.councils.ensure(name)
        self.recorder.flush()
        return area, body

    # -- files --------------------------------------------------------------------------

    def load_articles(self) -> None:
        for item in _read(self.seeds_dir, "articles").get("articles", []):
            self.articles[item["key"]] = self.sources.get(
                key=f"seed:{item['key']}", url=item.get("url"), publisher=item["publisher"],
                title=item["title"], published_on=item.get("date"), note=_tidy(item.get("summary")))
        self.recorder.flush()

    def load_people(self) -> None:
        source = self.sources.get(key="seeds/people.toml", title="Seed dataset: people",
                                  publisher="Ceasefire tracker seeds")
        commons = ensure_body(self.session, self.recorder, slug="house-of-commons",
                              name="House of Commons", kind="commons")
        self.recorder.flush()
        for item in _read(self.seeds_dir, "people").get("people", []):
            person = self.people.upsert(
                name=item["name"], sort_name=item.get("sort_name"), slug_hints=(item["slug"],),
                existing=self._known_by_seat(item),
                parliament_id=item.get("parliament_id"), twfy_id=item.get("twfy_id"))
            if item.get("note"):
                self.recorder.update(person, {"note": _tidy(item["note"])})
            self.recorder.flush()
            self.person_by_slug[item["slug"]] = person
            for seat in item.get("seats", []):
                self._load_seat(person, seat, commons, source)
            for affiliation in item.get("parties", []):
                self._load_affiliation(person, affiliation, source)
        self.recorder.flush()
        record_names(self.session, self.recorder, "seeds", ((self.person_by_slug[i["slug"]], i["name"], None,
                     source.id) for i in _read(self.seeds_dir, "people").get("people", [])))

    def _seat_key(self, seat: dict[str, Any], person_slug: str) -> str | None:
        if seat.get("body") == "house-of-commons":
            return seat.get("membership_id")
        return f"council:{slugify(seat['council'])}:{person_slug}"

    def _known_by_seat(self, item: dict[str, Any]) -> Person | None:
        """People with no public id (councillors) are found again through their seat."""
        for seat in item.get("seats", []):
            key = self._seat_key(seat, item["slug"])
            membership = self.session.exec(
                select(Membership).where(Membership.external_id == key)).first() if key else None
            if membership is not None:
                return self.session.get(Person, membership.person_id)
        return None

    def _load_seat(self, person: Person, seat: dict[str, Any], commons: Body, source: Source) -> None:
        if seat.get("body") == "house-of-commons":
            area, body = self._constituency(seat), commons
        else:
            area, body = self._council(seat["council"])
        external_id = self._seat_key(seat, person.slug)
        self.recorder.flush()
        party = self._party("people", seat["party"]) if seat.get("party") else None
        values = {"person_id": person.id, "body_id": body.id, "area_id": area.id,
                  "party_id": party.id if party else None, "start_date": seat.get("start"),
                  "end_date": seat.get("end"), "role": seat.get("role"), "source_id": source.id}
        existing = self.session.exec(
            select(Membership).where(Membership.external_id == external_id)).first()
        if existing is None:
            self.recorder.add(Membership(external_id=external_id, **values))
        else:
            # An importer may hold the same seat from a better source: only fill gaps.
            self.recorder.update(existing, {k: v for k, v in values.items()
                                            if getattr(existing, k) is None})

    def _load_affiliation(self, person: Person, item: dict[str, Any], source: Source) -> None:
        party = self._party("people", item["party"])
        if item.get("article"):
            source = self._article("people", item["article"])
        existing = self.session.exec(select(Affiliation).where(
            Affiliation.person_id == person.id, Affiliation.party_id == party.id,
            Affiliation.source_id == source.id, Affiliation.start_date == item.get("start"))).first()
        values = {"start_date": item.get("start"), "end_date": item.get("end"),
                  "note": _tidy(item.get("note"))}
        if existing is None:
            self.recorder.add(Affiliation(person_id=person.id, party_id=party.id,
                                          source_id=source.id, **values))
        else:
            self.recorder.update(existing, values, overwrite_with_none=True)

    def load_evidence(self) -> None:
        existing = {e.external_key: e for e in self.session.exec(
            select(Evidence).where(Evidence.external_key.startswith("seed:"))).all()}  # type: ignore[union-attr]
        evidence = _read(self.seeds_dir, "evidence")
        for item in evidence.get("evidence", []):
            topic_slug = self._topic("evidence", item.get("topic") or evidence.get("topic"))
            scale = load_topic(topic_slug, self.data_dir)
            if not scale.is_valid(item["stance"]):
                raise self._error("evidence", f"{item['key']}: {item['stance']!r} is not a "
                                              f"stance of {topic_slug}")
            person = self._person("evidence", item["person"]) if "person" in item else None
            party = self._party("evidence", item["party"]) if "party" in item else None
            values = {
                "topic_id": self.topics[topic_slug].id, "kind": item["kind"],
                "person_id": person.id if person else None,
                "party_id": party.id if party else None,
                "stance": item["stance"], "evidence_date": item["date"],
                "summary": _tidy(item["summary"]), "quote": _tidy(item.get("quote")),
                "source_id": self._article("evidence", item["article"]).id,
                "status": "approved", "review_reason": "Seed dataset, checked against the article.",
            }
            if item["key"] in existing:
                self.recorder.update(existing[item["key"]], values)
            else:
                self.recorder.add(Evidence(external_key=item["key"], **values))
        self.recorder.flush()

    def load_pledges(self) -> None:
        pledges = _read(self.seeds_dir, "pledges")
        for item in pledges.get("pledges", []):
            topic_slug = self._topic("pledges", item.get("topic") or pledges.get("topic"))
            values = {"topic_id": self.topics[topic_slug].id,
                      "title": item["title"], "text": _tidy(item["text"]),
                      "organisation": item["organisation"], "url": item.get("url"),
                      "stance": item["stance"], "launched_on": item.get("launched_on"),
                      "source_id": self._article("pledges", item["article"]).id}
            pledge = self.session.exec(select(Pledge).where(Pledge.slug == item["slug"])).first()
            if pledge is None:
                self.recorder.add(Pledge(slug=item["slug"], **values))
            else:
                self.recorder.update(pledge, values)
        self.recorder.flush()

    def load_elections(self) -> None:
        for item in _read(self.seeds_dir, "elections").get("elections", []):
            body = self.session.exec(select(Body).where(Body.slug == item["body"])).one()
            values = {"name": item["name"], "kind": item["kind"],
                      "election_date": item["date"], "body_id": body.id}
            election = self.session.exec(
                select(Election).where(Election.slug == item["slug"])).first()
            if election is None:
                election = self.recorder.add(Election(slug=item["slug"], **values))
            else:
                self.recorder.update(election, values)
            self.recorder.flush()
            source = self._article("elections", item["article"])
            for entry in item.get("candidacies", []):
                person = self._person("elections", entry["person"])
                area = self.session.exec(
                    select(Area).where(Area.gss_code == entry["constituency_gss"])).one()
                party = self._party("elections", entry["party"])
                found = self.session.exec(select(Candidacy).where(
                    Candidacy.election_id == election.id, Candidacy.area_id == area.id,
                    Candidacy.person_id == person.id)).first()
                values = {"party_id": party.id, "elected": entry.get("elected", False),
                          "votes": entry.get("votes"), "source_id": source.id}
                if found is None:
                    self.recorder.add(Candidacy(election_id=election.id, area_id=area.id,
                                                person_id=person.id, **values))
                else:
                    self.recorder.update(found, values)
        self.recorder.flush()


def load_seeds(session: Session, seeds_dir: Path, data_dir: Path) -> ImportResult:
    """Load every seed file; running it twice changes nothing."""
    loader = SeedLoader(session, Path(seeds_dir), Path(data_dir))
    loader.load_articles()
    loader.load_people()
    loader.load_evidence()
    loader.load_pledges()
    loader.load_elections()
    derive = _commons_affiliation_deriver()
    if derive is not None:
        derive(session, loader.recorder, [p.id for p in loader.person_by_slug.values()])
    loader.recorder.flush()
    return ImportResult.from_recorder("seeds", loader.recorder)


def _commons_affiliation_deriver():  # type: ignore[no-untyped-def]
    """The MPs importer's own derivation of party spans from Commons seats, if present."""
    try:
        from tracker.importers.mps import derive_affiliations
    except ImportError:
        return None
    return derive_affiliations
