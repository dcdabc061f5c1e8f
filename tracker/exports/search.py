"""The search page's table (/search?q=)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.models import Area
from tracker.search import PersonResult, SearchResults

PageKind = Literal["person", "constituency", "council", "party"]


@dataclass(frozen=True)
class SearchData:
    results: SearchResults
    urls: Mapping[tuple[PageKind, str], str]  # (kind of page, slug) -> the page's absolute URL


def result_urls(results: SearchResults,
                url: Callable[[PageKind, str], str]) -> dict[tuple[PageKind, str], str]:
    """The absolute URL of every result's page, made while the request lasts."""
    found: list[tuple[PageKind, str]] = [("person", p.person.slug) for p in results.people]
    found += [("constituency", a.slug) for a in results.constituencies]
    found += [("council", a.slug) for a in results.councils]
    found += [("party", p.slug) for p in results.parties]
    return {key: url(*key) for key in found}


def constituency_detail(area: Area) -> str:
    if area.boundary_set == "2024":
        return "Westminster constituency"
    return "Westminster constituency before 2024 (boundaries of 2010–2024)"


def _person(result: PersonResult, url: str) -> Row:
    current = result.stance
    latest = max(current.evidence, key=lambda e: (e.date, e.source_url is not None), default=None)
    return {"kind": "person", "name": result.person.name, "url": url,
            "detail": " · ".join(p for p in (result.role, result.party) if p) or None,
            "stance": current.stance, "stance_label": current.label, "stance_conflict": current.conflict,
            "source_url": latest.source_url if latest else None,
            "source": latest.source if latest else None,
            "also_known_as": result.also_known_as}


def _results(d: SearchData) -> Iterable[Row]:
    found = d.results
    for p in found.people:
        yield _person(p, d.urls["person", p.person.slug])
    for a in found.constituencies:
        yield {"kind": "constituency", "name": a.name, "detail": constituency_detail(a),
               "url": d.urls["constituency", a.slug]}
    for a in found.councils:
        yield {"kind": "council", "name": a.name, "detail": "Council", "url": d.urls["council", a.slug]}
    for party in found.parties:
        yield {"kind": "party", "name": party.name, "detail": party.short_name,
               "url": d.urls["party", party.slug]}


SEARCH = PageTables[SearchData]("search", "/search?q=<text>", (
    ExportTable("results", "Search results, best first within each kind (person, constituency, council, "
                           "party).",
                cols(Column("kind", "string", "What was "
                                              "found.", ("person", "constituency", "council", "party")),
                     Column("name", "string", "Its name (a person's display name)."),
                     Column("url", "url", "Its page on this site."),
                     Column("detail", "string", "A person's current seat or latest candidacy and party, or "
                                                "what kind of place or party it is."),
                     COMMON["stance"].but(description="For a person, their current stance on the topic (a "
                                                      "key of its scale)."),
                     COMMON["stance_label"].but(description="For a person, their current stance in words."),
                     Column("stance_conflict", "boolean", "For a person, whether the latest evidence "
                                                          "disagrees."),
                     COMMON["source_url"].but(description="For a person, the web address of the source of "
                                                          "the latest evidence for the stance (empty when "
                                                          "none, or when the source has no web address)."),
                     COMMON["source"].but(description="The name of that source."),
                     Column("also_known_as", "string", "For a person found by another name a source used for "
                            "them (not their display name), that name.")),
                _results),
))
