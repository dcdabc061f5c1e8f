"""``tracker export dump DIR`` and ``tracker import dump DIR``: the full data dump as files."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.db import get_engine


@click.group("export")
def export_group() -> None:
    """Write the data out as files."""


@export_group.command("dump")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_dump(directory: Path) -> None:
    """Every public table as CSV, with datapackage.json (Frictionless), into DIRECTORY."""
    from tracker.dataset.dump import write_dump
    from tracker.web.site_url import site_url

    started = time.perf_counter()
    sizes = write_dump(get_engine(), directory, site_url(),
                       progress=lambda name, size: click.echo(f"  {name}: {size:,} bytes"))
    total = sum(sizes.values())
    click.echo(f"Wrote {len(sizes)} files ({total / 1e6:.1f} MB) to {directory} in "
               f"{time.perf_counter() - started:.1f}s.")


@click.command("dump")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--keep-rebuilt", is_flag=True,
              help="When the dump's stance tables differ from those worked out from its evidence "
                   "(another version's scales), keep the ones worked out now instead of refusing.")
@with_appcontext
def import_dump(directory: Path, keep_rebuilt: bool) -> None:
    """Load a dump made by `tracker export dump` into an empty, migrated database (one
    transaction: a dump that does not match its own schema is refused whole)."""
    from tracker.dataset.load import DumpError, load_dump
    from tracker.importers.runner import import_transaction

    started = time.perf_counter()
    try:
        with import_transaction() as session:
            loaded = load_dump(session, directory, keep_rebuilt=keep_rebuilt,
                               progress=lambda name, n: click.echo(f"  {name}: {n:,} rows"))
    except DumpError as exc:
        raise click.ClickException(f"{exc}\nNothing was imported.") from exc
    if loaded.stances_rebuilt:
        click.echo("The dump's stance tables differ from those worked out from its evidence now: "
                   "kept the ones worked out now.")
    elif loaded.stances_checked:
        click.echo("Stances rebuilt from the evidence: they match the dump's.")
    click.echo(f"Loaded {sum(loaded.rows.values()):,} rows from {directory} in "
               f"{time.perf_counter() - started:.1f}s.")
