"""The export side of bench/national.py (issue 9): the votes as CSV from our site and from
Datasette, side by side, and the full dump, each with its time and its peak memory.

- Our ``/downloads/vote.csv``, from the site served as ``tracker serve`` serves it
  (gunicorn on loopback, started as the page benchmark starts it) and, on SQLite,
  Datasette's ``/<db>/vote.csv?_stream=on&_size=max`` from the same database file.
  Datasette runs from a virtualenv of the benchmark's own (``<workdir>/datasette-venv``,
  made with ``python -m venv`` and ``pip install datasette`` when missing); when that
  virtualenv cannot be made, the Datasette side is left out with the reason.
- ``tracker export dump DIR`` (its own process) and ``/downloads/dump.zip`` over HTTP.

Each download is read whole as it is streamed (``Accept-Encoding: identity``), its rows
and bytes counted. Every server is started afresh for one download, so its memory
high-water mark (VmHWM of /proc/<pid>/status) is that download's: for gunicorn the
largest of its processes (the worker that sent the body; they are forked from one
loaded app, so a sum would count the shared pages once per worker) and the sum besides.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import national_http
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tracker.db import make_engine

# Targets of issue 9 on this 2-core machine.
PEAK_MB = 250  # decimal megabytes, of one process
DUMP_S = 60

VOTE_PATH = "/downloads/vote.csv"
DUMP_PATH = "/downloads/dump.zip"
DATASETTE_REQUIREMENT = "datasette"
DATASETTE_ROWS = 10_000  # Datasette's max_returned_rows: the rows of one page of its stream
INSTALL_TIMEOUT = 600

Log = Callable[[str], None]
# national.tracker_cli: `tracker ARGS` as a child -> (seconds, peak MiB, output)
CliRunner = Callable[..., tuple[float, float, str]]


@dataclass
class Download:
    """One file fetched whole over HTTP, and what its server used."""

    label: str
    status: int | None = None
    rows: int | None = None  # lines less the header, for CSV
    size: int = 0
    seconds: float | None = None
    cpu_s: float | None = None  # the server's processes' CPU time over the download
    peak_kib: int = 0  # the largest VmHWM among the server's processes
    peak_sum_kib: int = 0
    idle_kib: int = 0  # that largest process's VmHWM before the download
    processes: int = 0
    error: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.error

    @property
    def rows_per_s(self) -> float | None:
        if not self.ok or not self.rows or not self.seconds:
            return None
        return self.rows / self.seconds


@dataclass
class DumpRun:
    """``tracker export dump DIR``: seconds, peak memory of its process, files written."""

    seconds: float | None = None
    cpu_s: float | None = None
    peak_mib: float | None = None
    files: int = 0
    size: int = 0
    vote_csv_size: int = 0
    error: str = ""


@dataclass
class ExportResult:
    kind: str
    votes: int
    ours: list[Download] = field(default_factory=list)
    datasette: list[Download] = field(default_factory=list)
    datasette_version: str = ""
    datasette_skipped: str = ""  # why the Datasette side was left out
    dump: DumpRun = field(default_factory=DumpRun)
    zip: Download | None = None

    @staticmethod
    def rate(runs: list[Download]) -> float | None:
        """The median rows/s of the runs, or None when one of them failed."""
        rates = [r.rows_per_s for r in runs]
        if not rates or any(rate is None for rate in rates):
            return None
        return statistics.median(rate for rate in rates if rate is not None)


# -- reading a download -------------------------------------------------------------------

def fetch(url: str, label: str, timeout: float, keep: Path | None = None) -> Download:
    """GET ``url`` as it is streamed, counting bytes and lines (written to ``keep`` if given)."""
    result = Download(label)
    lines = 0
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout) as client, client.stream(
                "GET", url, headers={"Accept-Encoding": "identity"}) as response:
            result.status = response.status_code
            sink = keep.open("wb") if keep is not None else None
            try:
                for chunk in response.iter_raw(1 << 16):
                    result.size += len(chunk)
                    lines += chunk.count(b"\n")
                    if sink is not None:
                        sink.write(chunk)
            finally:
                if sink is not None:
                    sink.close()
    except httpx.HTTPError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - started
    if result.status != 200 and not result.error:
        result.error = f"HTTP {result.status}"
    if url.split("?")[0].endswith(".csv") and lines:
        result.rows = lines - 1  # the header; the vote table has no text with line breaks
    return result


def _tree_peaks(pid: int) -> tuple[int, int, int]:
    """(largest VmHWM, sum of VmHWM, processes) of ``pid`` and its descendants, in KiB."""
    peaks = [national_http.status_kib(p, "VmHWM") for p in national_http._tree(pid)]
    peaks = [p for p in peaks if p]
    return (max(peaks, default=0), sum(peaks), len(peaks))


def _cpu_s(pid: int) -> float:
    """CPU seconds used so far by ``pid`` and its descendants."""
    return national_http._cpu_ticks(national_http._tree(pid)) / os.sysconf("SC_CLK_TCK")


def fetch_from(pid: int, url: str, label: str, timeout: float, keep: Path | None = None) -> Download:
    """``fetch`` from the server ``pid``, with what its processes used for it."""
    idle_kib, cpu = _tree_peaks(pid)[0], _cpu_s(pid)
    download = fetch(url, label, timeout, keep)
    download.cpu_s = _cpu_s(pid) - cpu
    download.peak_kib, download.peak_sum_kib, download.processes = _tree_peaks(pid)
    download.idle_kib = idle_kib
    return download


# -- our site -----------------------------------------------------------------------------

def ours(url: str, path: str, label: str, folder: Path, log_path: Path, timeout: float,
         keep: Path | None = None) -> Download:
    """``path`` from a fresh `tracker serve` of ``url``."""
    server = national_http.Server(url, folder / "static", log_path)
    server.start()
    try:
        assert server.process is not None
        return fetch_from(server.process.pid, server.base + path, label, timeout, keep)
    finally:
        server.stop()


# -- Datasette ----------------------------------------------------------------------------

def ensure_datasette(venv: Path, log: Log) -> tuple[Path | None, str]:
    """Datasette's command in ``venv``, made (``python -m venv``, ``pip install datasette``)
    when missing: (its path, "") or (None, why it could not be made)."""
    command = venv / "bin" / "datasette"
    if command.exists():
        return command, ""
    log(f"  making {venv} with {DATASETTE_REQUIREMENT} (once)")
    python = getattr(sys, "_base_executable", None) or sys.executable
    steps = ([python, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", DATASETTE_REQUIREMENT])
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"`{' '.join(step[1:4])}` failed: {exc}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return None, f"`{' '.join(step[-3:])}` failed: {tail[0][:200]}"
    if not command.exists():
        return None, f"{command} is missing after pip install"
    return command, ""


def tilde_encode(name: str) -> str:
    """A database or table name as Datasette writes it in a path (its tilde encoding)."""
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(chr(b) if b in safe else "+" if b == 32 else f"~{b:02X}" for b in name.encode())


@dataclass
class Datasette:
    """``datasette serve FILE`` in a child process on a free loopback port."""

    command: Path
    database: Path
    log_path: Path
    rows_per_page: int = DATASETTE_ROWS
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    name: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        self.port = national_http.free_port()
        command = [str(self.command), "serve", str(self.database), "--host", "127.0.0.1",
                   "--port", str(self.port), "--setting", "max_returned_rows", str(self.rows_per_page),
                   # a page's query may take over the default second on a busy machine
                   "--setting", "sql_time_limit_ms", "20000"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Datasette stopped at start; see {self.log_path}")
            try:
                answer = httpx.get(f"{self.base}/-/databases.json", timeout=2)
                if answer.status_code == 200:
                    self.name = answer.json()[0]["name"]
                    return
            except (httpx.HTTPError, ValueError, LookupError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"Datasette did not answer in {timeout:.0f}s; see {self.log_path}")

    def csv_url(self, table: str) -> str:
        return f"{self.base}/{tilde_encode(self.name)}/{tilde_encode(table)}.csv?_stream=on&_size=max"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def datasette_version(command: Path) -> str:
    done = subprocess.run([str(command), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else "?"


def datasette_vote_csv(command: Path, database: Path, log_path: Path, timeout: float) -> Download:
    """Datasette's streamed CSV of every vote, from a fresh Datasette on ``database``."""
    server = Datasette(command, database, log_path)
    try:
        server.start()
    except RuntimeError as exc:
        return Download("Datasette", error=str(exc))
    try:
        assert server.process is not None
        return fetch_from(server.process.pid, server.csv_url("vote"), "Datasette", timeout)
    finally:
        server.stop()


def checkpoint(database: Path) -> None:
    """Fold SQLite's write-ahead log into the file, so every reader starts from the file alone."""
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


# -- the whole measurement ----------------------------------------------------------------

def count_votes(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        votes = conn.execute(sa.text("SELECT COUNT(*) FROM vote")).scalar() or 0
    engine.dispose()
    return votes


def run_dump(url: str, folder: Path, tracker_cli: CliRunner) -> DumpRun:
    target = folder / "dump"
    result = DumpRun()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        result.seconds, result.peak_mib, _output = tracker_cli(url, "export", "dump", str(target))
    except SystemExit as exc:
        result.error = str(exc)[-300:]
        return result
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the one child reaped meanwhile
    result.cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    files = [p for p in target.iterdir() if p.is_file()]
    result.files, result.size = len(files), sum(p.stat().st_size for p in files)
    vote = target / "vote.csv"
    result.vote_csv_size = vote.stat().st_size if vote.exists() else 0
    shutil.rmtree(target, ignore_errors=True)
    return result


def check_zip(download: Download, path: Path, tables: int) -> None:
    """The zip as received must open, hold the package and every table, and pass its CRCs."""
    if not download.ok:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError) as exc:
        download.error = f"not a whole zip: {exc}"
        return
    csvs = [n for n in names if n.endswith(".csv")]
    if bad is not None or not any(n.endswith("/datapackage.json") for n in names) or len(csvs) != tables:
        download.error = f"zip incomplete: {len(csvs)} of {tables} tables, bad entry {bad}"
    download.note = f"{len(names)} files"


def measure_exports(kind: str, url: str, args: argparse.Namespace, folder: Path, logs: Path,
                    tracker_cli: CliRunner, log: Log = print) -> ExportResult:
    """Every export figure for one database (``kind`` sqlite or postgres); ``folder`` for the
    files made on the way, ``logs`` for the servers' logs."""
    from tracker.dataset.tables import TABLES

    result = ExportResult(kind, count_votes(url))
    timeout = max(args.timeout, 600)
    command: Path | None = None
    database = Path(str(make_url(url).database)) if kind == "sqlite" else None
    if database is not None and args.datasette:
        checkpoint(database)
        command, result.datasette_skipped = ensure_datasette(args.datasette_venv, log)
        if command is not None:
            result.datasette_version = datasette_version(command)
    elif kind == "sqlite":
        result.datasette_skipped = "not asked (--no-datasette)"
    else:
        result.datasette_skipped = "Datasette serves SQLite only"
    if result.datasette_skipped:
        log(f"  Datasette left out: {result.datasette_skipped}")

    # Ours and Datasette's alternate, so both meet the same moments of a shared machine.
    for n in range(args.export_runs):
        download = ours(url, VOTE_PATH, "ours", folder, logs / f"exports-server-{kind}.log", timeout)
        _check_rows(download, result.votes)
        result.ours.append(download)
        log(f"  ours {VOTE_PATH} (run {n + 1}): {describe(download)}")
        if command is not None and database is not None:
            theirs = datasette_vote_csv(command, database, logs / "exports-datasette.log", timeout)
            _check_rows(theirs, result.votes)
            result.datasette.append(theirs)
            log(f"  Datasette {result.datasette_version} vote.csv (run {n + 1}): {describe(theirs)}")

    result.dump = run_dump(url, folder, tracker_cli)
    log(f"  tracker export dump: {describe_dump(result.dump)}")
    kept = folder / "dump.zip"
    result.zip = ours(url, DUMP_PATH, "dump.zip", folder, logs / f"exports-server-{kind}.log", timeout,
                      keep=kept)
    check_zip(result.zip, kept, len(TABLES))
    kept.unlink(missing_ok=True)
    log(f"  {DUMP_PATH}: {describe(result.zip)}")
    return result


def _check_rows(download: Download, votes: int) -> None:
    if download.ok and download.rows != votes:
        download.error = f"{download.rows:,} rows where the database holds {votes:,} votes"


# -- the report ---------------------------------------------------------------------------

def mb(kib: float) -> float:
    """KiB (as /proc gives them) in decimal megabytes (as the targets say them)."""
    return kib * 1024 / 1e6


def describe(d: Download) -> str:
    parts = [f"HTTP {d.status}" if d.status else "no answer"]
    if d.rows is not None:
        parts.append(f"{d.rows:,} rows")
    parts.append(f"{d.size / 1e6:.1f} MB in {d.seconds or 0:.1f} s")
    if d.rows_per_s:
        parts.append(f"{d.rows_per_s:,.0f} rows/s")
    if d.cpu_s is not None:
        parts.append(f"server CPU {d.cpu_s:.1f} s")
    if d.processes:
        parts.append(f"server peak {mb(d.peak_kib):.0f} MB (largest of {d.processes} processes; "
                     f"{mb(d.idle_kib):.0f} MB before; sum {mb(d.peak_sum_kib):.0f} MB)")
    if d.note:
        parts.append(d.note)
    if d.error:
        parts.append(f"ERROR {d.error}")
    return ", ".join(parts)


def describe_dump(d: DumpRun) -> str:
    if d.error:
        return f"ERROR {d.error}"
    return (f"{d.files} files, {d.size / 1e6:.1f} MB in {d.seconds or 0:.1f} s "
            f"(CPU {d.cpu_s or 0:.1f} s), peak {d.peak_mib or 0:.0f} MiB")


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def targets(r: ExportResult) -> list[tuple[str, bool | None, str]]:
    mine, theirs = ExportResult.rate(r.ours), ExportResult.rate(r.datasette)
    speed: tuple[bool | None, str]
    if mine is None:
        speed = (False, "our vote.csv failed")
    elif theirs is None:
        speed = (None, f"ours {mine:,.0f} rows/s; Datasette "
                       + (f"left out: {r.datasette_skipped}" if r.datasette_skipped else "failed"))
    else:
        speed = (mine >= theirs, f"{mine:,.0f} vs {theirs:,.0f} rows/s ({mine / theirs:.2f}x)")
    ok = [d for d in r.ours if d.ok]
    peaks = ([(f"vote.csv {mb(max(d.peak_kib for d in ok)):.0f}", mb(max(d.peak_kib for d in ok)))]
             if ok else [])
    peaks += [(f"dump.zip {mb(r.zip.peak_kib):.0f}", mb(r.zip.peak_kib))] if r.zip and r.zip.ok else []
    dump_mb = None if r.dump.peak_mib is None else r.dump.peak_mib * 2**20 / 1e6
    peaks += [(f"export dump {dump_mb:.0f}", dump_mb)] if dump_mb is not None else []
    failed = [d for d in [*r.ours, r.zip] if d is not None and not d.ok] or r.dump.error
    memory_ok = None if not peaks else (not failed and max(p for _, p in peaks) < PEAK_MB)
    times = []
    if r.dump.seconds is not None:
        times.append(("tracker export dump", r.dump.seconds))
    if r.zip and r.zip.ok and r.zip.seconds is not None:
        times.append(("dump.zip", r.zip.seconds))
    dump_ok = None if not times else (not failed and max(s for _, s in times) < DUMP_S)
    return [
        ("our vote.csv >= Datasette's rows/s", speed[0], speed[1]),
        (f"peak memory < {PEAK_MB} MB", memory_ok,
         ", ".join(t for t, _ in peaks) + " MB" if peaks else "-"),
        (f"full dump < {DUMP_S} s", dump_ok,
         ", ".join(f"{name} {s:.1f} s" for name, s in times) or "-"),
    ]


def print_report(label: str, r: ExportResult, out: Log) -> None:
    out("")
    out(f"== Exports, {label}: {r.votes:,} votes. One fresh server per download, read whole as it is "
        "streamed. CPU s: the server's processes (or the command's)"
        + (", not PostgreSQL's own" if r.kind == "postgres" else "")
        + "; peak MB: VmHWM of the largest process (gunicorn: the worker that sent it), "
        "before: that before the download, sum: every process of the server")
    header = (f"{'download':<32} {'rows':>10} {'MB':>6} {'s':>6} {'CPU s':>6} {'rows/s':>9} "
              f"{'peak MB':>8} {'before':>7} {'sum':>5}")
    out(header)
    out("-" * len(header))

    def line(name: str, rows: str, size: int, seconds: float | None, cpu: float | None,
             rate: float | None, peak: float, before: float | None, total: float | None,
             error: str) -> None:
        out(f"{name:<32} {rows:>10} {size / 1e6:>6.1f} {seconds or 0:>6.1f} "
            f"{'-' if cpu is None else f'{cpu:.1f}':>6} {'-' if rate is None else f'{rate:,.0f}':>9} "
            f"{peak:>8.0f} {'-' if before is None else f'{before:.0f}':>7} "
            f"{'-' if total is None else f'{total:.0f}':>5}" + (f"  ERROR {error}" if error else ""))

    def download(name: str, d: Download) -> None:
        line(name, "-" if d.rows is None else f"{d.rows:,}", d.size, d.seconds, d.cpu_s,
             d.rows_per_s, mb(d.peak_kib), mb(d.idle_kib), mb(d.peak_sum_kib), d.error)

    for n, d in enumerate(r.ours, 1):
        download(f"ours {VOTE_PATH} #{n}", d)
    for n, d in enumerate(r.datasette, 1):
        download(f"Datasette {r.datasette_version} vote.csv #{n}", d)
    if r.datasette_skipped:
        out(f"{'Datasette vote.csv':<32} skipped: {r.datasette_skipped}")
    d = r.dump
    line("tracker export dump DIR", f"{d.files} files", d.size, d.seconds, d.cpu_s, None,
         (d.peak_mib or 0) * 2**20 / 1e6, None, None, d.error)
    if r.zip is not None:
        download(f"ours {DUMP_PATH}", r.zip)
    if len(r.ours) > 1 or r.datasette:
        out(f"rows/s compared: the median run of each (ours {_rates(r.ours)}"
            + (f"; Datasette {_rates(r.datasette)}, max_returned_rows {DATASETTE_ROWS:,})"
               if r.datasette else ")"))
    out("")
    for name, ok, detail in targets(r):
        out(f"  {_verdict(ok):<5} {name:<38} {detail}")


def _rates(runs: list[Download]) -> str:
    rates = [d.rows_per_s for d in runs if d.rows_per_s]
    if not rates:
        return "-"
    return "/".join(f"{v:,.0f}" for v in rates) + f" (median {statistics.median(rates):,.0f})"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--export-runs", type=int, default=3,
                        help="times each vote.csv is fetched (ours and Datasette's, alternately)")
    parser.add_argument("--no-datasette", dest="datasette", action="store_false",
                        help="leave Datasette out")
    parser.add_argument("--datasette-venv", type=Path,
                        help="Datasette's virtualenv (default: <workdir>/datasette-venv; made if missing)")


def run(kind: str, label: str, url: str, args: argparse.Namespace, workdir: Path,
        tracker_cli: CliRunner, out: Log) -> ExportResult:
    """Measure and print the exports of one database."""
    if args.datasette_venv is None:
        args.datasette_venv = workdir / "datasette-venv"
    with tempfile.TemporaryDirectory(prefix="bench-exports-", dir=workdir) as folder:
        result = measure_exports(kind, url, args, Path(folder), workdir, tracker_cli, log=out)
    print_report(label, result, out)
    return result
