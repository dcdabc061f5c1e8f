"""The HTTP side of bench/national.py: the server, sequential latency and throughput.

The site runs as `tracker serve --no-setup` runs it (its server, workers and threads),
in a child process with its own process group, with one addition: a blueprint that
serves a folder of saved pages under STATIC_PREFIX, so that a page and the same bytes
as a static file come from the same server. The
load tool is wrk when it is installed (`apt-get install wrk`), else a small
keep-alive load generator made of threads.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STATIC_PREFIX = "/bench-static"
READY_FILE = "ready.txt"


def serve_forever(static_dir: Path, port: int) -> None:
    """Run in the server child: the app of DATABASE_URL plus the saved pages, served by
    `tracker serve` itself (whatever server and settings it uses)."""
    from flask import Blueprint
    from flask.cli import ScriptInfo

    from tracker import create_app
    from tracker.cli import main

    app = create_app()
    app.register_blueprint(Blueprint("bench_static", __name__, static_folder=str(static_dir),
                                     static_url_path=STATIC_PREFIX))
    main.main(args=["serve", "--no-setup", "--host", "127.0.0.1", "--port", str(port)],
              obj=ScriptInfo(create_app=lambda: app), prog_name="tracker")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


@dataclass
class Server:
    """The site in a child process, on a free loopback port."""

    database_url: str
    static_dir: Path
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    peak_rss_kib: int = 0
    restarts: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        self.static_dir.mkdir(parents=True, exist_ok=True)
        (self.static_dir / READY_FILE).write_text("ok\n")
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": self.database_url}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("national.py")), "--serve",
                 str(self.static_dir), "--port", str(self.port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped at start; see {self.log_path}")
            try:
                if httpx.get(self.static_url(READY_FILE), timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the server did not answer in {timeout:.0f}s; see {self.log_path}")

    def static_url(self, name: str) -> str:
        return f"{self.base}{STATIC_PREFIX}/{name}"

    def record_peak(self) -> None:
        if self.process is not None:
            self.peak_rss_kib = max(self.peak_rss_kib, sum(
                status_kib(pid, "VmHWM") for pid in _tree(self.process.pid)))

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.record_peak()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):  # workers left behind: its own group
            os.killpg(self.process.pid, signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def settle(self, max_wait: float) -> bool:
        """Wait until the server is idle (under 10% of a core over half a second): requests a
        load tool gave up on may still be rendering. Restart it if it is still busy."""
        assert self.process is not None
        deadline = time.monotonic() + max_wait
        hz = os.sysconf("SC_CLK_TCK")
        while time.monotonic() < deadline:
            pids = _tree(self.process.pid)
            before = _cpu_ticks(pids)
            time.sleep(0.5)
            if (_cpu_ticks(pids) - before) / hz < 0.05:
                self.record_peak()
                return True
        self.restart()
        return False


# -- sequential latency -------------------------------------------------------------------

@dataclass
class Latency:
    status: int | None = None
    size: int = 0
    first_ms: float | None = None
    samples_ms: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)
    body: bytes = b""

    def percentile(self, p: float) -> float | None:
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank

    @property
    def p50(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None


def measure_latency(url: str, *, requests: int, budget: float, timeout: float) -> Latency:
    """The first request (kept as the page's bytes), then up to ``requests`` more, one at a
    time on one keep-alive connection, until ``budget`` seconds have passed."""
    result = Latency()
    started = time.monotonic()
    with httpx.Client(timeout=timeout) as client:
        for n in range(requests + 1):
            if n > 1 and time.monotonic() - started > budget:
                break
            t0 = time.perf_counter()
            try:
                response = client.get(url)
            except httpx.TimeoutException:
                result.timeouts += 1
                if n == 0:
                    return result  # a page that cannot render once within the timeout
                continue
            except httpx.HTTPError as exc:
                result.errors.append(type(exc).__name__)
                continue
            ms = (time.perf_counter() - t0) * 1000
            if n == 0:
                result.first_ms, result.status = ms, response.status_code
                result.body, result.size = response.content, len(response.content)
            else:
                result.samples_ms.append(ms)
                if response.status_code != result.status:
                    result.errors.append(f"HTTP {response.status_code}")
    return result


# -- throughput ------------------------------------------------------------------------------

@dataclass
class Throughput:
    ok_per_s: float
    completed: int
    timeouts: int
    non_2xx: int
    errors: int
    tool: str


def load_test(url: str, *, connections: int, duration: float, timeout: float) -> Throughput:
    if shutil.which("wrk"):
        return _wrk(url, connections, duration, timeout)
    return _threads(url, connections, duration, timeout)


def _wrk(url: str, connections: int, duration: float, timeout: float) -> Throughput:
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections),
               "-d", f"{duration:g}s", "--timeout", f"{timeout:g}s", url]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          timeout=duration + timeout + 60)
    return parse_wrk(done.stdout, duration)


def parse_wrk(output: str, duration: float) -> Throughput:
    """wrk's summary: responses that were not 2xx/3xx do not count as served."""
    def number(pattern: str) -> int:
        match = re.search(pattern, output)
        return int(match.group(1)) if match else 0

    completed = number(r"(\d+) requests in")
    took = re.search(r"requests in ([\d.]+)(ms|s|m)\b", output)
    elapsed = float(took.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[took.group(2)] if took else duration
    sockets = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    timeouts = int(sockets.group(4)) if sockets else 0
    errors = sum(int(sockets.group(i)) for i in (1, 2, 3)) if sockets else 0
    non_2xx = number(r"Non-2xx or 3xx responses: (\d+)")
    return Throughput((completed - non_2xx) / elapsed if elapsed else 0.0, completed, timeouts,
                      non_2xx, errors, "wrk")


def _threads(url: str, connections: int, duration: float, timeout: float) -> Throughput:
    """A stand-in for wrk: ``connections`` threads, each with its own keep-alive client."""
    stop = time.monotonic() + duration
    lock = threading.Lock()
    totals = {"ok": 0, "done": 0, "timeouts": 0, "non_2xx": 0, "errors": 0}

    def worker() -> None:
        mine = dict.fromkeys(totals, 0)
        with httpx.Client(timeout=timeout) as client:
            while time.monotonic() < stop:
                try:
                    response = client.get(url)
                    _ = response.content
                except httpx.TimeoutException:
                    mine["timeouts"] += 1
                    continue
                except httpx.HTTPError:
                    mine["errors"] += 1
                    continue
                if time.monotonic() > stop:
                    break
                mine["done"] += 1
                mine["ok" if response.status_code < 400 else "non_2xx"] += 1
        with lock:
            for key, value in mine.items():
                totals[key] += value

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(totals["ok"] / duration, totals["done"], totals["timeouts"],
                      totals["non_2xx"], totals["errors"], "threads")
