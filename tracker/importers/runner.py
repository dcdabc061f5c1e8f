"""Run an importer in one transaction and report what it did."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tracker.db import get_engine, session_scope
from tracker.importers.base import ImportFileError, ImportResult, ImportSourceError, Progress


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
def import_transaction() -> Iterator[Session]:
    """One transaction for a whole import: any error leaves the database as it was."""
    try:
        with session_scope(get_engine()) as session:
            yield session
    except (ImportFileError, ImportSourceError) as exc:
        raise click.ClickException(f"{exc}\nNothing was imported.") from exc
    except IntegrityError as exc:
        raise click.ClickException(
            f"the data conflicts with what is stored: {exc.orig}\nNothing was imported.") from exc


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
