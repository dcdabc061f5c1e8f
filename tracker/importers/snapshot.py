"""`tracker import snapshot`: the public-records snapshot shipped in data/snapshot/, loaded
through the same importers, in the same order, as `tracker import all`; and the first-run
set-up of `tracker serve` (an empty database gets the snapshot, then seeds/).
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from sqlmodel import Session

from tracker.db import get_engine
from tracker.importers.base import FILE_PATH, ImportFileError, ImportResult, Progress
from tracker.importers.data_dir import Announce, load_data_dir
from tracker.importers.runner import click_progress, import_transaction, run_import
from tracker.snapshot import SnapshotError, default_archive, extracted


def announce_on_stderr(step: str) -> None:
    """One plain line per step, on stderr, so it shows in `bin/serve` output too."""
    click.echo(f"Loading the public records snapshot: {step}…", err=True)


def load_extracted_snapshot(session: Session, folder: Path, archive: Path, progress: Progress,
                            announce: Announce | None = None) -> list[ImportResult]:
    """:func:`load_data_dir` over an extracted snapshot; a file error names the file as
    it is in the archive, not in the temporary folder."""
    try:
        return load_data_dir(session, folder, progress, announce)
    except ImportFileError as exc:
        try:
            inside = Path(exc.path).relative_to(folder).as_posix()
        except ValueError:
            raise exc from None
        raise ImportFileError(f"{inside} in {archive}", exc.message, line=exc.line,
                              column=exc.column) from None


def snapshot_path(archive: Path | None = None) -> Path:
    return Path(archive) if archive else default_archive(current_app.config["DATA_DIR"])


@click.command("snapshot")
@click.option("--file", "archive", type=FILE_PATH, default=None,
              help="The archive [default: data/snapshot/public-records.tar.xz].")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def command(archive: Path | None, as_json: bool) -> None:
    """The shipped public-records snapshot: the same records as `import all` of shared/data."""
    archive = snapshot_path(archive)
    started = time.perf_counter()
    try:
        with extracted(archive) as folder:
            results = run_import(lambda session, progress: load_extracted_snapshot(
                session, folder, archive, progress, announce_on_stderr), as_json=as_json)
    except SnapshotError as exc:
        raise click.ClickException(f"{exc}\nNothing was imported.") from exc
    if not as_json:
        click.echo(f"Snapshot loaded in {time.perf_counter() - started:.1f}s: "
                   f"{sum(r.added for r in results)} added, "
                   f"{sum(r.updated for r in results)} updated.")


def set_up_empty_database(archive: Path | None = None) -> bool:
    """On a database holding no people, load the snapshot and then seeds/ (the order of
    `import all` then `seed`) in one transaction; on any other, load nothing.

    Returns whether it loaded. Progress goes to stderr, one line per step.
    """
    from tracker.seeds import database_is_empty, load_seeds

    with Session(get_engine()) as session:
        if not database_is_empty(session):
            return False
    archive = snapshot_path(archive)
    started = time.perf_counter()
    click.echo(f"The database is empty: loading the public records snapshot ({archive.name}) "
               "and seeds/, once.", err=True)
    try:
        with extracted(archive) as folder, import_transaction() as session:
            results = load_extracted_snapshot(session, folder, archive, click_progress,
                                              announce_on_stderr)
            click.echo("Loading seeds/…", err=True)
            results.append(load_seeds(session, Path(current_app.config["SEEDS_DIR"]),
                                      Path(current_app.config["DATA_DIR"])))
    except SnapshotError as exc:
        raise click.ClickException(
            f"{exc}\nNothing was loaded. `tracker seed` loads seeds/ alone; "
            "`tracker serve --no-setup` serves the database as it is.") from exc
    click.echo(f"Loaded the snapshot and seeds/ in {time.perf_counter() - started:.1f}s: "
               f"{sum(r.added for r in results)} records added.", err=True)
    return True
