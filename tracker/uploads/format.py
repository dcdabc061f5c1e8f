"""The documented format of an uploaded list: every column, declared once.

Two kinds of list share most columns:

- a **campaign** list (uploaded for one pledge campaign): who signed or declined the
  campaign's pledge (column ``answer``);
- an **evidence** list (no campaign): statements and the like, each with its ``kind`` and
  ``stance`` on the topic's scale.

The upload page's documentation, the parser's checks and the downloadable templates (CSV
and XLSX) are all made from :data:`COLUMNS`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font

from tracker.stance import Scale

ListKind = Literal["campaign", "evidence"]
CAMPAIGN: ListKind = "campaign"
EVIDENCE: ListKind = "evidence"
LIST_KINDS: tuple[ListKind, ...] = (CAMPAIGN, EVIDENCE)

ANSWERS = ("signed", "declined")
# Kinds an evidence list may carry. A refusal belongs to a campaign ("declined" in its list),
# and votes are never uploaded: they come from the division records.
EVIDENCE_KINDS = ("statement", "pledge", "edm", "party_switch", "report", "other")


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    example: str  # the template's example row ("" leaves the cell empty)
    required: tuple[ListKind, ...] = ()  # lists in which every row must fill it
    lists: tuple[ListKind, ...] = LIST_KINDS  # lists in which it may appear
    max_length: int | None = None
    identifies: bool = False  # one of the ways to name the person (an id, or the name)
    evidence_example: str | None = None  # the example in an evidence list, when it differs


COLUMNS: tuple[Column, ...] = (
    Column("person", "The person's address on this site: the last part of their page's URL "
           "(/people/rosena-allin-khan).", "rosena-allin-khan", max_length=150, identifies=True),
    Column("parliament_id", "Their UK Parliament member id (members.parliament.uk/member/4573).",
           "4573", max_length=12, identifies=True),
    Column("democracy_club_id", "Their Democracy Club candidate id "
           "(candidates.democracyclub.org.uk/person/34186).", "", max_length=12, identifies=True),
    Column("twfy_id", "Their TheyWorkForYou person id (theyworkforyou.com/mp/25579).", "",
           max_length=12, identifies=True),
    Column("wikidata_id", "Their Wikidata item: Q followed by digits.", "", max_length=20,
           identifies=True),
    Column("name", "Their name as the list gives it. Titles (Dr, Cllr, MP) and spelling slips "
           "are allowed; every other name we hold for them is searched too.", "Rosena Allin-Khan",
           max_length=200, identifies=True),
    Column("constituency", "The constituency (or council) they sit for or stood in, by name or "
           "by its address on this site: it tells apart people with the same name.", "Tooting",
           max_length=200),
    Column("answer", "signed or declined: their answer to the campaign's pledge.", "signed",
           required=(CAMPAIGN,), lists=(CAMPAIGN,)),
    Column("kind", f"What the evidence is: {', '.join(EVIDENCE_KINDS)}.", "statement",
           required=(EVIDENCE,), lists=(EVIDENCE,)),
    Column("stance", "The stance it shows: one of the topic's stances (listed below).", "ceasefire",
           required=(EVIDENCE,), lists=(EVIDENCE,)),
    Column("date", "The day they said, signed or declined it: YYYY-MM-DD, or DD/MM/YYYY (day "
           "first) as spreadsheets write it.", "2024-06-14", required=LIST_KINDS),
    Column("source_url", "Where it can be checked: an http or https address.",
           "https://example.org/replace-with-the-source-address", required=LIST_KINDS, max_length=1000),
    Column("publisher", "Who published the source (a campaign, a newspaper).", "", max_length=200),
    Column("summary", "What they said or did, in a sentence (for a campaign list, optional).",
           "", required=(EVIDENCE,), max_length=2000,
           evidence_example="Replace with what they said or did, in one sentence."),
    Column("quote", "Their own words, where the source quotes them.", "", max_length=5000),
)

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
ID_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.identifies and c.name != "name")
# The template's example row points here; the parser refuses it, so the row cannot be
# uploaded by mistake.
EXAMPLE_HOSTS = frozenset({"example.org", "example.com", "example.net"})


def columns_for(kind: ListKind) -> tuple[Column, ...]:
    """The columns a list of this kind may have, in the documented order."""
    return tuple(c for c in COLUMNS if kind in c.lists)


def stance_keys(scale: Scale) -> list[str]:
    """The stances evidence may show: every key of the scale but its default (no stance)."""
    return [level.key for level in scale if level.key != scale.default]


def example_for(column: Column, kind: ListKind, scale: Scale | None) -> str:
    if column.name == "stance" and scale is not None and column.example not in stance_keys(scale):
        return next(iter(stance_keys(scale)), "")
    if kind == EVIDENCE and column.evidence_example is not None:
        return column.evidence_example
    return column.example


def template_rows(kind: ListKind, scale: Scale | None = None) -> list[list[str]]:
    """The header and one example row (whose source address the parser refuses)."""
    columns = columns_for(kind)
    return [[c.name for c in columns], [example_for(c, kind, scale) for c in columns]]


def template_csv(kind: ListKind, scale: Scale | None = None) -> bytes:
    """The template as UTF-8 CSV with a byte-order mark (so Excel reads the accents)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(template_rows(kind, scale))
    return buffer.getvalue().encode("utf-8-sig")


def documentation(kind: ListKind, scale: Scale | None = None) -> list[dict[str, str]]:
    """One row per column (name, required, meaning, example), as the page and the XLSX show it."""
    out = []
    for column in columns_for(kind):
        if kind in column.required:
            required = "yes"
        elif column.identifies:
            required = "one of the ids, or the name"
        else:
            required = "no"
        out.append({"name": column.name, "required": required, "meaning": column.meaning,
                    "example": example_for(column, kind, scale)})
    return out


def allowed_values(kind: ListKind, scale: Scale | None = None) -> dict[str, list[str]]:
    """The closed lists of values, by column."""
    if kind == CAMPAIGN:
        return {"answer": list(ANSWERS)}
    values: dict[str, list[str]] = {"kind": list(EVIDENCE_KINDS)}
    if scale is not None:
        values["stance"] = stance_keys(scale)
    return values


def template_xlsx(kind: ListKind, scale: Scale | None = None) -> bytes:
    """The template as a workbook: the list (every cell formatted as text, so ids keep their
    digits and dates stay as typed) on the first sheet, the columns explained on the second."""
    book = Workbook()
    sheet = book.active
    sheet.title = "List"
    for row in template_rows(kind, scale):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column_cells in sheet.iter_cols(min_row=1, max_row=500):
        for cell in column_cells:
            cell.number_format = "@"
    notes = book.create_sheet("Columns")
    notes.append(["column", "required", "meaning", "example"])
    for doc in documentation(kind, scale):
        notes.append([doc["name"], doc["required"], doc["meaning"], doc["example"]])
    for column, values in allowed_values(kind, scale).items():
        notes.append([column, "", "allowed values: " + ", ".join(values), ""])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
