"""The table bench/national.py prints for one database, with the targets of issue 7."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field

from national_pages import PageResult, SiteResult, ms, rate

# Targets on this 2-core machine (issue 7, section 5).
P95_MS = 50
RATIO = 0.5
PAGE_KB = 100
CONSTITUENCY_KB = 60
REBUILD_S = 5
ONE_PERSON_MS = 20
IMPORT_S = 30
REIMPORT_S = 10


@dataclass
class Build:
    """What building the database took; ``None`` where it was not measured."""

    reused: bool = False
    import_s: float | None = None
    import_peak_mib: float | None = None
    load_s: float | None = None
    load_peak_mib: float | None = None
    rebuild_s: float | None = None
    one_person_ms: float | None = None
    rebuild_note: str = ""  # how the rebuild was timed
    reimport_s: float | None = None
    reimport_summary: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def page_checks(r: PageResult) -> list[tuple[str, bool | None]]:
    """(target, PASS/FAIL/None) for one page; a timeout fails the time targets."""
    p95 = r.latency.percentile(95)
    limit = CONSTITUENCY_KB if r.key == "constituency" else PAGE_KB
    return [
        (f"p95<{P95_MS}ms", False if r.timed_out else None if p95 is None else p95 < P95_MS),
        (f"ratio>={RATIO}", False if r.timed_out else None if r.ratio is None else r.ratio >= RATIO),
        (f"<={limit}KB", None if r.size_kb is None else r.size_kb <= limit),
    ]


def _ratio(value: float) -> str:
    return f"{value:.3f}" if value >= 0.001 else "<0.001"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def _all(results: list[PageResult], index: int) -> bool | None:
    found = [page_checks(r)[index][1] for r in results]
    if all(ok is None for ok in found):
        return None
    return all(ok is not False for ok in found)


def _below(value: float | None, limit: float) -> bool | None:
    return None if value is None else value < limit


def _or(value: float | None, text: Callable[[float], str], otherwise: str) -> str:
    return otherwise if value is None else text(value)


def targets(b: Build, site: SiteResult) -> list[tuple[str, bool | None, str]]:
    pages = site.pages
    worst_p95 = max((r.latency.percentile(95) or 0 for r in pages), default=0)
    ratios = [r.ratio for r in pages if r.ratio is not None]
    constituency = next((r for r in pages if r.key == "constituency"), None)
    not_built = "not measured (reused database)" if b.reused else ""
    return [
        (f"every page p95 < {P95_MS} ms", _all(pages, 0), f"worst {ms(worst_p95)} ms"
         + (", and timeouts" if any(r.timed_out for r in pages) else "")),
        (f"every page >= {RATIO} of static req/s", _all(pages, 1),
         f"worst {_ratio(min(ratios))}" if ratios else "-"),
        (f"no page over {PAGE_KB} KB", _all(pages, 2),
         f"largest {max((r.size_kb or 0) for r in pages):.1f} KB"),
        (f"constituency page <= {CONSTITUENCY_KB} KB",
         page_checks(constituency)[2][1] if constituency else None,
         _or(constituency.size_kb if constituency else None, lambda v: f"{v:.1f} KB", "-")),
        (f"stances rebuild < {REBUILD_S} s", _below(b.rebuild_s, REBUILD_S),
         _or(b.rebuild_s, lambda v: f"{v:.2f} s ({b.rebuild_note})", not_built)),
        (f"one person's update < {ONE_PERSON_MS} ms", _below(b.one_person_ms, ONE_PERSON_MS),
         _or(b.one_person_ms, lambda v: f"{v:.1f} ms (the MP with most votes, every topic)",
             not_built or "no refresh(session, topic, person_ids)")),
        (f"import all < {IMPORT_S} s", _below(b.import_s, IMPORT_S),
         _or(b.import_s, lambda v: f"{v:.1f} s, peak {b.import_peak_mib:.0f} MiB", not_built)),
        (f"no-op re-import < {REIMPORT_S} s", _below(b.reimport_s, REIMPORT_S),
         _or(b.reimport_s, lambda v: f"{v:.1f} s, on top of the national load "
             f"[{b.reimport_summary}]", not_built)),
    ]


def print_report(label: str, b: Build, site: SiteResult, args: argparse.Namespace,
                 out: Callable[[str], None]) -> None:
    out("")
    out(f"== {label}: scale {args.scale:g}, seed {args.seed}: "
        + ", ".join(f"{v:,} {k}" for k, v in b.counts.items()))
    out(f"   p50/p95 of up to {args.requests} sequential requests (or {args.page_budget:g} s) after "
        f"a first one; req/s: {args.connections} connections for {args.duration:g} s ({site.tool}); "
        f"request timeout {args.timeout:g} s")
    header = (f"{'page':<13} {'size KB':>8} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'n':>3} "
              f"{'req/s':>8} {'static req/s':>12} {'ratio':>8}  targets")
    out(header)
    out("-" * len(header))
    for r in site.pages:
        lat = r.latency
        size = "-" if r.size_kb is None else f"{r.size_kb:.1f}"
        first = ms(lat.first_ms) if r.answered else "timeout"
        ratio = "-" if r.ratio is None else _ratio(r.ratio)
        checks = " ".join(f"{name} {verdict(ok)}" for name, ok in page_checks(r))
        out(f"{r.key:<13} {size:>8} {first:>9} {ms(lat.p50):>8} {ms(lat.percentile(95)):>8} "
            f"{len(lat.samples_ms):>3} {rate(r.req_s, r.estimated):>8} {rate(r.static_req_s):>12} "
            f"{ratio:>8}  {checks}")
    if any(r.estimated for r in site.pages):
        out("~ no load test: p50 x connections exceeds its duration; req/s is 1000 / p50")
    if site.restarts:
        out(f"(the server was restarted {site.restarts} time(s): still busy with requests a load "
            "test had given up on)")
    out("")
    for name, ok, detail in targets(b, site):
        out(f"  {verdict(ok):<5} {name:<38} {detail}")
    memory = [f"server {site.server_peak_mib:.0f} MiB"]
    if b.import_peak_mib is not None:
        memory.append(f"import all {b.import_peak_mib:.0f} MiB")
    if b.load_peak_mib is not None:
        memory.append(f"this process so far (synthetic load, rebuild) {b.load_peak_mib:.0f} MiB")
    out("  peak memory (RSS high-water mark): " + ", ".join(memory))
    if b.load_s is not None:
        out(f"  synthetic load written in {b.load_s:.1f} s")
