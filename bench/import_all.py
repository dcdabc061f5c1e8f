"""Benchmark: time `tracker import all` into an empty database, then a second run.

    .venv/bin/python bench/import_all.py [--data-dir ../shared/data] [--database-url URL]

Without --database-url a temporary SQLite file is used. A PostgreSQL URL is
emptied first (its tables are dropped and recreated by the migrations).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from tracker import create_app, migrate
from tracker.cli import main
from tracker.config import PROJECT_ROOT


def run(database_url: str, data_dir: Path) -> None:
    app = create_app({"DATABASE_URL": database_url})
    engine = app.extensions["engine"]
    if migrate.current_revision(engine):
        migrate.downgrade(engine, "base")
    migrate.upgrade(engine)
    runner = app.test_cli_runner()
    for label in ("first run (empty database)", "second run (nothing to change)"):
        started = time.perf_counter()
        result = runner.invoke(main, ["import", "all", "--data-dir", str(data_dir)])
        elapsed = time.perf_counter() - started
        if result.exit_code != 0:
            raise SystemExit(result.output)
        summary = result.output.strip().splitlines()[-1]
        print(f"{label}: {elapsed:.2f}s  [{summary}]")  # noqa: T201
    print(runner.invoke(main, ["stats"]).output)  # noqa: T201
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")  # noqa: T201


def main_cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT.parent / "shared" / "data")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.data_dir)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args.data_dir)


if __name__ == "__main__":
    main_cli()
