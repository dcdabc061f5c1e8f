"""Run an importer in one transaction and report what it did."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from tracker.asof.moment import mark_records_began
from tracker.db import get_engine
from tracker.importers.base import ImportFileError, ImportResult, ImportSourceError, Progress
from tracker.locks import (
    LOCKED_MESSAGE,
    ImportLockError,
    ImportRunning,
    current_command,
    import_session,
    is_database_locked,
)


def click_progress(label: str, total: int) -> Callable[[int], None]:
    """A progress bar on stderr for long runs (silent when stderr is not a terminal)."""
    if total < 500 or not sys.stderr.isatty():
        return lambda _n: None
    bar = click.progressbar(length=total, label=label, file=sys.stderr)
    bar.__enter__()
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        bar.update(n)
        done += n
        if done >= total:
            bar.__exit__(None, None, None)

    return advance


@contextmanager
def import_transaction(command: str | None = None) -> Iterator[Session]:
    """One transaction for a whole import: any error leaves the database as it was.

    It holds the import lock (tracker/locks.py): while another import runs, this one
    stops at once with a message saying so. ``command`` names this import to a second
    one (default: the running command, e.g. 'tracker import all').
    """
    try:
        with import_session(get_engine(), command or current_command()) as session:
            yield session
        with get_engine().begin() as connection:
            mark_records_began(connection)
    except (ImportRunning, ImportLockError) as exc:
        raise click.ClickException(f"{exc}.\nNothing was imported.") from exc
    except (ImportFileError, ImportSourceError) as exc:
        raise click.ClickException(f"{exc}\nNothing was imported.") from exc
    except IntegrityError as exc:
        raise click.ClickException(
            f"the data conflicts with what is stored: {exc.orig}\nNothing was imported.") from exc
    except OperationalError as exc:
        if is_database_locked(exc):
            raise click.ClickException(f"{LOCKED_MESSAGE}\nNothing was imported.") from exc
        raise


def report(results: list[ImportResult], as_json: bool = False) -> None:
    if as_json:
        import json

        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
        return
    for result in results:
        click.echo(result.summary())
        for note in result.notes:
            click.echo(f"  note: {note}")


def run_import(fn: Callable[[Session, Progress], ImportResult | list[ImportResult]],
               as_json: bool = False) -> list[ImportResult]:
    with import_transaction() as session:
        outcome = fn(session, click_progress)
    results = outcome if isinstance(outcome, list) else [outcome]
    report(results, as_json)
    return results
