"""Benchmark: the site at national scale, on SQLite and PostgreSQL (issue 7, section 5).

    .venv/bin/python bench/national.py [--db sqlite|postgres|both] [--scale 1] [--duration 10]
                                       [--keep] [--reuse] [--only pages|exports]

For each database: migrate, `tracker import all` of the shared data (timed, with its
peak memory), then the synthetic national load of bench/national_data.py on top
(fixed seed), the stance read model rebuilt (when tracker.readmodel exists), and a
no-op re-import. Then the site is served as `tracker serve` serves it and each page
is measured: its size, p50/p95 of sequential requests, and requests per second
under concurrency against the same bytes served as a static file by the same
server. Prints one table per database with the targets of issue 7. Then the exports
(bench/national_exports.py): every vote as CSV from the site and from Datasette, and the
full dump, with the targets of issue 9. --only measures one of the two.

SQLite uses a file in a temporary folder; PostgreSQL the database `bench_national`
on 127.0.0.1 (made and dropped here; --postgres-url to change). --keep keeps the
database; --reuse measures a kept one built with the same scale and seed (after
migrating it), or builds and keeps one.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import national_data
import national_exports
import national_http
import national_pages
import sqlalchemy as sa
from national_report import Build, print_report
from sqlalchemy.engine import Engine, make_url

from tracker.config import DATA_DIR, PROJECT_ROOT
from tracker.db import make_engine

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_national"
SEED = 7
REBUILDS = 3  # a shared two-core machine is noisy: the median of three full rebuilds


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# -- the database -------------------------------------------------------------------------

def workdir(args: argparse.Namespace) -> Path:
    """Where the SQLite database and the server's log go."""
    folder: Path = args.workdir or Path(tempfile.gettempdir()) / "tracker-bench-national"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database_url(kind: str, args: argparse.Namespace) -> str:
    if kind == "postgres":
        return args.postgres_url
    return f"sqlite:///{workdir(args) / f'national-{args.scale:g}-{args.seed}.sqlite3'}"


def _admin_engine(url: str) -> tuple[Engine, str]:
    parsed = make_url(url)
    return (sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT"),
            str(parsed.database))


def exists(url: str) -> bool:
    if url.startswith("sqlite"):
        return Path(str(make_url(url).database)).exists()
    admin, name = _admin_engine(url)
    with admin.connect() as conn:
        found = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        result = found.scalar() is not None
    admin.dispose()
    return result


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(str(make_url(url).database))
        for side in path.parent.glob(path.name + "*"):  # -wal, -shm, an import lock file
            side.unlink(missing_ok=True)
        return
    admin, name = _admin_engine(url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def create(url: str) -> None:
    drop(url)
    if url.startswith("postgresql"):
        admin, name = _admin_engine(url)
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()


def tracker_cli(url: str, *args: str) -> tuple[float, float, str]:
    """Run `tracker ARGS` as its own process: seconds, peak memory (MiB), its output.

    The peak is the child's own VmHWM, read while it runs: its rusage would count this
    process's memory too, as Linux carries the high-water mark over fork and exec.
    """
    script = Path(sys.executable).with_name("tracker")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from tracker.cli import main; main()"]
    peak_kib = 0
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen([*command, *args], env={**os.environ, "DATABASE_URL": url},
                                   stdout=output, stderr=subprocess.STDOUT)
        while process.poll() is None:
            peak_kib = max(peak_kib, national_http.status_kib(process.pid, "VmHWM"))
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        output.seek(0)
        text = output.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"`tracker {' '.join(args)}` failed:\n{text}")
    return elapsed, peak_kib / 1024, text


def rebuild_read_model(url: str, person_slug: str | None, rebuilds: int = REBUILDS
                       ) -> tuple[float | None, float | None, str]:
    """Time `tracker stances rebuild` (its own process, every core; the median of ``rebuilds``
    runs of the time it reports, the start-up of the command aside) and the median of five
    refresh(session, topic, [person]) of one person on every topic."""
    from sqlmodel import select

    from tracker import create_app
    from tracker.db import get_session
    from tracker.models import Person, Topic
    from tracker.readmodel import refresh

    rebuilt, processes = [], []
    for _ in range(rebuilds):
        whole, _peak, output = tracker_cli(url, "stances", "rebuild")
        said = re.search(r"Rebuilt in ([0-9.]+)s", output)
        rebuilt.append(float(said.group(1)) if said else whole)
        processes.append(whole)
    note = (f"median of {rebuilds}, {', '.join(f'{v:.2f}' for v in rebuilt)} s; "
            f"with the command's start-up {statistics.median(processes):.2f} s")
    app = create_app({"DATABASE_URL": url})
    one = None
    with app.app_context():
        session = get_session()
        person = session.exec(select(Person).where(Person.slug == person_slug)).first()
        if person is not None:
            topics = session.exec(select(Topic)).all()
            times = []
            for _ in range(5):
                started = time.perf_counter()
                for topic in topics:
                    refresh(session, topic, [person.id])
                session.flush()
                times.append(time.perf_counter() - started)
            session.commit()
            one = statistics.median(times)
    app.extensions["engine"].dispose()
    return statistics.median(rebuilt), one, note


def build(url: str, args: argparse.Namespace) -> Build:
    """Migrate, import, add the national load, rebuild the read model, re-import."""
    result = Build()
    scale = national_data.Scale(args.scale)
    create(url)
    tracker_cli(url, "db", "upgrade")
    result.import_s, result.import_peak_mib, output = tracker_cli(
        url, "import", "all", "--data-dir", str(args.data_dir))
    out(f"  import all: {result.import_s:.1f} s, peak {result.import_peak_mib:.0f} MiB "
        f"[{_last_line(output)}]")
    out(f"  synthetic national load ({national_data.describe(scale, args.seed)}):")
    engine = make_engine(url)
    started = time.perf_counter()
    national_data.load(engine, DATA_DIR, scale, args.seed, log=out)
    result.load_s = time.perf_counter() - started
    person = national_pages.chosen_slugs(engine)["person"]
    engine.dispose()
    out(f"  written in {result.load_s:.1f} s")
    # Measuring the exports only: the read model is built once (the dump holds it), not timed.
    time_rebuild(url, result, person, 1 if args.only == "exports" else REBUILDS)
    result.load_peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.reimport_s, _peak, output = tracker_cli(
        url, "import", "all", "--data-dir", str(args.data_dir))
    result.reimport_summary = _last_line(output)
    out(f"  no-op re-import: {result.reimport_s:.1f} s [{result.reimport_summary}]")
    return result


def time_rebuild(url: str, result: Build, person: str | None, rebuilds: int = REBUILDS) -> None:
    result.rebuild_s, one, result.rebuild_note = rebuild_read_model(url, person, rebuilds)
    result.one_person_ms = None if one is None else one * 1000
    if result.rebuild_s is None:
        out("  stances rebuild: not measured")
    else:
        one_text = "" if one is None else f"; one person on every topic {one * 1000:.1f} ms"
        out(f"  stances rebuild: {result.rebuild_s:.2f} s ({result.rebuild_note}){one_text}")


def _last_line(output: str) -> str:
    lines = output.strip().splitlines()
    return lines[-1] if lines else ""


COUNTED = ("person", "membership", "affiliation", "division", "vote", "evidence", "revision")


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar() or 0
                for t in COUNTED}


def run_database(kind: str, args: argparse.Namespace) -> None:
    url = database_url(kind, args)
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"
    out(f"\n{label}: {make_url(url).render_as_string(hide_password=True)}")
    wanted = national_data.describe(national_data.Scale(args.scale), args.seed)
    try:
        if args.reuse and exists(url) and national_data.marker(make_engine(url)) == wanted:
            out(f"  reusing the kept database ({wanted}), migrated to the current schema")
            tracker_cli(url, "db", "upgrade")
            b = Build(reused=True)
            if args.only != "exports":  # the kept database's read model is already built
                engine = make_engine(url)
                person = national_pages.chosen_slugs(engine)["person"]
                engine.dispose()
                time_rebuild(url, b, person)
        else:
            b = build(url, args)
        if args.only != "exports":
            measure_pages(kind, label, url, b, args)
        if args.only != "pages":
            out(f"  exports of {label}:")
            national_exports.run(kind, label, url, args, workdir(args), tracker_cli, out)
    finally:
        if not (args.keep or args.reuse):
            drop(url)


def measure_pages(kind: str, label: str, url: str, b: Build, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    b.counts = table_counts(engine)
    slugs = national_pages.chosen_slugs(engine)
    engine.dispose()
    server_log = workdir(args) / f"server-{kind}.log"
    server_log.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-national-") as folder:
        site = national_pages.measure_site(url, slugs, args, Path(folder), server_log, log=out)
    out(f"  (server log: {server_log})")
    print_report(label, b, site, args, out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the national load (0.05 for a quick run)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--duration", type=float, default=10, help="seconds per load test")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--requests", type=int, default=20, help="sequential requests a page")
    parser.add_argument("--page-budget", type=float, default=60,
                        help="stop the sequential requests of a page after this many seconds")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a request times out")
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="measure a kept database of the same scale and seed instead of building "
                             "one (and keep it)")
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT.parent / "shared" / "data")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--workdir", type=Path,
                        help="folder of the SQLite file and the server log (default: a temp folder)")
    parser.add_argument("--only", choices=("pages", "exports"),
                        help="measure only the pages (issue 7) or only the exports (issue 9)")
    national_exports.add_arguments(parser)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the server child
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be above 0")
    if args.export_runs < 1:
        parser.error("--export-runs must be 1 or more")
    return args


def main_cli(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.serve:
        national_http.serve_forever(args.serve, args.port)
        return
    for kind in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        run_database(kind, args)


if __name__ == "__main__":
    main_cli()
