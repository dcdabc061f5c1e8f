"""The dump's ``datapackage.json``: a Frictionless Data Package describing every file.

Each resource is one table's CSV with its Table Schema (fields with types and
descriptions, allowed values as ``enum`` constraints, the primary key, foreign keys,
``missingValues: [""]``). The package names its licences and sources. ``created`` is
when the data last changed (the newest public change set's commit), not when the file
was written: the same data gives the same package, byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.dataset.cells import moment_text
from tracker.dataset.export import db_table
from tracker.dataset.tables import RAW_CELLS, RAW_CELLS_SHORT, TABLES, DumpTable

NAME = "ceasefire-tracker"
FILENAME = "datapackage.json"
PROFILE = "tabular-data-package"
RECORDS_BEGAN = "recordsBegan"

LICENSES = (
    {"name": "OPL-3.0", "title": "Open Parliament Licence v3.0",
     "path": "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/"},
    {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
     "path": "https://creativecommons.org/licenses/by/4.0/"},
    {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
     "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
)


@dataclass(frozen=True)
class Source:
    """Where data comes from, under which licence, and the credit it asks for: the package's
    ``sources`` and the licences section of the /downloads page are both made from these."""

    title: str  # as the package's sources list it
    path: str  # "{site}" stands for the site's address
    name: str  # who, in a few words
    covers: str  # what of the data comes from it
    licence: str | None  # the name of one of LICENSES, or None when it is not one of them
    terms: str  # the licence in words when it is not one of LICENSES, else any remark on it
    credit: str  # the attribution to give with the data

    def entry(self, site: str) -> dict[str, str]:
        return {"title": self.title, "path": self.path.replace("{site}", site)}


OWN_RECORDS_TERMS = ("No licence is stated yet: the repository has no LICENSE file and its README gives "
                     "no licence for the data; pyproject.toml declares the site's software "
                     "AGPL-3.0-or-later, a licence for code, not data.")

SOURCE_LIST = (
    Source("UK Parliament: Commons Votes, early day motions, Members' data, Hansard and House of "
           "Commons Library election results (Open Parliament Licence v3.0)",
           "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/",
           "UK Parliament",
           "Commons divisions and every member's vote, early day motions and their signatures, members "
           "and their parties, the text of motions (Hansard) and the 2024 general election results (House "
           "of Commons Library).",
           "OPL-3.0", "",
           "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."),
    Source("Democracy Club: candidates of the 2024 general election (CC-BY, via Open Innovations)",
           "https://democracyclub.org.uk/",
           "Democracy Club",
           "The candidates of the 2024 general election, with their Democracy Club ids.",
           None, "CC-BY: Open Innovations, which passed the data on, records the licence as CC-BY "
                 "(“cc-by-20”); check Democracy Club's current terms before reuse.",
           "Candidate data from Democracy Club (democracyclub.org.uk), via Open Innovations."),
    Source("mySociety and TheyWorkForYou: politician_data, uk_local_authority_names_and_codes, "
           "parl-motion-detector (CC-BY-4.0)",
           "https://www.mysociety.org/",
           "mySociety and TheyWorkForYou",
           "MPs and their memberships since 2019 (politician_data, as used by TheyWorkForYou), the "
           "names and codes of local authorities, and the motions and decisions of the ceasefire debates "
           "(parl-motion-detector).",
           "CC-BY-4.0", "",
           "Contains data from mySociety and TheyWorkForYou, licensed under CC-BY-4.0."),
    Source("Office for National Statistics GSS codes, and postcodes.io for postcode look-ups "
           "(Open Government Licence v3.0)",
           "https://postcodes.io/",
           "ONS, and postcodes.io",
           "The GSS codes of constituencies and councils (ONS), and the constituency of a postcode typed "
           "into the search (looked up at postcodes.io, built on ONS and Ordnance Survey data; the "
           "look-ups themselves are not in the downloads).",
           "OGL-UK-3.0", "Postcodes in Northern Ireland (BT...) are under the ONSPD licence instead.",
           "Contains public sector information licensed under the Open Government Licence v3.0. "
           "Contains OS data © Crown copyright and database right. Contains Royal Mail data © Royal Mail "
           "copyright and database right. Contains National Statistics data © Crown copyright and "
           "database right."),
    Source("Open Innovations: constituency lookups and lists", "https://open-innovations.org/",
           "Open Innovations",
           "Which councils overlap which constituencies, and by how much; lists of constituencies.",
           None, "Its repositories have no licence file; the codes in them are ONS's, under the Open "
                 "Government Licence v3.0.",
           "Lookups from Open Innovations (open-innovations.org)."),
    Source("The ceasefire tracker's own records: summaries of news reports (each row cites its "
           "source), campaign pledges, moderated submissions, right of reply, the change history and "
           "the stance read model (no licence stated yet)",
           "{site}/methodology",
           "The ceasefire tracker",
           "Summaries of news reports and statements (each row cites its source), campaign pledges, "
           "moderated submissions, right of reply, the change history, and the stances the site works "
           "out from all of it.",
           None, OWN_RECORDS_TERMS,
           "Ceasefire tracker (cite it as below)."),
)
DESCRIPTION = (
    "Every public table of the ceasefire tracker: people, places, parties, seats, elections, "
    "divisions and votes, early day motions, evidence of stances with their sources, the change "
    "history, and the stances the site shows. One CSV per table (UTF-8, a header row, rows ordered by "
    "primary key; an empty cell is null; booleans true/false; dates YYYY-MM-DD; times ISO 8601 in "
    "UTC; JSON columns compact with sorted keys). Load it into a database with `tracker import dump "
    "DIR`. " + RAW_CELLS + " Licences: each row's source says where it comes from; Parliament's data "
    "is under the Open Parliament Licence v3.0, ONS codes under the Open Government Licence v3.0, "
    "mySociety's and Democracy Club's under CC-BY; no licence is stated yet for the tracker's own "
    "records."
)

_FIELD_TYPES = {"string": "string", "url": "string", "integer": "integer", "number": "number",
                "boolean": "boolean", "date": "date", "datetime": "datetime"}


def field(table: DumpTable, column_name: str, required: bool) -> dict[str, Any]:
    column = table.column(column_name)
    out: dict[str, Any] = {"name": column.name,
                           "type": table.json.get(column.name) or _FIELD_TYPES[column.type],
                           "description": column.description}
    if column.type == "url":
        out["format"] = "uri"
    if column.type == "boolean":
        out["trueValues"] = ["true"]
        out["falseValues"] = ["false"]
    if column.example is not None:
        out["example"] = column.example
    constraints: dict[str, Any] = {}
    if required:
        constraints["required"] = True
    if column.values is not None and column.type != "boolean":
        constraints["enum"] = list(column.values)
    if constraints:
        out["constraints"] = constraints
    return out


def schema(table: DumpTable, required: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {
        "fields": [field(table, name, name in required) for name in table.column_names],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
        "foreignKeys": [{"fields": fk.column,
                         "reference": {"resource": "" if fk.table == table.name else fk.table,
                                       "fields": fk.target}}
                        for fk in table.foreign_keys],
    }


def resource(table: DumpTable, required: frozenset[str] = frozenset()) -> dict[str, Any]:
    description = table.description
    if table.rows != "every row":
        description += f" Rows: {table.rows}."
    description += " " + RAW_CELLS_SHORT
    return {"name": table.name, "path": table.filename, "profile": "tabular-data-resource",
            "title": table.name.replace("_", " "), "description": description, "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "lineTerminator": "\r\n",
                        "header": True},
            "schema": schema(table, required)}


def required_columns(table: DumpTable) -> frozenset[str]:
    """Columns never null in the database, whose type cannot hold an empty text (an empty
    string would be read back as null: a required text column could not say it)."""
    t = db_table(table.name)
    return frozenset(c.name for c in t.columns if not c.nullable and c.name in table.column_names
                     and table.column(c.name).type not in ("string", "url"))


def package(created: datetime | None, site_url: str, records_began: datetime | None = None
            ) -> dict[str, Any]:
    """``site_url``: the site's address (SITE_URL), for links to its pages; ``records_began``:
    when the site's records began (kept as ``recordsBegan``, read back by the import)."""
    site = site_url.rstrip("/")
    out: dict[str, Any] = {
        "profile": PROFILE, "name": NAME, "title": "Ceasefire tracker: the full data",
        "description": DESCRIPTION, "homepage": site + "/",
        "licenses": [dict(entry) for entry in LICENSES],
        "sources": [source.entry(site) for source in SOURCE_LIST],
    }
    if created is not None:
        out["created"] = moment_text(created)
    if records_began is not None:
        out[RECORDS_BEGAN] = moment_text(records_began)
    out["resources"] = [resource(t, required_columns(t)) for t in TABLES]
    return out


def package_bytes(created: datetime | None, site_url: str, records_began: datetime | None = None) -> bytes:
    return (json.dumps(package(created, site_url, records_began), ensure_ascii=False, indent=1)
            + "\n").encode()
