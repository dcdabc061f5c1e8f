"""The coverage page's table (/coverage): who has no recorded stance on a topic, and where."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.exports.columns import COMMON, cols
from tracker.exports.schema import Column, ExportTable, PageTables, Row
from tracker.queries.unrecorded import Unrecorded


@dataclass(frozen=True)
class CoverageData:
    topic: str  # slug
    rows: Sequence[Unrecorded]  # the page's whole list, filters applied, in its order


def _people(d: CoverageData) -> Iterable[Row]:
    for r in d.rows:
        place = r.constituency
        yield {"topic": d.topic, "person": r.slug, "name": r.name,
               "sitting_mp": "sitting_mps" in r.roles, "ge2024_candidate": "ge2024_candidates" in r.roles,
               "councillor": "councillors" in r.roles,
               "party": r.party.name if r.party else None, "party_slug": r.party.slug if r.party else None,
               "constituency": place.name if place else None,
               "constituency_slug": place.slug if place else None,
               "constituency_gss_code": place.gss_code if place else None,
               "councils": " ".join(c.slug for c in r.councils) or None,
               "region": r.region, "electorate": r.reach}


ELECTORATE = ("Reach: the registered electorate of the constituency at the 2024 general election (House "
              "of Commons Library results), the voters an MP or a candidate there answers to. The list is "
              "sorted by it, largest first. Empty for a councillor who is neither an MP nor a candidate: we "
              "hold no electorate or population figure for councils or wards.")

COVERAGE = PageTables[CoverageData]("coverage", "/coverage", (
    ExportTable("people", "Everyone among the sitting MPs, the candidates at the 2024 general election and "
                          "the councillors in our data who has no recorded stance on the topic (no vote, "
                          "pledge, statement or signature of theirs that shows a position), one row per "
                          "person, narrowed by the page's filters (role, region, council, party), largest "
                          "electorate first.",
                cols("topic", "person", "name",
                     Column("sitting_mp", "boolean", "Whether the person holds a House of Commons seat "
                                                     "today."),
                     Column("ge2024_candidate", "boolean", "Whether the person stood at the 2024 general "
                                                           "election."),
                     Column("councillor", "boolean", "Whether the person holds a council seat today (only "
                                                     "councillors in our data, not every councillor)."),
                     COMMON["party"].but(description="The person's party today: their open party membership, "
                                                     "else the party of their seat or of their 2024 "
                                                     "candidacy."),
                     COMMON["party_slug"],
                     COMMON["constituency"].but(description="The constituency (2024 boundaries) of the "
                                                            "person's Commons seat, else of their 2024 "
                                                            "candidacy; empty for a councillor who is "
                                                            "neither."),
                     COMMON["constituency_slug"],
                     COMMON["gss_code"].but(name="constituency_gss_code",
                                            description="The constituency's GSS code (Office for National "
                                                        "Statistics)."),
                     Column("councils", "string", "The councils the person sits on today: their slugs, the "
                                                  "last part of the address of each council's page "
                                                  "(/councils/<slug>), separated by spaces."),
                     Column("region", "string", "The region of the constituency, else of the council: one of "
                                                "England's nine regions, or Scotland, Wales or Northern "
                                                "Ireland."),
                     Column("electorate", "integer", ELECTORATE)),
                _people),
))
