"""Early day motions as the importer reads them: from the shared signatures CSV or
from the EDM API (``oralquestionsandmotions-api.parliament.uk``).

Both give the same ``Motion`` (one per motion, with its signers), checked as a
whole before anything is written: a bad value names its file, line and column
(or JSON path).

The API's ``GET /EarlyDayMotion/{id}`` answers ``{"Response": {...}}`` with the
motion's ``Id``, ``UIN`` (its number in the session), ``Title``, ``DateTabled``,
``MemberId`` and ``PrimarySponsor`` (the tabling member), and ``Sponsors``: every
signature, each with ``MemberId``, ``Member`` (``MnisId``, ``Name``, ``ListAs``...),
``SponsoringOrder``, ``IsWithdrawn`` and ``WithdrawnDate``. Order 1 is the
tabling member; orders 2 to 6 are the other sponsors (a motion has at most six);
other signatures have no order (or the API's placeholder 99999). ``CreatedWhen``
(when a signature was added) is not read: the schema holds no signature date,
and the shared CSV has none, so every signature is dated "on or after tabling".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.importers.base import ImportFileError, Row, read_csv
from tracker.importers.http import JsonNode

EDM_PAGE = "https://edm.parliament.uk/early-day-motion/{}"
CSV_COLUMNS = ("edm_id", "edm_url", "date_tabled", "title", "primary_sponsor", "member_id",
               "member_name", "is_primary_sponsor", "is_cosponsor", "withdrawn_date")
# Must be the same on every row of one motion.
MOTION_COLUMNS = ("edm_url", "date_tabled", "title", "primary_sponsor")
MAX_SPONSORS = 6


@dataclass(frozen=True)
class Signer:
    member_id: int
    name: str
    list_as: str | None
    primary: bool
    cosponsor: bool
    withdrawn_on: date | None
    where: str  # "line 12" or "$.Response.Sponsors[3]", for messages


@dataclass(frozen=True)
class Motion:
    edm_id: int
    title: str
    tabled_on: date
    url: str
    primary_sponsor: str | None  # the name as the source prints it
    signers: tuple[Signer, ...]
    number: int | None = None
    source_note: str | None = None

    @property
    def primary(self) -> Signer | None:
        return next((s for s in self.signers if s.primary), None)


# -- the shared CSV ----------------------------------------------------------------------

def _flag(row: Row, column: str) -> bool:
    value = row.required(column)
    if value not in ("0", "1"):
        raise row.error(column, f"{value!r} is not 0 or 1")
    return value == "1"


def _positive(row: Row, column: str) -> int:
    value = row.integer(column, required=True)
    if value is None or value <= 0:
        raise row.error(column, f"{value!r} is not a positive id")
    return value


def _signer(row: Row, tabled_on: date) -> Signer:
    primary, cosponsor = _flag(row, "is_primary_sponsor"), _flag(row, "is_cosponsor")
    if primary and cosponsor:
        raise row.error("is_cosponsor", "a primary sponsor is not also a co-sponsor")
    withdrawn_on = row.day("withdrawn_date")
    if withdrawn_on is not None and withdrawn_on < tabled_on:
        raise row.error("withdrawn_date", f"{withdrawn_on} is before the motion was tabled "
                                          f"({tabled_on})")
    return Signer(member_id=_positive(row, "member_id"), name=row.required("member_name"),
                  list_as=None, primary=primary, cosponsor=cosponsor,
                  withdrawn_on=withdrawn_on, where=f"line {row.line}")


def read_signatures_csv(path: Path) -> list[Motion]:
    """Every motion of an ``edm_signatures`` CSV, the whole file checked first."""
    rows = read_csv(path, CSV_COLUMNS)
    if not rows:
        raise ImportFileError(path, "holds no signatures", line=2)
    by_motion: dict[int, list[tuple[Row, Signer]]] = defaultdict(list)
    for row in rows:
        edm_id = _positive(row, "edm_id")
        row.url("edm_url")
        row.required("title")
        row.required("primary_sponsor")
        tabled_on = row.day("date_tabled", required=True)
        assert tabled_on is not None
        by_motion[edm_id].append((row, _signer(row, tabled_on)))
    return [_csv_motion(edm_id, signed) for edm_id, signed in by_motion.items()]


def _csv_motion(edm_id: int, signed: list[tuple[Row, Signer]]) -> Motion:
    first = signed[0][0]
    seen: dict[int, Row] = {}
    primary: Row | None = None
    for row, signer in signed:
        for column in MOTION_COLUMNS:
            if row.values[column].strip() != first.values[column].strip():
                raise row.error(column, f"motion {edm_id} has {row.values[column]!r} here but "
                                        f"{first.values[column]!r} on line {first.line}")
        if signer.member_id in seen:
            raise row.error("member_id", f"member {signer.member_id} is listed again on motion "
                                         f"{edm_id} (already on line {seen[signer.member_id].line})")
        seen[signer.member_id] = row
        if signer.primary:
            if primary is not None:
                raise row.error("is_primary_sponsor", f"motion {edm_id} already has a primary "
                                                      f"sponsor on line {primary.line}")
            primary = row
    return Motion(edm_id=edm_id, title=first.required("title"),
                  tabled_on=first.day("date_tabled", required=True) or date.min,
                  url=first.url("edm_url"), primary_sponsor=first.required("primary_sponsor"),
                  signers=tuple(s for _row, s in signed), source_note=_csv_source_note(first))


def _csv_source_note(row: Row) -> str | None:
    """Where the file says its signer lists come from."""
    repo = row.text("source_repo")
    if repo is None:
        return None
    note = f"Signers as cached in {repo}"
    if path := row.text("source_path"):
        note += f" {path}"
    if commit := row.text("source_commit"):
        note += f" at commit {commit[:12]}"
    if (row.text("double_checked") or "").lower() == "yes":
        note += "; transcribed twice and compared"
    return note


# -- the EDM API ---------------------------------------------------------------------------

def parse_api_motion(document: JsonNode) -> Motion:
    """A motion from a ``GET /EarlyDayMotion/{id}`` answer (its ``Response`` object)."""
    node = document.get("Response") if document.has("Response") else document
    assert node is not None
    edm_id = node.integer("Id") or 0
    if edm_id <= 0:
        raise node.error(f"has Id {edm_id}, not a motion id")
    primary_id = node.integer("MemberId", required=False)
    sponsor = node.get("PrimarySponsor", required=False)
    if primary_id is None and sponsor is not None:
        primary_id = sponsor.integer("MnisId", required=False)
    tabled_on = node.day("DateTabled") or date.min
    signers: list[Signer] = []
    seen: dict[int, int] = {}
    for item in node.items("Sponsors"):
        signer = _api_signer(item, primary_id, tabled_on)
        if signer.member_id in seen:
            index = seen[signer.member_id]
            signers[index] = _merge(signers[index], signer)
            continue
        seen[signer.member_id] = len(signers)
        signers.append(signer)
    if sum(1 for s in signers if s.primary) > 1:
        raise node.error("names more than one primary sponsor (SponsoringOrder 1)")
    return Motion(edm_id=edm_id, title=node.text("Title") or "", tabled_on=tabled_on,
                  url=EDM_PAGE.format(edm_id),
                  primary_sponsor=sponsor.text("Name", required=False) if sponsor else None,
                  signers=tuple(signers), number=node.integer("UIN", required=False))


def _merge(first: Signer, second: Signer) -> Signer:
    """One member listed twice (a signature withdrawn, then signed again): a live
    signature stands; if both were withdrawn, the later withdrawal does."""
    live = [s for s in (first, second) if s.withdrawn_on is None]
    kept = live[0] if live else max(first, second, key=lambda s: s.withdrawn_on or date.min)
    return Signer(member_id=kept.member_id, name=kept.name, list_as=kept.list_as,
                  primary=first.primary or second.primary,
                  cosponsor=(first.cosponsor or second.cosponsor)
                  and not (first.primary or second.primary),
                  withdrawn_on=kept.withdrawn_on, where=kept.where)


def _api_signer(item: JsonNode, primary_id: int | None, tabled_on: date) -> Signer:
    member = item.get("Member", required=False)
    member_id = item.integer("MemberId", required=False)
    if member_id is None and member is not None:
        member_id = member.integer("MnisId", required=False)
    if member_id is None:
        raise item.error("gives neither MemberId nor Member.MnisId")
    order = item.integer("SponsoringOrder", required=False)
    withdrawn = item.get("IsWithdrawn", required=False)
    if withdrawn is not None and not isinstance(withdrawn.value, bool):
        raise withdrawn.error(f"is not true or false: {withdrawn.value!r}")
    withdrawn_on = item.day("WithdrawnDate", required=False)
    if withdrawn is not None and withdrawn.value and withdrawn_on is None:
        raise item.error("is withdrawn but gives no WithdrawnDate")
    if withdrawn_on is not None and withdrawn_on < tabled_on:
        raise item.error(f"was withdrawn on {withdrawn_on}, before the motion was tabled")
    name = (member.text("Name", required=False) if member else None) or f"Member {member_id}"
    primary = order == 1 or (primary_id is not None and member_id == primary_id)
    return Signer(member_id=member_id, name=name,
                  list_as=member.text("ListAs", required=False) if member else None,
                  primary=primary,
                  cosponsor=not primary and order is not None and 2 <= order <= MAX_SPONSORS,
                  withdrawn_on=withdrawn_on if (withdrawn is None or withdrawn.value) else None,
                  where=item.path)
