"""Page sizes against the targets of issue 7 (section 5): no page heavier than 100 KB of
HTML at national scale, a constituency page at most 60 KB.

    .venv/bin/python bench/page_sizes.py --database-url sqlite:////tmp/x/national-1-7.sqlite3 [--sweep]

Renders, in this process with Flask's test client, the pages bench/national.py times
(the same choice of constituency, person, division and council), the index pages, the
heaviest pages of each kind (the constituency overlapping the most councils, the person
with the most evidence, the largest parties) and the second page of every long list;
then a page past the end of a list, which must still be a 200 that says so. --sweep
also renders every party, constituency, council, election and MP page and reports the
heaviest of each kind. Prints a line per page; exits 1 if any page misses its target.
The database is only read (build one with `bench/national.py --keep`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable

import national_pages
import sqlalchemy as sa
from national_report import CONSTITUENCY_KB, PAGE_KB

from tracker import create_app

EXTRA = {
    "constituency_most_councils": "SELECT c.slug FROM area c JOIN area_overlap o ON o.overlaps_id = c.id "
                                  "WHERE c.kind = 'westminster_constituency' AND c.valid_to IS NULL "
                                  "GROUP BY c.id, c.slug ORDER BY COUNT(*) DESC, c.slug LIMIT 1",
    "person_most_evidence": "SELECT p.slug FROM evidence e JOIN person p ON p.id = e.person_id "
                            "GROUP BY p.id, p.slug ORDER BY COUNT(*) DESC, p.id LIMIT 1",
    "person_most_motions": "SELECT p.slug FROM edm_signature s JOIN person p ON p.id = s.person_id "
                           "GROUP BY p.id, p.slug ORDER BY COUNT(*) DESC, p.id LIMIT 1",
    "person_most_shifts": "SELECT p.slug FROM stance_shift s JOIN person p ON p.id = s.person_id "
                          "GROUP BY p.id, p.slug ORDER BY COUNT(*) DESC, p.id LIMIT 1",
    "party_most_councillors": "SELECT p.slug FROM affiliation a JOIN party p ON p.id = a.party_id "
                              "GROUP BY p.id, p.slug ORDER BY COUNT(*) DESC, p.slug LIMIT 1",
    "general_election": "SELECT slug FROM election WHERE kind = 'general' "
                        "ORDER BY election_date DESC LIMIT 1",
}
SWEEP = {
    "party": "SELECT '/parties/' || slug FROM party",
    "constituency": "SELECT '/constituencies/' || slug FROM area WHERE kind = 'westminster_constituency'",
    "council": "SELECT '/councils/' || slug FROM area WHERE kind = 'council'",
    "election": "SELECT '/elections/' || slug FROM election",
    "MP": "SELECT DISTINCT '/people/' || p.slug FROM membership m JOIN body b ON b.id = m.body_id "
          "JOIN person p ON p.id = m.person_id WHERE b.kind = 'commons'",
}


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def limit_kb(path: str) -> int:
    return CONSTITUENCY_KB if path.startswith("/constituencies/") else PAGE_KB


def chosen(engine: sa.engine.Engine) -> dict[str, str]:
    slugs = national_pages.chosen_slugs(engine)
    with engine.connect() as conn:
        slugs.update({k: conn.execute(sa.text(q)).scalar() or "" for k, q in EXTRA.items()})
    return slugs


def pages(s: dict[str, str]) -> list[tuple[str, str]]:
    """(what, path): the benchmark's pages, then the heaviest of each kind and the lists' second pages."""
    listed = [(key, path) for key, path in national_pages.pages(s)]
    constituency, council = f"/constituencies/{s['constituency']}", f"/councils/{s['council']}"
    division, election = f"/divisions/{s['division']}", f"/elections/{s['general_election']}"
    return [
        *listed,
        ("constituency, councillors p2", f"{constituency}?councillors_page=2"),
        ("constituency, most councils", f"/constituencies/{s['constituency_most_councils']}"),
        ("person, most evidence", f"/people/{s['person_most_evidence']}"),
        ("person, most motions", f"/people/{s['person_most_motions']}"),
        ("person, most motions p2", f"/people/{s['person_most_motions']}?edms_page=2"),
        ("person, most changes", f"/people/{s['person_most_shifts']}"),
        ("party, sitting MPs p2", "/parties/labour?mps_page=2"),
        ("party, 2019-24 MPs p2", "/parties/labour?past_page=2"),
        ("party, councillors p2", "/parties/labour?councillors_page=2"),
        ("party, who left p2", "/parties/labour?left_page=2"),
        ("party, most councillors", f"/parties/{s['party_most_councillors']}"),
        ("parties", "/parties"),
        ("division, votes p2", f"{division}?page=2"),
        ("divisions", "/divisions"),
        ("divisions p2", "/divisions?page=2"),
        ("decisions", "/decisions"),
        ("elections", "/elections"),
        ("general election", election),
        ("general election p2", f"{election}?page=2"),
        ("council, councillors p2", f"{council}?page=2"),
        ("changes", "/changes"),
        ("changes p2", "/changes?page=2"),
        ("pledges", "/pledges"),
        ("coverage", "/coverage"),
        ("coverage, second topic p2", "/coverage?topic=palestine-action&page=2"),
        ("past the end of a list", "/parties/labour?councillors_page=10000"),
    ]


def measure(client: object, path: str) -> tuple[int, float, float]:
    started = time.perf_counter()
    response = client.get(path)  # type: ignore[attr-defined]
    elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, len(response.data) / 1024, elapsed


def report(client: object, rows: Iterable[tuple[str, str]]) -> bool:
    ok = True
    out(f"{'page':<30} {'HTTP':>4} {'KB':>8} {'limit':>6} {'ms':>7}  verdict  path")
    for what, path in rows:
        status, kb, ms = measure(client, path)
        limit = limit_kb(path)
        passed = status == 200 and kb <= limit
        ok &= passed
        verdict = "PASS" if passed else "FAIL"
        out(f"{what:<30} {status:>4} {kb:8.1f} {limit:>6} {ms:7.0f}  {verdict:<7}  {path}")
    return ok


def sweep(client: object, engine: sa.engine.Engine, top: int = 3) -> bool:
    ok = True
    for kind, query in SWEEP.items():
        with engine.connect() as conn:
            paths = [r[0] for r in conn.execute(sa.text(query))]
        started = time.perf_counter()
        sizes = []
        for path in paths:
            status, kb, _ms = measure(client, path)
            sizes.append((kb, status, path))
            ok &= status == 200 and kb <= limit_kb(path)
        over = [p for kb, status, p in sizes if status != 200 or kb > limit_kb(p)]
        heaviest = ", ".join(f"{p} {kb:.1f} KB" for kb, _s, p in sorted(sizes, reverse=True)[:top])
        out(f"  {kind}: {len(paths):,} pages in {time.perf_counter() - started:.0f} s, "
            f"{len(over)} over the limit{' (' + ', '.join(over[:5]) + ')' if over else ''}; "
            f"heaviest: {heaviest}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="the database to read (default: $DATABASE_URL)")
    parser.add_argument("--sweep", action="store_true",
                        help="also every party, constituency, council, election and MP page")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url (or set DATABASE_URL)")
    app = create_app({"DATABASE_URL": args.database_url})
    engine = app.extensions["engine"]
    client = app.test_client()
    out(f"Page sizes: {args.database_url}; targets: {PAGE_KB} KB, a constituency {CONSTITUENCY_KB} KB")
    ok = report(client, pages(chosen(engine)))
    if args.sweep:
        out("Every page of each kind:")
        ok &= sweep(client, engine)
    out(f"{'PASS' if ok else 'FAIL'}: every page within its size target" if ok else
        "FAIL: some pages are over their size target (or not a 200)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
