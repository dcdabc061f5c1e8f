"""Which pages bench/national.py measures, and how one page is measured."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import national_http
import sqlalchemy as sa
from sqlalchemy.engine import Engine

CHOOSE = {
    "person": "SELECT p.slug FROM vote v JOIN person p ON p.id = v.person_id "
              "GROUP BY p.id, p.slug ORDER BY COUNT(*) DESC, p.id LIMIT 1",
    "council": "SELECT a.slug FROM membership m JOIN area a ON a.id = m.area_id "
               "WHERE a.kind = 'council' AND m.end_date IS NULL "
               "GROUP BY a.id, a.slug ORDER BY COUNT(*) DESC, a.slug LIMIT 1",
    # The tracked division with the most votes (the earliest of equals).
    "division": "SELECT d.slug FROM division d JOIN vote v ON v.division_id = d.id "
                "WHERE d.topic_id IS NOT NULL GROUP BY d.id, d.slug "
                "ORDER BY COUNT(*) DESC, d.id LIMIT 1",
    # The current constituency whose overlapping councils hold the most sitting councillors:
    # its page lists them, so it is the heaviest constituency page.
    "constituency": "SELECT c.slug FROM area c JOIN area_overlap o ON o.overlaps_id = c.id "
                    "JOIN membership m ON m.area_id = o.area_id "
                    "WHERE c.kind = 'westminster_constituency' AND c.valid_to IS NULL "
                    "AND m.end_date IS NULL GROUP BY c.id, c.slug "
                    "ORDER BY COUNT(*) DESC, c.slug LIMIT 1",
}


def chosen_slugs(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {key: conn.execute(sa.text(query)).scalar() or "" for key, query in CHOOSE.items()}


def pages(slugs: dict[str, str]) -> list[tuple[str, str]]:
    return [("home", "/"), ("constituency", f"/constituencies/{slugs['constituency']}"),
            ("person", f"/people/{slugs['person']}"), ("party", "/parties/labour"),
            ("division", f"/divisions/{slugs['division']}"),
            ("council", f"/councils/{slugs['council']}"), ("search", "/search?q=smith")]


@dataclass
class PageResult:
    key: str
    path: str
    latency: national_http.Latency
    dynamic: national_http.Throughput | None = None
    static: national_http.Throughput | None = None
    # No load test: one request per connection would outlast it, so req/s is 1000 / p50.
    estimated: bool = False

    @property
    def answered(self) -> bool:
        return self.latency.status is not None

    @property
    def timed_out(self) -> bool:
        return not self.answered or bool(self.latency.timeouts)

    @property
    def size_kb(self) -> float | None:
        return self.latency.size / 1024 if self.answered else None

    @property
    def req_s(self) -> float | None:
        if self.dynamic is not None:
            return self.dynamic.ok_per_s
        if self.estimated and self.latency.p50:
            return 1000 / self.latency.p50
        return None if self.answered else 0.0

    @property
    def static_req_s(self) -> float | None:
        return self.static.ok_per_s if self.static else None

    @property
    def ratio(self) -> float | None:
        if self.req_s is None or not self.static_req_s:
            return None
        return self.req_s / self.static_req_s


def measure(server: national_http.Server, key: str, path: str,
            args: argparse.Namespace) -> PageResult:
    """Sequential latency, then the saved bytes as a static file under load, then the page."""
    settle = max(10.0, args.timeout)
    latency = national_http.measure_latency(server.base + path, requests=args.requests,
                                            budget=args.page_budget, timeout=args.timeout)
    result = PageResult(key, path, latency)
    server.settle(settle)
    if not result.answered:
        return result
    name = f"{key}.html"
    (server.static_dir / name).write_bytes(latency.body)
    result.static = national_http.load_test(server.static_url(name), connections=args.connections,
                                            duration=args.duration, timeout=args.timeout)
    server.settle(settle)
    p50_s = (latency.p50 or latency.first_ms or 0) / 1000
    if latency.timeouts or p50_s * args.connections > args.duration:
        result.estimated = True
        return result
    result.dynamic = national_http.load_test(server.base + path, connections=args.connections,
                                             duration=args.duration, timeout=args.timeout)
    server.settle(settle)
    return result


@dataclass
class SiteResult:
    pages: list[PageResult]
    server_peak_mib: float
    restarts: int
    tool: str


def measure_site(url: str, slugs: dict[str, str], args: argparse.Namespace, static_dir: Path,
                 server_log: Path, log: object = print) -> SiteResult:
    server = national_http.Server(url, static_dir, server_log)
    results = []
    server.start()
    try:
        for key, path in pages(slugs):
            result = measure(server, key, path, args)
            results.append(result)
            log(f"  {key:<13} {path}: {describe(result)}")  # type: ignore[operator]
    finally:
        server.stop()
    tool = next((r.static.tool for r in results if r.static), "none")
    return SiteResult(results, server.peak_rss_kib / 1024, server.restarts, tool)


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def rate(value: float | None, estimated: bool = False) -> str:
    if value is None:
        return "-"
    return ("~" if estimated else "") + (f"{value:,.0f}" if value >= 100 else f"{value:.2f}")


def describe(r: PageResult) -> str:
    lat = r.latency
    if not r.answered:
        return "no answer within the timeout"
    parts = [f"HTTP {lat.status}", f"{r.size_kb:.1f} KB", f"first {ms(lat.first_ms)} ms",
             f"p50 {ms(lat.p50)} ms", f"p95 {ms(lat.percentile(95))} ms (n={len(lat.samples_ms)})",
             f"{rate(r.req_s, r.estimated)} req/s", f"static {rate(r.static_req_s)} req/s"]
    if lat.timeouts:
        parts.append(f"{lat.timeouts} timeout(s)")
    if lat.errors:
        parts.append("errors: " + ", ".join(sorted(set(lat.errors))))
    for label, load in (("page", r.dynamic), ("static", r.static)):
        if load and (load.timeouts or load.non_2xx or load.errors):
            parts.append(f"{label} under load: {load.timeouts} timeouts, {load.non_2xx} non-2xx, "
                         f"{load.errors} socket errors")
    return ", ".join(parts)
