"""`tracker import edms`: early day motions and the members who signed them.

From the shared ``edms/edm_signatures_2023-10_to_2026-09.csv`` (``--data-dir`` or
``--file``; also in ``import all``), or live from the EDM API (``--edm-id N``, or
``--from-file`` for a saved ``/EarlyDayMotion/{id}`` answer). Every motion is
kept, one ``Edm`` each, with a Source for its page on edm.parliament.uk; every
signature is an ``EdmSignature`` (the member found by MNIS id). Which motions
bear on a topic, and what a signature means, comes from ``data/edms.toml``;
the rest say nothing on their own.

A member id that matches nobody is added as a person from the name the source
gives (as ``commons-votes`` does): the id is the official MNIS id, which the MPs
importer matches on later, and refusing would drop a real signature.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import click
import httpx
from sqlmodel import Session, select

from tracker.http_client import importer_client
from tracker.importers.base import (
    DATA_DIR_PATH,
    FILE_PATH,
    ImportFileError,
    ImportResult,
    ImportSourceError,
    Progress,
    no_progress,
    source_name,
    sync_reference_quietly,
)
from tracker.importers.edm_files import Motion, parse_api_motion, read_signatures_csv
from tracker.importers.http import JsonNode, SourceNotFound, fetch_json, read_json_file
from tracker.importers.people import PersonIndex
from tracker.importers.runner import run_import
from tracker.models import Edm, EdmSignature, Person
from tracker.reference import SourceBook, ensure_topics, project_data_dir, topic_slugs
from tracker.revisions import Recorder
from tracker.stance import load_topic
from tracker.text import list_name, strip_honorifics

ALL_ORDER = 60
SHARED_FILE = "edms/edm_signatures_2023-10_to_2026-09.csv"
DEFAULT_BASE_URL = "https://oralquestionsandmotions-api.parliament.uk"
MAPPING_FILE = "edms.toml"


# -- data/edms.toml ----------------------------------------------------------------------

@dataclass(frozen=True)
class Tracking:
    """What ``data/edms.toml`` says about one motion."""

    edm_id: int
    title: str
    reason: str
    topic: str | None = None  # None: listed as close but not tracked
    signing_means: str | None = None
    number: int | None = None
    session: str | None = None


@dataclass(frozen=True)
class EdmMap:
    motions: dict[int, Tracking]
    untracked_reason: str

    def reason(self, edm_id: int) -> str:
        found = self.motions.get(edm_id)
        return found.reason if found else self.untracked_reason


def read_edm_map(data_dir: Path) -> EdmMap:
    """``data/edms.toml``, checked against the topics of ``data/topics``."""
    path = Path(data_dir) / MAPPING_FILE
    if not path.is_file():
        raise ImportFileError(path, "file not found")
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFileError(path, f"is not valid TOML: {exc}") from None
    topics = set(topic_slugs(Path(data_dir)))
    motions: dict[int, Tracking] = {}
    for table, tracked in (("edms", True), ("untracked", False)):
        for index, entry in enumerate(doc.get(table, []), start=1):
            where = f"[[{table}]] entry {index}"
            found = _tracking(path, where, entry, tracked, topics, Path(data_dir))
            if found.edm_id in motions:
                raise ImportFileError(path, f"{where}: motion {found.edm_id} is listed twice")
            motions[found.edm_id] = found
    reason = doc.get("untracked_reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ImportFileError(path, "untracked_reason is missing")
    return EdmMap(motions, reason.strip())


def _tracking(path: Path, where: str, entry: dict, tracked: bool, topics: set[str],
              data_dir: Path) -> Tracking:
    def text(key: str, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ImportFileError(path, f"{where}: {key} is missing or not text")
        return " ".join(value.split())

    edm_id = entry.get("edm_id")
    if not isinstance(edm_id, int) or isinstance(edm_id, bool) or edm_id <= 0:
        raise ImportFileError(path, f"{where}: edm_id {edm_id!r} is not a motion id")
    where = f"{where} (edm_id {edm_id})"
    number = entry.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise ImportFileError(path, f"{where}: number {number!r} is not a whole number")
    found = Tracking(edm_id=edm_id, title=text("title") or "", reason=text("reason") or "",
                     number=number, session=text("session", required=False))
    if not tracked:
        return found
    topic, means = text("topic"), text("signing_means")
    if topic not in topics:
        raise ImportFileError(path, f"{where}: topic {topic!r} is not a file of data/topics "
                                    f"(topics: {', '.join(sorted(topics))})")
    scale = load_topic(topic or "", data_dir)
    if not scale.is_valid(means or "") or means == scale.default:
        raise ImportFileError(path, f"{where}: signing_means {means!r} is not a stance of "
                                    f"{topic} (one of: {', '.join(scale.keys())})")
    return replace(found, topic=topic, signing_means=means)


# -- writing ------------------------------------------------------------------------------

def store_motions(session: Session, motions: list[Motion], *, origin: str, data_dir: Path,
                  progress: Progress = no_progress, mapping: EdmMap | None = None) -> ImportResult:
    """Write ``motions`` (already checked) and their signatures; idempotent."""
    mapping = mapping or read_edm_map(data_dir)
    _check_titles(motions, mapping, data_dir, origin)
    recorder = Recorder(session, actor="import:edms", source=origin)
    topics = ensure_topics(session, recorder, data_dir)
    sources = SourceBook(session, recorder)
    motion_sources = {m.edm_id: sources.get(
        url=m.url, publisher="UK Parliament (early day motions)",
        title=f"Early day motion {m.edm_id}: {m.title}"[:500], published_on=m.tabled_on,
        note=m.source_note) for m in motions}
    people = PersonIndex(session, recorder)
    signers = {(m.edm_id, s.member_id): _person(people, s.member_id, s.name, s.list_as, origin)
               for m in motions for s in m.signers}
    added_people = len({id(p) for p in signers.values() if p.id is None})
    recorder.flush()

    stored = {e.edm_id: e for e in session.exec(
        select(Edm).where(Edm.edm_id.in_([m.edm_id for m in motions]))).all()}  # type: ignore[attr-defined]
    notes: list[str] = []
    for motion in motions:
        tracking = mapping.motions.get(motion.edm_id)
        primary = motion.primary
        if primary is None:
            notes.append(f"motion {motion.edm_id}: its primary sponsor ({motion.primary_sponsor}) "
                         "is not among its signers; no sponsor recorded")
        values = {
            "title": motion.title[:500], "tabled_on": motion.tabled_on, "url": motion.url,
            "source_id": motion_sources[motion.edm_id].id, "note": mapping.reason(motion.edm_id),
            "topic_id": topics[tracking.topic].id if tracking and tracking.topic else None,
            "signing_means": tracking.signing_means if tracking else None,
        }
        kept_if_unknown = {
            "number": motion.number or (tracking.number if tracking else None),
            "session": tracking.session if tracking else None,
            "primary_sponsor_id": signers[(motion.edm_id, primary.member_id)].id if primary else None,
        }
        values |= {k: v for k, v in kept_if_unknown.items() if v is not None}
        edm = stored.get(motion.edm_id)
        if edm is None:
            stored[motion.edm_id] = recorder.add(Edm(edm_id=motion.edm_id, **values))
        else:
            recorder.update(edm, values, overwrite_with_none=True)
    recorder.flush()
    notes.extend(_store_signatures(session, recorder, motions, stored, signers, motion_sources,
                                   progress))
    recorder.flush()
    tracked = [m.edm_id for m in motions if stored[m.edm_id].topic_id is not None]
    notes.append(f"{len(motions)} motion(s), {len(tracked)} tracked by data/edms.toml"
                 + (f" ({', '.join(map(str, tracked))})" if tracked else ""))
    if added_people:
        notes.append(f"{added_people} member(s) were not known before and were added "
                     "from the name the source gives")
    return ImportResult.from_recorder(f"edms ({origin})", recorder, notes)


def _store_signatures(session: Session, recorder: Recorder, motions: list[Motion],
                      stored: dict[int, Edm], signers: dict[tuple[int, int], Person],
                      motion_sources: dict, progress: Progress) -> list[str]:
    by_pk = {stored[m.edm_id].id: m.edm_id for m in motions}
    existing = {(s.edm_id, s.person_id): s for s in session.exec(
        select(EdmSignature).where(EdmSignature.edm_id.in_(list(by_pk)))).all()}  # type: ignore[attr-defined]
    advance = progress("edm signatures", sum(len(m.signers) for m in motions))
    for motion in motions:
        edm = stored[motion.edm_id]
        for signer in motion.signers:
            person = signers[(motion.edm_id, signer.member_id)]
            values = {"is_primary_sponsor": signer.primary, "is_cosponsor": signer.cosponsor,
                      "withdrawn_on": signer.withdrawn_on,
                      "source_id": motion_sources[motion.edm_id].id}
            found = existing.pop((edm.id, person.id), None)  # type: ignore[arg-type]
            if found is None:
                recorder.add(EdmSignature(edm_id=edm.id, person_id=person.id, **values))  # type: ignore[arg-type]
            else:
                recorder.update(found, values, overwrite_with_none=True)
        advance(len(motion.signers))
    if not existing:
        return []
    motions_with_extra = sorted({by_pk[edm_pk] for edm_pk, _person in existing})
    return [f"{len(existing)} signature(s) stored earlier are not in this source (motions "
            f"{', '.join(map(str, motions_with_extra))}); kept, please check them"]


def _person(people: PersonIndex, member_id: int, name: str, list_as: str | None,
            origin: str) -> Person:
    found = people.find(parliament_id=member_id)
    if found is not None:
        return found
    return people.upsert(name=strip_honorifics(name),
                         sort_name=list_name(list_as) if list_as else None,
                         parliament_id=member_id, source=origin)


def _check_titles(motions: list[Motion], mapping: EdmMap, data_dir: Path, origin: str) -> None:
    """A motion listed in data/edms.toml must carry the title written there (catches a wrong id)."""
    for motion in motions:
        listed = mapping.motions.get(motion.edm_id)
        if listed is not None and " ".join(motion.title.split()) != listed.title:
            raise ImportFileError(Path(data_dir) / MAPPING_FILE,
                                  f"motion {motion.edm_id} is titled {listed.title!r} here but "
                                  f"{motion.title!r} in {origin}; check the edm_id")


# -- the two sources -----------------------------------------------------------------------

def import_edms_csv(session: Session, path: Path, data_dir: Path,
                    progress: Progress = no_progress) -> ImportResult:
    path = Path(path)
    motions = read_signatures_csv(path)
    mapping = read_edm_map(data_dir)
    result = store_motions(session, motions, origin=source_name(path), data_dir=data_dir,
                           progress=progress, mapping=mapping)
    held = {m.edm_id for m in motions}
    missing = sorted(i for i, t in mapping.motions.items() if t.topic and i not in held)
    if missing:
        result.notes.append(f"tracked motion(s) of data/edms.toml not in this file: "
                            f"{', '.join(map(str, missing))}")
    return result


def fetch_motion(client: httpx.Client, edm_id: int) -> JsonNode:
    try:
        return fetch_json(client, f"/EarlyDayMotion/{edm_id}")
    except SourceNotFound as exc:
        raise ImportSourceError(f"no early day motion {edm_id} in the EDM API ({exc})") from None


def import_edm_documents(session: Session, documents: list[JsonNode], data_dir: Path,
                         expected: list[int] | None = None) -> ImportResult:
    motions = [parse_api_motion(doc) for doc in documents]
    for doc, motion, wanted in zip(documents, motions, expected or [], strict=False):
        if motion.edm_id != wanted:
            raise doc.error(f"is motion {motion.edm_id}, not {wanted}")
    origins = ", ".join(dict.fromkeys(doc.source for doc in documents))
    return store_motions(session, motions, origin=origins, data_dir=data_dir)


def from_data_dir(session: Session, data_dir: Path, progress: Progress) -> ImportResult:
    return import_edms_csv(session, Path(data_dir) / SHARED_FILE, project_data_dir(), progress)


@click.command("edms")
@click.option("--data-dir", type=DATA_DIR_PATH,
              help=f"The shared/data folder (reads {SHARED_FILE}).")
@click.option("--file", "csv_file", type=FILE_PATH,
              help="An edm_signatures CSV (replaces the file of --data-dir).")
@click.option("--edm-id", "edm_ids", type=int, multiple=True,
              help="A motion to fetch from the EDM API (its website id; repeatable).")
@click.option("--from-file", "saved", type=FILE_PATH, multiple=True,
              help="A saved /EarlyDayMotion/{id} answer of the EDM API (repeatable).")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True)
def command(data_dir: Path | None, csv_file: Path | None, edm_ids: tuple[int, ...],
            saved: tuple[Path, ...], base_url: str) -> None:
    """Early day motions and their signatures (a CSV, or the EDM API)."""
    modes = [bool(data_dir or csv_file), bool(edm_ids), bool(saved)]
    if sum(modes) != 1:
        raise click.UsageError("give one of: --data-dir or --file (the signatures CSV), "
                               "--edm-id N (the live EDM API), --from-file PATH (a saved answer)")
    project = project_data_dir()

    def run(session: Session, progress: Progress) -> ImportResult:
        sync_reference_quietly(session, project)
        if saved:
            return import_edm_documents(session, [read_json_file(p) for p in saved], project)
        if edm_ids:
            with importer_client(base_url) as client:
                documents = [fetch_motion(client, i) for i in edm_ids]
            return import_edm_documents(session, documents, project, list(edm_ids))
        path = csv_file if csv_file is not None else Path(data_dir or ".") / SHARED_FILE
        return import_edms_csv(session, path, project, progress)

    run_import(run)
