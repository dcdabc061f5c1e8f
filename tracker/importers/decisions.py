"""`tracker import decisions`: questions a body decided without a division.

``data/decisions.toml`` (the project's curated file) says what each decision was, in
plain words, why no member's individual record exists, and which Hansard paragraphs
record it. The texts as recorded come from motion-detector's files in shared/data:
``divisions/agreements_2024-02-21.csv`` (the recorded outcome, ``agreed_text``, by
``agreement_gid``) and ``divisions/motions_2023-11-15_and_2024-02-21.csv`` (the question,
``motion_text``, by ``motion_gid``). ``Decision.question`` holds those texts in the order
Hansard prints them.

Every file is read and checked before anything is written; an error names the file and
line. A decision is context on its day, never evidence: nothing here touches a stance.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import current_app
from sqlmodel import Session, select

from tracker.hansard import GID, MOTION_DETECTOR_SOURCE_KEY, gid_order
from tracker.importers.base import (
    DATA_DIR_PATH,
    FILE_PATH,
    ImportFileError,
    ImportResult,
    Progress,
    Row,
    read_csv,
    require_file,
    resolve_files,
    source_name,
    sync_reference_quietly,
)
from tracker.importers.runner import run_import
from tracker.models import DECISION_OUTCOMES, Body, Decision, Source, Topic
from tracker.reference import SourceBook, project_data_dir, topic_slugs
from tracker.revisions import Recorder

ALL_ORDER = 70
DECISIONS_FILE = "decisions.toml"  # in the project's data/
AGREEMENTS_FILE = "divisions/agreements_2024-02-21.csv"
MOTIONS_FILE = "divisions/motions_2023-11-15_and_2024-02-21.csv"
# Articles share their Source with seeds/articles.toml (the seed loader's key).
ARTICLE_KEY_PREFIX = "seed:"

AGREEMENT_COLUMNS = ("date", "gid", "agreed_text", "motion_title", "motion_gid", "negative")
MOTION_COLUMNS = ("date", "motion_gid", "division_gid", "motion_title", "motion_text", "source_path")
DECISION_FIELDS = ("slug", "topic", "body", "date", "title", "outcome", "motion_gid",
                   "plain_summary", "why_no_record")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BOOLEANS = {"true": True, "false": False}


def _tidy(text: str) -> str:
    return " ".join(text.split())


# -- the curated file ----------------------------------------------------------------------

@dataclass(frozen=True)
class Article:
    key: str
    publisher: str
    title: str
    published_on: date | None


@dataclass(frozen=True)
class DecisionEntry:
    line: int
    slug: str
    topic: str
    body: str
    day: date
    title: str
    outcome: str
    agreement_gid: str | None
    motion_gid: str
    plain_summary: str
    why_no_record: str
    article: str | None


@dataclass(frozen=True)
class Curated:
    dataset: dict[str, str]
    articles: dict[str, Article]
    decisions: list[DecisionEntry]


class _TomlLines:
    """Line numbers of the ``[[name]]`` tables of a TOML file and of keys inside them."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def tables(self, name: str, count: int) -> list[int]:
        """The first line of each of ``count`` tables (line 1 for all if they are not
        written as ``[[name]]`` headers)."""
        header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
        found = [n for n, line in enumerate(self.lines, 1) if header.match(line)]
        return found if len(found) == count else [1] * count

    def key(self, start: int, key: str) -> int:
        """The line of ``key = ...`` in the table starting on ``start`` (else ``start``)."""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for n in range(start + 1, len(self.lines) + 1):
            line = self.lines[n - 1]
            if re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return n
        return start


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _tables(path: Path, data: dict[str, Any], name: str, *, required: bool) -> list[dict[str, Any]]:
    items = data.get(name, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportFileError(path, f"{name} must be a list of [[{name}]] tables")
    if required and not items:
        raise ImportFileError(path, f"holds no [[{name}]]; it is too short to be what it claims")
    return items


def read_curated(path: Path, topics: set[str]) -> Curated:
    """Read and check the whole curated file; an error names its line."""
    require_file(path)
    try:
        raw = path.read_text(encoding="utf-8")
        data = tomllib.loads(raw)
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ImportFileError(path, f"is not valid TOML: {exc}") from None
    where = _TomlLines(raw)

    dataset = data.get("dataset")
    if not isinstance(dataset, dict) or not all(_text(dataset, k) for k in ("publisher", "title", "url")):
        raise ImportFileError(path, "needs a [dataset] table with publisher, title and url "
                                    "(the source of the recorded texts)", line=1)
    if not str(dataset["url"]).startswith("https://"):
        raise ImportFileError(path, f"[dataset] url {dataset['url']!r} is not a web address")

    articles: dict[str, Article] = {}
    listed = _tables(path, data, "articles", required=False)
    for item, line in zip(listed, where.tables("articles", len(listed)), strict=True):
        key, publisher, title = (_text(item, k) for k in ("key", "publisher", "title"))
        if not (key and publisher and title):
            raise ImportFileError(path, "an article needs key, publisher and title", line=line)
        published = item.get("date")
        if published is not None and not isinstance(published, date):
            raise ImportFileError(path, f"article {key}: date must be a TOML date (YYYY-MM-DD)",
                                  line=where.key(line, "date"))
        if key in articles:
            raise ImportFileError(path, f"article {key!r} is listed twice", line=line)
        articles[key] = Article(key, publisher, title, published)

    items = _tables(path, data, "decisions", required=True)
    entries = [_entry(path, where, item, line, topics, articles)
               for item, line in zip(items, where.tables("decisions", len(items)), strict=True)]
    for field in ("slug", "agreement_gid", "motion_gid"):
        seen: dict[str, int] = {}
        for e in entries:
            value = getattr(e, field)
            if value is not None and value in seen:
                raise ImportFileError(path, f"{field} {value!r} is already used by the decision "
                                            f"on line {seen[value]}", line=where.key(e.line, field))
            if value is not None:
                seen[value] = e.line
    return Curated({k: _tidy(str(v)) for k, v in dataset.items()}, articles, entries)


def _entry(path: Path, where: _TomlLines, item: dict[str, Any], line: int, topics: set[str],
           articles: dict[str, Article]) -> DecisionEntry:
    def fail(key: str | None, message: str) -> ImportFileError:
        return ImportFileError(path, message, line=where.key(line, key) if key else line)

    missing = [k for k in DECISION_FIELDS if k != "date" and not _text(item, k)]
    if missing:
        raise fail(None, f"a decision needs {', '.join(missing)}")
    slug = item["slug"].strip()
    if not _SLUG.match(slug):
        raise fail("slug", f"slug {slug!r} must be lower-case words joined by hyphens")
    if not isinstance(item.get("date"), date):
        raise fail("date" if "date" in item else None, f"{slug}: date must be a TOML date (YYYY-MM-DD)")
    if item["topic"] not in topics:
        raise fail("topic", f"{slug}: topic {item['topic']!r} is not in data/topics/ "
                            f"(known: {', '.join(sorted(topics))})")
    outcome = item["outcome"]
    if outcome not in DECISION_OUTCOMES:
        raise fail("outcome", f"{slug}: outcome {outcome!r} is not one of {', '.join(DECISION_OUTCOMES)}")
    agreement = _text(item, "agreement_gid")
    if outcome == "not_put" and agreement:
        raise fail("agreement_gid", f"{slug}: a question that was never put has no agreement_gid")
    if outcome != "not_put" and not agreement:
        raise fail(None, f"{slug}: an {outcome} decision needs the agreement_gid that records it")
    for key in ("agreement_gid", "motion_gid"):
        value = _text(item, key)
        if value and not GID.match(value):
            raise fail(key, f"{slug}: {key} {value!r} is not a Hansard debate id "
                            "(uk.org.publicwhip/debate/YYYY-MM-DDx.N.N)")
    article = _text(item, "article")
    if article and article not in articles:
        raise fail("article", f"{slug}: article {article!r} is not among the [[articles]]")
    return DecisionEntry(
        line=line, slug=slug, topic=item["topic"], body=item["body"].strip(), day=item["date"],
        title=_tidy(item["title"]), outcome=outcome, agreement_gid=agreement,
        motion_gid=item["motion_gid"].strip(), plain_summary=_tidy(item["plain_summary"]),
        why_no_record=_tidy(item["why_no_record"]), article=article)


# -- the recorded texts (motion-detector) ----------------------------------------------------

@dataclass(frozen=True)
class Agreement:
    row: Row
    gid: str
    day: date
    agreed_text: str
    motion_gid: str
    negative: bool


@dataclass(frozen=True)
class Motion:
    row: Row
    gid: str
    day: date
    division_gid: str | None
    motion_text: str


def _gid(row: Row, column: str, *, required: bool = True, own: bool = False) -> str | None:
    """A Hansard id; ``own``: the row's own paragraph, which must be of the row's date."""
    value = row.text(column, required=required)
    if value is None:
        return None
    match = GID.match(value)
    if match is None:
        raise row.error(column, f"{value!r} is not a Hansard debate id")
    if own and match.group(1) != row.values.get("date", "").strip()[:10]:
        raise row.error(column, f"{value!r} is not of the row's date {row.values.get('date')!r}")
    return value


def _unique(rows: list[Any], path: Path, what: str) -> dict[str, Any]:
    if not rows:
        raise ImportFileError(path, f"holds no {what}; it is too short to be what it claims", line=1)
    out: dict[str, Any] = {}
    for item in rows:
        if item.gid in out:
            raise item.row.error(None, f"{item.gid} is listed twice (first on line {out[item.gid].row.line})")
        out[item.gid] = item
    return out


def read_agreements(path: Path) -> dict[str, Agreement]:
    """Every row of the agreements file, checked, by the gid of the paragraph that records it."""
    rows = []
    for row in read_csv(path, AGREEMENT_COLUMNS):
        day = row.day("date", required=True)
        negative = _BOOLEANS.get(row.required("negative").casefold())
        if negative is None:
            raise row.error("negative", f"{row.values['negative']!r} is not True or False")
        rows.append(Agreement(row, _gid(row, "gid", own=True) or "", day or date.min,  # type: ignore[arg-type]
                              row.required("agreed_text"), _gid(row, "motion_gid") or "", negative))
    return _unique(rows, path, "agreements")


def read_motions(path: Path) -> dict[str, Motion]:
    """Every row of the motions file, checked, by motion gid."""
    rows = []
    for row in read_csv(path, MOTION_COLUMNS):
        day = row.day("date", required=True)
        rows.append(Motion(row, _gid(row, "motion_gid", own=True) or "", day or date.min,
                           _gid(row, "division_gid", required=False),
                           row.required("motion_text").replace("\r\n", "\n").strip()))
    return _unique(rows, path, "motions")


def _where(item: Agreement | Motion) -> str:
    return f"{source_name(item.row.path)} line {item.row.line}"


def recorded_text(entry: DecisionEntry, agreements: dict[str, Agreement], motions: dict[str, Motion],
                  fail: Callable[[str, str], ImportFileError]) -> str:
    """The decision's texts in Hansard's order, after checking they agree with the entry."""
    motion = motions.get(entry.motion_gid)
    if motion is None:
        raise fail("motion_gid", f"{entry.slug}: motion {entry.motion_gid} is not in "
                                 f"{MOTIONS_FILE.split('/')[-1]}")
    if motion.division_gid:
        raise fail("motion_gid", f"{entry.slug}: {_where(motion)} links this motion to division "
                                 f"{motion.division_gid}; a question decided by a division belongs "
                                 "in data/divisions.toml")
    if motion.day != entry.day:
        raise fail("date", f"{entry.slug}: {_where(motion)} dates the motion {motion.day}, not {entry.day}")
    parts = [(gid_order(motion.gid), motion.motion_text)]
    if entry.agreement_gid is None:  # never put: nothing may record a decision on it
        decided = [a for a in agreements.values() if a.motion_gid == entry.motion_gid]
        if decided:
            raise fail("outcome", f"{entry.slug}: {_where(decided[0])} records a decision on this "
                                  f"motion ({decided[0].agreed_text!r}), so it was put")
    else:
        agreement = agreements.get(entry.agreement_gid)
        if agreement is None:
            raise fail("agreement_gid", f"{entry.slug}: {entry.agreement_gid} is not in "
                                        f"{AGREEMENTS_FILE.split('/')[-1]}")
        if agreement.motion_gid != entry.motion_gid:
            raise fail("motion_gid", f"{entry.slug}: {_where(agreement)} records a decision on motion "
                                     f"{agreement.motion_gid}, not {entry.motion_gid}")
        if agreement.negative != (entry.outcome == "negatived"):
            said = "negatived" if agreement.negative else "agreed"
            raise fail("outcome", f"{entry.slug}: {_where(agreement)} says the question was {said}, "
                                  f"not {entry.outcome}")
        if agreement.day != entry.day:
            raise fail("date", f"{entry.slug}: {_where(agreement)} dates the decision {agreement.day}")
        parts.append((gid_order(agreement.gid), agreement.agreed_text.strip()))
    return "\n\n".join(text for _order, text in sorted(parts))


# -- writing ---------------------------------------------------------------------------------

def import_decisions(session: Session, decisions_path: Path, agreements_path: Path,
                     motions_path: Path, project_dir: Path) -> ImportResult:
    """Read and check every file, then write the decisions and their sources."""
    curated = read_curated(decisions_path, set(topic_slugs(project_dir)))
    agreements = read_agreements(agreements_path)
    motions = read_motions(motions_path)
    lines = _TomlLines(decisions_path.read_text(encoding="utf-8"))

    def failer(entry: DecisionEntry) -> Callable[[str, str], ImportFileError]:
        return lambda key, message: ImportFileError(decisions_path, message,
                                                    line=lines.key(entry.line, key))

    texts = {e.slug: recorded_text(e, agreements, motions, failer(e)) for e in curated.decisions}
    topics = {t.slug: t for t in session.exec(select(Topic)).all()}
    bodies = {b.slug: b for b in session.exec(select(Body)).all()}
    for e in curated.decisions:
        if e.topic not in topics:
            raise failer(e)("topic", f"{e.slug}: topic {e.topic!r} is not in the database; "
                                     "run `tracker import reference`")
        if e.body not in bodies:
            raise failer(e)("body", f"{e.slug}: no body {e.body!r} in the database")

    recorder = Recorder(session, actor="import:decisions", source=", ".join(
        source_name(p) for p in (decisions_path, agreements_path, motions_path)))
    sources = SourceBook(session, recorder)
    dataset = sources.get(key=MOTION_DETECTOR_SOURCE_KEY, url=curated.dataset["url"],
                          publisher=curated.dataset["publisher"], title=curated.dataset["title"],
                          note=curated.dataset.get("note"))
    cited: dict[str, Source] = {
        a.key: sources.get(key=ARTICLE_KEY_PREFIX + a.key, publisher=a.publisher, title=a.title,
                           published_on=a.published_on)
        for a in curated.articles.values()}
    recorder.flush()

    stored = {d.slug: d for d in session.exec(select(Decision)).all()}
    for e in curated.decisions:
        source = cited[e.article] if e.article else dataset
        values = {"body_id": bodies[e.body].id, "topic_id": topics[e.topic].id,
                  "decision_date": e.day, "title": e.title, "question": texts[e.slug],
                  "outcome": e.outcome, "plain_summary": e.plain_summary,
                  "why_no_record": e.why_no_record, "twfy_gid": e.agreement_gid,
                  "motion_gid": e.motion_gid, "source_id": source.id}
        if e.slug in stored:
            recorder.update(stored[e.slug], values, overwrite_with_none=True)
        else:
            recorder.add(Decision(slug=e.slug, **values))
    recorder.flush()
    listed = {e.slug for e in curated.decisions}
    notes = [f"{slug}: stored but no longer in {decisions_path.name}; kept"
             for slug in sorted(set(stored) - listed)]
    return ImportResult.from_recorder(f"decisions ({len(curated.decisions)} in {decisions_path.name})",
                                      recorder, notes)


def from_data_dir(session: Session, data_dir: Path, _progress: Progress) -> ImportResult:
    project = Path(current_app.config["DATA_DIR"])
    return import_decisions(session, project / DECISIONS_FILE, Path(data_dir) / AGREEMENTS_FILE,
                            Path(data_dir) / MOTIONS_FILE, project)


@click.command("decisions")
@click.option("--data-dir", type=DATA_DIR_PATH, help="The shared/data folder (for the two CSVs).")
@click.option("--decisions", "decisions_file", type=FILE_PATH,
              help="The curated decisions [default: data/decisions.toml of the project].")
@click.option("--agreements", type=FILE_PATH, help=f"Instead of DATA_DIR/{AGREEMENTS_FILE}.")
@click.option("--motions", type=FILE_PATH, help=f"Instead of DATA_DIR/{MOTIONS_FILE}.")
def command(data_dir: Path | None, decisions_file: Path | None, agreements: Path | None,
            motions: Path | None) -> None:
    """Decisions taken without a division (data/decisions.toml + motion-detector's texts)."""
    project = project_data_dir()
    files = resolve_files(data_dir, agreements=(agreements, Path(AGREEMENTS_FILE)),
                          motions=(motions, Path(MOTIONS_FILE)))

    def run(session: Session, _progress: Progress) -> ImportResult:
        sync_reference_quietly(session, project)
        return import_decisions(session, decisions_file or project / DECISIONS_FILE,
                                files["agreements"], files["motions"], project)

    run_import(run)
