"""Benchmark: the full-data downloads (/downloads/<table>.csv|.ndjson, /downloads/dump.zip).

    DATABASE_URL=sqlite:///path.sqlite3 .venv/bin/python bench/downloads.py [PATH ...]

Each path (default: the votes as CSV and NDJSON, the revisions, the zip) is fetched in a
process of its own through the app (no HTTP server: the app's own cost), read as it is
streamed, and reported as rows a second (wall clock and per CPU second) and the process's
peak memory against the app's own once loaded.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

DEFAULT = ("/downloads/vote.csv", "/downloads/vote.ndjson", "/downloads/revision.csv",
           "/downloads/dump.zip")


def measure(path: str) -> str:
    from tracker import create_app

    app = create_app({"DATABASE_URL": os.environ["DATABASE_URL"],
                      "SECRET_KEY": os.environ.get("SECRET_KEY", "bench")})
    client = app.test_client()
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(path, buffered=False)
    if response.status_code != 200:
        return f"{path}: {response.status_code} {response.get_data(as_text=True)[:200]}"
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = lines - (1 if path.endswith(".csv") else 0)
    what = f"{rows:,} rows" if not path.endswith(".zip") else "zip"
    return (f"{path}: {what}, {size / 1e6:.1f} MB in {wall:.2f} s ({cpu:.2f} s CPU)"
            + (f" = {rows / wall:,.0f} rows/s ({rows / cpu:,.0f} per CPU second)" if rows and
               not path.endswith(".zip") else "")
            + f"; peak memory {peak:.0f} MiB, {peak - loaded:.0f} MiB over the loaded app")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        sys.stdout.write(measure(sys.argv[2]) + "\n")
        return
    for path in sys.argv[1:] or DEFAULT:
        done = subprocess.run([sys.executable, __file__, "--one", path], capture_output=True, text=True,
                              check=False)
        sys.stdout.write(done.stdout or done.stderr[-2000:])
        sys.stdout.flush()


if __name__ == "__main__":
    main()
