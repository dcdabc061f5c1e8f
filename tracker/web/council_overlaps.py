"""The council-constituency tables of the constituency and council pages (and their twins)."""

from __future__ import annotations

from tracker.models import Area
from tracker.queries.councils import Overlap, Tiers, council_type_name
from tracker.web.twins import Table

_TEXT = frozenset({"name", "basis", "type"})


def constituency_councils_table(area: Area, councils: list[Overlap]) -> Table:
    rows = [{"council": o.area.slug, "name": o.area.name, "type": council_type_name(o.area),
             "gss_code": o.area.gss_code, "share": o.share, "through_districts": o.through_districts,
             "basis": o.basis} for o in councils]
    return Table(
        "councils", ("council", "name", "type", "gss_code", "share", "through_districts", "basis"),
        rows, f"Councils overlapping {area.name}, largest share first: share is the fraction "
              "(0-1) of the council that lies in this constituency; a county council covers it "
              "through its districts and has no share.", _TEXT)


def council_constituencies_table(area: Area, constituencies: list[Overlap]) -> Table:
    rows = [{"constituency": o.area.slug, "name": o.area.name, "gss_code": o.area.gss_code,
             "share": o.share, "through_districts": o.through_districts, "basis": o.basis}
            for o in constituencies]
    return Table(
        "constituencies", ("constituency", "name", "gss_code", "share", "through_districts", "basis"),
        rows, f"The 2024 constituencies {area.name} overlaps, largest share first: share is the "
              "fraction (0-1) of the council in each; a county council's come through its districts.",
        _TEXT)


def council_tiers_table(area: Area, tiers: Tiers) -> Table:
    rows = [{"relation": "county", "council": a.slug, "name": a.name, "type": council_type_name(a),
             "gss_code": a.gss_code, "valid_to": a.valid_to} for a in filter(None, [tiers.county])]
    rows += [{"relation": "district", "council": a.slug, "name": a.name, "type": council_type_name(a),
              "gss_code": a.gss_code, "valid_to": a.valid_to} for a in tiers.districts]
    return Table(
        "related_councils", ("relation", "council", "name", "type", "gss_code", "valid_to"), rows,
        f"The county council {area.name} sits in, or the district councils within it "
        "(valid_to is set for a former council).", _TEXT)
