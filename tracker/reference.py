"""Reference data shipped in ``data/``: topics, parties, tracked divisions.

``sync_reference`` writes them into the database (idempotently, with
revisions); the resolvers find or create parties, bodies and sources for the
importers and the seed loader.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlmodel import Session, select

from tracker.config import DATA_DIR
from tracker.models import WHIP_POSITIONS, Body, Division, Party, Source, Topic, Whip
from tracker.revisions import Recorder
from tracker.stance import load_topic
from tracker.text import Slugs

COMMONS_SLUG = "house-of-commons"


@lru_cache(maxsize=8)
def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def party_definitions(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    return list(_read_toml(Path(data_dir) / "parties.toml")["parties"])


def division_definitions(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    return list(_read_toml(Path(data_dir) / "divisions.toml")["divisions"])


def whip_definitions(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    path = Path(data_dir) / "whips.toml"
    return list(_read_toml(path).get("whips", [])) if path.is_file() else []


def topic_slugs(data_dir: Path = DATA_DIR) -> list[str]:
    return sorted(p.stem for p in (Path(data_dir) / "topics").glob("*.toml"))


def topics_in_order(data_dir: Path = DATA_DIR) -> list[str]:
    """Every topic slug in the order lists show them: each file's ``order``, then its slug.

    The first is the site's default topic (a page without ``?topic=``).
    """
    def place(slug: str) -> tuple[float, str]:
        path = Path(data_dir) / "topics" / f"{slug}.toml"
        order = _read_toml(path).get("order", math.inf)
        if isinstance(order, bool) or not isinstance(order, int | float):
            raise ValueError(f"{path}: order must be a number, not {order!r}")
        return order, slug

    return sorted(topic_slugs(data_dir), key=place)


def default_topic(data_dir: Path | None = None) -> str:
    """The topic a page, command or seed shows when none is named (``data_dir``: the project's)."""
    directory = project_data_dir() if data_dir is None else Path(data_dir)
    ordered = topics_in_order(directory)
    if not ordered:
        raise LookupError(f"{directory / 'topics'} holds no topic files")
    return ordered[0]


def project_data_dir() -> Path:
    """The project's data/ folder (parties.toml, topics), from the app when there is one."""
    if has_app_context():
        return Path(current_app.config["DATA_DIR"])
    return DATA_DIR


_SOURCE_INDEX = "source_book_index"
TRANSACTION_INDEXES = [_SOURCE_INDEX]  # session.info keys that live as long as the transaction


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_indexes(session: Session) -> None:
    for key in TRANSACTION_INDEXES:
        session.info.pop(key, None)


class SourceBook:
    """Finds or creates Source rows by key or URL."""

    def __init__(self, session: Session, recorder: Recorder) -> None:
        self.session = session
        self.recorder = recorder
        # Every importer of a transaction (``import all`` runs a dozen) shares one index.
        shared = session.info.get(_SOURCE_INDEX)
        if shared is None:
            shared = session.info[_SOURCE_INDEX] = ({}, {})
            for source in session.exec(select(Source)).all():
                if source.url:
                    shared[0][source.url] = source
                if source.key:
                    shared[1][source.key] = source
        self._by_url: dict[str, Source] = shared[0]
        self._by_key: dict[str, Source] = shared[1]

    def get(self, *, url: str | None = None, key: str | None = None, publisher: str | None = None,
            title: str | None = None, published_on: date | None = None,
            note: str | None = None) -> Source:
        found = (self._by_key.get(key) if key else None) or (self._by_url.get(url) if url else None)
        values = {"url": url, "key": key, "publisher": publisher, "title": title,
                  "published_on": published_on, "note": note}
        if found is None:
            found = self.recorder.add(Source(**values))
        else:
            self.recorder.update(found, values)
        if url:
            self._by_url[url] = found
        if key:
            self._by_key[key] = found
        return found


@dataclass
class _PartyIndex:
    by_ec: dict[str, Party]
    by_mnis: dict[int, Party]
    by_alias: dict[str, Party]


class PartyResolver:
    """Resolves the many spellings of a party to one Party row."""

    def __init__(self, session: Session, recorder: Recorder, data_dir: Path = DATA_DIR) -> None:
        self.session = session
        self.recorder = recorder
        self.slugs = Slugs(session, Party)
        self.index = _PartyIndex({}, {}, {})
        self._aliases: dict[str, str] = {}
        for definition in party_definitions(data_dir):
            for alias in [definition["slug"], definition["name"], *definition.get("aliases", [])]:
                self._aliases[alias.casefold()] = definition["slug"]
        self._definitions = {d["slug"]: d for d in party_definitions(data_dir)}
        for party in session.exec(select(Party)).all():
            self._index(party)

    def _index(self, party: Party) -> None:
        if party.electoral_commission_id:
            self.index.by_ec[party.electoral_commission_id] = party
        if party.mnis_id is not None:
            self.index.by_mnis[party.mnis_id] = party
        self.index.by_alias[party.slug.casefold()] = party
        self.index.by_alias[party.name.casefold()] = party

    def ensure_known(self) -> None:
        """Create or update every party defined in data/parties.toml."""
        for slug, definition in self._definitions.items():
            values = {k: definition.get(k) for k in
                      ("name", "short_name", "colour", "electoral_commission_id", "mnis_id")}
            party = self.index.by_alias.get(slug)
            if party is None:
                self.slugs.taken.add(slug)
                party = self.recorder.add(Party(slug=slug, **values))
            else:
                self.recorder.update(party, values)
            self._index(party)

    def resolve(self, name: str | None, *, ec_id: str | None = None, mnis_id: int | None = None,
                short_name: str | None = None, create: bool = True) -> Party | None:
        """The party for these identifiers, created (grey, from ``name``) if unknown."""
        if ec_id and ec_id in self.index.by_ec:
            return self.index.by_ec[ec_id]
        if mnis_id is not None and mnis_id in self.index.by_mnis:
            return self.index.by_mnis[mnis_id]
        if name:
            slug = self._aliases.get(name.casefold())
            if slug and slug in self.index.by_alias:
                return self.index.by_alias[slug]
            if name.casefold() in self.index.by_alias:
                return self.index.by_alias[name.casefold()]
        if not name or not create:
            return None
        party = self.recorder.add(Party(
            slug=self.slugs.claim(name), name=name, short_name=short_name,
            electoral_commission_id=ec_id or None, mnis_id=mnis_id, colour="#767676"))
        self._index(party)
        return party


def ensure_body(session: Session, recorder: Recorder, *, slug: str, name: str, kind: str,
                area_id: int | None = None) -> Body:
    body = session.exec(select(Body).where(Body.slug == slug)).first()
    if body is None:
        return recorder.add(Body(slug=slug, name=name, kind=kind, area_id=area_id))
    recorder.update(body, {"name": name, "kind": kind, "area_id": area_id})
    return body


def ensure_commons(session: Session, recorder: Recorder) -> Body:
    return ensure_body(session, recorder, slug=COMMONS_SLUG, name="House of Commons",
                       kind="commons")


def ensure_topics(session: Session, recorder: Recorder, data_dir: Path = DATA_DIR) -> dict[str, Topic]:
    topics = {t.slug: t for t in session.exec(select(Topic)).all()}
    for slug in topic_slugs(data_dir):
        scale = load_topic(slug, Path(data_dir))
        values = {"name": scale.name, "question": scale.question}
        if slug in topics:
            recorder.update(topics[slug], values)
        else:
            topics[slug] = recorder.add(Topic(slug=slug, **values))
    return topics


def sync_reference(session: Session, recorder: Recorder, data_dir: Path = DATA_DIR) -> None:
    """Topics, the House of Commons, known parties and tracked divisions, from data/."""
    data_dir = Path(data_dir)
    topics = ensure_topics(session, recorder, data_dir)
    commons = ensure_commons(session, recorder)
    PartyResolver(session, recorder, data_dir).ensure_known()
    sources = SourceBook(session, recorder)
    recorder.flush()
    existing = {d.slug: d for d in session.exec(select(Division)).all()}
    for definition in division_definitions(data_dir):
        scale = load_topic(definition["topic"], data_dir)
        for side in ("aye_means", "no_means"):
            if definition.get(side) is not None and not scale.is_valid(definition[side]):
                raise ValueError(f"data/divisions.toml: {definition['slug']}: {side} "
                                 f"{definition[side]!r} is not a stance of {scale.slug}")
        source = None
        if definition.get("result_source"):
            source = sources.get(url=definition["result_source"])
            recorder.flush()
        values = {
            "body_id": commons.id, "topic_id": topics[definition["topic"]].id,
            "division_date": definition["date"], "title": definition["title"],
            "question": definition.get("question", "").strip(),
            "plain_summary": " ".join(definition.get("plain_summary", "").split()),
            "aye_means": definition.get("aye_means"), "no_means": definition.get("no_means"),
            "aye_count": definition.get("aye_count"), "no_count": definition.get("no_count"),
            "result": definition.get("result"),
            "known_gaps": " ".join(definition.get("known_gaps", "").split()),
            "twfy_gid": definition.get("twfy_gid"),
            "commons_division_id": definition.get("commons_division_id"),
            "source_id": source.id if source else None,
        }
        division = existing.get(definition["slug"])
        if division is None:
            existing[definition["slug"]] = recorder.add(Division(slug=definition["slug"], **values))
        else:
            recorder.update(division, values)
    recorder.flush()
    sync_whips(session, recorder, existing, sources, data_dir)


def sync_whips(session: Session, recorder: Recorder, divisions: dict[str, Division],
               sources: SourceBook, data_dir: Path) -> None:
    """Each party's whip on a tracked division, from data/whips.toml."""
    parties = {p.slug: p for p in session.exec(select(Party)).all()}
    stored = {(w.division_id, w.party_id): w for w in session.exec(select(Whip)).all()}
    for n, definition in enumerate(whip_definitions(data_dir), start=1):
        where = f"data/whips.toml: whip #{n}"
        division = divisions.get(definition.get("division", ""))
        party = parties.get(definition.get("party", ""))
        if division is None or party is None:
            raise ValueError(f"{where}: unknown division {definition.get('division')!r} "
                             f"or party {definition.get('party')!r}")
        if definition.get("whip") not in WHIP_POSITIONS:
            raise ValueError(f"{where}: whip must be one of {', '.join(WHIP_POSITIONS)}")
        source = sources.get(url=definition["source_url"]) if definition.get("source_url") else None
        recorder.flush()
        values = {"whip": definition["whip"], "basis": " ".join(definition.get("basis", "").split()),
                  "source_id": source.id if source else None}
        whip = stored.get((division.id, party.id))  # type: ignore[arg-type]
        if whip is None:
            recorder.add(Whip(division_id=division.id, party_id=party.id, **values))  # type: ignore[arg-type]
        else:
            recorder.update(whip, values)
    recorder.flush()
