"""Councils and the constituencies they overlap (``AreaOverlap``), and a council's county
or districts. Each function runs one SQL statement, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, select

from tracker.models import Area, AreaOverlap

COUNCIL = "council"
# Plain names for the register's local-authority-type codes (its own names are more formal).
COUNCIL_TYPES = {
    "CC": "City corporation", "COMB": "Combined authority", "CTY": "County council",
    "LBO": "London borough", "MD": "Metropolitan district", "NID": "Northern Ireland district",
    "NMD": "District council", "SCO": "Scottish council", "SRA": "Strategic regional authority",
    "UA": "Unitary authority", "WPA": "Welsh council",
}


@dataclass(frozen=True)
class Overlap:
    """One side of a council-constituency overlap: ``area`` is the other side."""

    area: Area
    share: float | None  # the fraction of the council in the constituency; None if unknown
    basis: str

    @property
    def through_districts(self) -> bool:
        return self.share is None

    @property
    def percent(self) -> str:
        """The share as a page shows it: '61.5%' ('' when not known)."""
        return share_percent(self.share)


def council_type_name(area: Area) -> str | None:
    return COUNCIL_TYPES.get(area.council_type or "", area.council_type)


def share_percent(share: float | None) -> str:
    """0.615 -> '61.5%'; 1 -> '100%'. The lookup gives three decimal places, so one decimal
    place of a percentage says what it knows and no more."""
    if share is None:
        return ""
    text = f"{share * 100:.1f}"
    return (text.removesuffix(".0") if text.endswith(".0") else text) + "%"


def _largest_first(overlaps: list[Overlap]) -> list[Overlap]:
    """Known shares, largest first; then those with no share (counties), by name."""
    return sorted(overlaps, key=lambda o: (o.share is None, -(o.share or 0), o.area.name))


def councils_for_constituency(session: Session, constituency: Area) -> list[Overlap]:
    """The councils that overlap a constituency, largest share first, counties after (one query)."""
    rows = session.exec(
        select(AreaOverlap, Area).join(Area, Area.id == AreaOverlap.area_id)  # type: ignore[arg-type]
        .where(AreaOverlap.overlaps_id == constituency.id, Area.kind == COUNCIL)).all()
    return _largest_first([Overlap(area, o.share, o.basis) for o, area in rows])


def constituencies_for_council(session: Session, council: Area) -> list[Overlap]:
    """The constituencies a council overlaps, largest share first (one query)."""
    rows = session.exec(
        select(AreaOverlap, Area).join(Area, Area.id == AreaOverlap.overlaps_id)  # type: ignore[arg-type]
        .where(AreaOverlap.area_id == council.id)).all()
    return _largest_first([Overlap(area, o.share, o.basis) for o, area in rows])


@dataclass(frozen=True)
class Tiers:
    """A district's county council, or a county's district councils."""

    county: Area | None
    districts: list[Area]


def council_tiers(session: Session, council: Area) -> Tiers:
    """The council's county (its parent) and its districts (its children), in one query."""
    rows = session.exec(select(Area).where(Area.kind == COUNCIL, or_(
        Area.id == (council.parent_id or -1), Area.parent_id == council.id))).all()
    county = next((a for a in rows if a.id == council.parent_id), None)
    districts = sorted((a for a in rows if a.parent_id == council.id),
                       key=lambda a: (a.valid_to is not None, a.name))
    return Tiers(county, districts)
