"""The `tracker` command: database, seeds, imports, serving, stats and stances."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from tracker import create_app
from tracker.db import get_engine, get_session
from tracker.dump_cli import export_group, import_dump
from tracker.locks import catch_locked_database
from tracker.snapshot import snapshot_group
from tracker.users_cli import users_group


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def main() -> None:
    """Ceasefire-stance tracker. Settings come from the environment (DATABASE_URL, SECRET_KEY)."""


def add_commands(app: Flask) -> None:
    """Give ``flask --app tracker`` the commands of ``tracker`` (the same command objects)."""
    for name, command in main.commands.items():
        app.cli.add_command(command, name)


# -- database -----------------------------------------------------------------

@main.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or update the schema."""
    from tracker import migrate

    engine = get_engine()
    _ensure_sqlite_folder(engine.url.database if engine.url.get_backend_name() == "sqlite" else None)
    migrate.upgrade(engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(engine)}.")
    if revision == "head":
        _rebuild_stale_stances()


def _rebuild_stale_stances() -> None:
    """Build the stances of topics whose scale changed (or that were never built)."""
    from tracker.db import session_scope
    from tracker.readmodel import ensure_current

    with session_scope(get_engine()) as session:
        for done in ensure_current(session):
            click.echo(f"Stances on {done.topic} rebuilt: {done.people} people, {done.periods} periods.")


@db_group.command("downgrade")
@click.option("--revision", default="base", show_default=True)
@click.confirmation_option(prompt="This drops data. Go on?")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Undo migrations (to the empty database by default)."""
    from tracker import migrate

    migrate.downgrade(get_engine(), revision)
    click.echo(f"Database at revision {migrate.current_revision(get_engine())}.")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the schema revision."""
    from tracker import migrate

    click.echo(migrate.current_revision(get_engine()) or "empty (run `tracker db upgrade`)")


def _ensure_sqlite_folder(database: str | None) -> None:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


# -- seeds and imports ------------------------------------------------------------

@main.command("seed")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no people yet.")
@with_appcontext
def seed_command(if_empty: bool) -> None:
    """Load the sourced demo dataset in seeds/."""
    from tracker.importers.runner import run_import
    from tracker.seeds import database_is_empty, load_seeds

    if if_empty and not database_is_empty(get_session()):
        click.echo("The database already holds data; seeds not loaded.")
        return
    run_import(lambda session, _p: load_seeds(session, Path(current_app.config["SEEDS_DIR"]),
                                               Path(current_app.config["DATA_DIR"])))


@main.group("import")
def import_group() -> None:
    """Load public data (files or live APIs). Each import is one transaction."""


def _register_importers() -> None:
    from tracker.importers import importer_modules

    for module in importer_modules():
        command = module.command
        command.callback = with_appcontext(command.callback)
        import_group.add_command(command)


@import_group.command("all")
@click.option("--data-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="The shared/data folder.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def import_all(data_dir: Path, as_json: bool) -> None:
    """Load every dataset of DATA_DIR in order, in one transaction."""
    import time

    from tracker.importers.data_dir import load_data_dir
    from tracker.importers.runner import run_import

    started = time.perf_counter()
    # The sequence lives in tracker/importers/data_dir.py: the snapshot loads through it too.
    results = run_import(lambda session, progress: load_data_dir(session, data_dir, progress),
                         as_json=as_json)
    if not as_json:
        added = sum(r.added for r in results)
        updated = sum(r.updated for r in results)
        click.echo(f"All done in {time.perf_counter() - started:.1f}s: "
                   f"{added} added, {updated} updated.")


# -- serving ------------------------------------------------------------------------

@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(min=1), envvar="WEB_CONCURRENCY",
              help="Worker processes (default: 2 x cores + 1; env WEB_CONCURRENCY).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1),
              help="Threads per worker process.")
@click.option("--no-setup", is_flag=True,
              help="Skip migrating and loading the snapshot and seeds.")
@with_appcontext
def serve(host: str, port: int, workers: int | None, threads: int, no_setup: bool) -> None:
    """Migrate; on an empty database load the public records snapshot and seeds; serve
    with gunicorn (several worker processes)."""
    from flask import g

    from tracker import server

    ctx = click.get_current_context()
    if not no_setup:
        ctx.invoke(db_upgrade, revision="head")
        from tracker.importers.snapshot import set_up_empty_database

        if not set_up_empty_database():
            click.echo("The database already holds data; snapshot and seeds not loaded.")
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    workers = workers or server.default_workers()
    click.echo(f"Serving on http://{server.bind_address(host, port)}/ with {workers} worker processes "
               f"(Ctrl+C to stop)")
    server.serve(current_app._get_current_object(), host, port,  # type: ignore[attr-defined]
                 workers=workers, threads=threads)


# -- reading ------------------------------------------------------------------------

@main.command("stats")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def stats(as_json: bool) -> None:
    """Row counts per table, then coverage: who holds a recorded stance on each topic."""
    from datetime import date

    from tracker.prose.coverage import coverage_lines
    from tracker.queries.coverage import coverage, coverage_summary
    from tracker.queries.stats import table_counts

    counts = table_counts(get_session())
    if as_json:
        click.echo(json.dumps({**counts, "coverage": coverage_summary(get_session())}, indent=2))
        return
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        click.echo(f"{name.ljust(width)}  {count:>7}")
    today = date.today()
    for line in coverage_lines(coverage(get_session(), today), today):
        click.echo(line)


@main.command("stance")
@click.argument("person")
@click.option("--topic", help="A topic slug of data/topics (default: the default topic).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def stance(person: str, topic: str | None, as_json: bool) -> None:
    """A person's current stance, timeline, shifts and contradictions, with evidence."""
    from tracker.prose.report import render_report
    from tracker.queries.people import find_people
    from tracker.queries.stances import person_stance_report
    from tracker.reference import default_topic

    session = get_session()
    matches = find_people(session, person)
    if not matches:
        raise click.ClickException(f"No person matches {person!r}.")
    if len(matches) > 1 and matches[0].name.casefold() != person.strip().casefold():
        names = "\n".join(f"  {p.slug}  {p.name}" for p in matches[:10])
        raise click.ClickException(f"{person!r} matches several people; use a slug:\n{names}")
    report = person_stance_report(session, matches[0], topic or default_topic())
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        click.echo(render_report(report))


@main.group("stances")
def stances_group() -> None:
    """The stance read model (what every page reads)."""


@stances_group.command("rebuild")
@click.option("--topic", default=None, help="One topic's slug (default: every topic).")
@with_appcontext
def stances_rebuild(topic: str | None) -> None:
    """Recompute every stance period, shift and contradiction from the evidence."""
    import time

    from tracker.importers.runner import import_transaction
    from tracker.readmodel import rebuild

    started = time.perf_counter()
    with import_transaction() as session:  # not while an import runs
        done = rebuild(session, topic, processes=os.cpu_count() or 1)
    if topic is not None and not done:
        raise click.ClickException(f"There is no topic {topic!r}.")
    for d in done:
        click.echo(f"{d.topic}: {d.people} people, {d.periods} periods.")
    click.echo(f"Rebuilt in {time.perf_counter() - started:.2f}s.")
    started = time.perf_counter()
    if vacuum_read_model(get_engine()):
        click.echo(f"Vacuumed the read model's tables in {time.perf_counter() - started:.2f}s.")


def vacuum_read_model(engine: sa.engine.Engine) -> bool:
    """After a full rebuild on PostgreSQL, reclaim the rows it replaced and refresh the
    planner's statistics (where autovacuum is off, dead rows would slow every later write)."""
    from tracker.readmodel.build import READ_MODEL

    if engine.dialect.name != "postgresql":
        return False
    names = ", ".join(t.__tablename__ for t in READ_MODEL)  # type: ignore[attr-defined]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM (ANALYZE) {names}")
    return True


@main.command("aggregate")
@click.option("--by", type=click.Choice(["party", "area", "body"]), default="party", show_default=True)
@click.option("--body", "body_slug", default="house-of-commons", show_default=True)
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d", "%Y-%m"]), default="2023-10-01",
              show_default=True, help="First month.")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d", "%Y-%m"]), default=None,
              help="Last month (default: this month).")
@click.option("--topic", help="A topic slug of data/topics (default: the default topic).")
@click.option("--nonzero", is_flag=True, help="Leave out rows with a count of 0.")
@with_appcontext
def aggregate_command(by: str, body_slug: str, first, last, topic: str | None, nonzero: bool) -> None:  # type: ignore[no-untyped-def]
    """Monthly stance counts of a body's members, as CSV (month, group, stance, count)."""
    import csv
    import io
    from datetime import date

    from tracker.queries.aggregates import stance_counts
    from tracker.reference import default_topic

    try:
        rows = stance_counts(get_session(), body_slug=body_slug, by=by, first=first.date(),
                             last=last.date() if last else date.today(), topic=topic or default_topic())
    except (LookupError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", by, "stance", "count"])
    for row in rows:
        if row.count or not nonzero:
            writer.writerow([row.day.isoformat()[:7], row.group, row.stance, row.count])
    click.echo(out.getvalue(), nl=False)


_register_importers()
main.add_command(snapshot_group)
main.add_command(users_group)
main.add_command(export_group)  # tracker export dump DIR
import_group.add_command(import_dump)  # tracker import dump DIR
# Last: SQLite's "database is locked" is a message, never a traceback (tracker/locks.py).
catch_locked_database(main)
