"""The data dump's tables: every public table of the database, declared once.

Each :class:`DumpTable` is one database table as the dump gives it: a description for
journalists, its columns (name, type, description, allowed values, an example), its
primary key and its foreign keys to other dump tables, and what is left out: columns
that are private (who submitted or reviewed something: user ids) and rows that are not
public (evidence and replies not approved, revisions only moderators see, change sets
with nothing public). ``tests/test_dump.py`` checks these declarations against the
models, so a column added to a model must be declared here or listed as private.

The dump's cells are the stored values, not the pages' wording: a text cell that a
spreadsheet would run as a formula is left as it is (the dump is data for loading
back), unlike the page twins, which defuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tracker.config import DATA_DIR
from tracker.exports.schema import Column
from tracker.models import (
    AREA_KINDS,
    BODY_KINDS,
    DECISION_OUTCOMES,
    ELECTION_KINDS,
    EVIDENCE_KINDS,
    REVISION_ACTIONS,
    VOTE_POSITIONS,
    WHIP_POSITIONS,
)
from tracker.stance import load_topic

JsonKind = Literal["object", "array"]

RAW_CELLS = ("Text cells are given exactly as stored: unlike the CSV of a page, a cell that starts with "
             "=, +, -, @, a tab or a carriage return is not prefixed with an apostrophe, so check such "
             "cells before opening the file in a spreadsheet.")
RAW_CELLS_SHORT = "Cells are as stored: text that looks like a spreadsheet formula is not defused."


def _scale_keys() -> tuple[str, ...]:
    """Every stance key of every topic's scale (``data/topics``), topic by topic, each once."""
    keys: dict[str, None] = {}
    for path in sorted((DATA_DIR / "topics").glob("*.toml")):
        keys.update(dict.fromkeys(load_topic(path.stem).keys()))
    return tuple(keys)


STANCE_KEYS = _scale_keys()
STANCE_WORDS = ("a stance key of the topic's scale (the keys and what they mean are on "
                "/methodology?topic=<slug>)")
CONTRADICTION_KINDS = ("voted_against", "did_not_vote")


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str  # another dump table (or this one)
    target: str = "id"


@dataclass(frozen=True)
class DumpTable:
    name: str  # the database table, and the file's name (``<name>.csv``)
    description: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    primary_key: tuple[str, ...] = ("id",)
    # Columns holding JSON (declared as ``string``): what each holds, an object or an array.
    json: Mapping[str, JsonKind] = field(default_factory=dict)
    # The model's columns the dump leaves out, each with the reason.
    private: Mapping[str, str] = field(default_factory=dict)
    # Which rows are in the dump, when not all of them.
    rows: str = "every row"

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: a column is declared twice: {names}")
        unknown = {*self.primary_key, *(fk.column for fk in self.foreign_keys), *self.json} - set(names)
        if unknown:
            raise ValueError(f"table {self.name}: keys name undeclared columns {sorted(unknown)}")
        if set(names) & set(self.private):
            both = sorted(set(names) & set(self.private))
            raise ValueError(f"table {self.name}: declared and private: {both}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def describe(self) -> dict[str, Any]:
        columns = []
        for c in self.columns:
            described = c.describe()
            if c.name in self.json:
                described["format"] = "json"
                described["json"] = self.json[c.name]
            columns.append(described)
        return {"name": self.name, "description": self.description, "rows": self.rows,
                "file": self.filename, "columns": columns, "primary_key": list(self.primary_key),
                "foreign_keys": [{"column": fk.column, "table": fk.table, "target": fk.target}
                                 for fk in self.foreign_keys],
                "private_columns": sorted(self.private)}


# -- shared columns -------------------------------------------------------------------------

def ID(what: str, example: str = "1") -> Column:  # noqa: N802
    return Column("id", "integer", f"The {what}'s number in this table (its primary key); other tables "
                                   "point at it by this number.", example=example)


def SOURCE(what: str = "row") -> Column:  # noqa: N802
    return Column("source_id", "integer", f"Where this {what} comes from: the id of a row of source.csv "
                                          "(empty when not recorded).", example="4")


def PERSON(what: str = "The person") -> Column:  # noqa: N802
    return Column("person_id", "integer", f"{what}: the id of a row of person.csv.", example="1")


def TOPIC(what: str = "The topic") -> Column:  # noqa: N802
    return Column("topic_id", "integer", f"{what}: the id of a row of topic.csv (ceasefire is 1).",
                  example="1")


def PARTY(what: str) -> Column:  # noqa: N802
    return Column("party_id", "integer", f"{what}: the id of a row of party.csv.", example="1")


def SLUG(path: str, example: str) -> Column:  # noqa: N802
    return Column("slug", "string", f"The last part of the address of its page on this site ({path}).",
                  example=example)


def fks(*pairs: tuple[str, str]) -> tuple[ForeignKey, ...]:
    return tuple(ForeignKey(column, table) for column, table in pairs)


USER_ID = "a user account's id: accounts are private"
NOT_SHOWN = "not shown on the site"


# -- the tables, in an order where every table comes after those it points at ------------------

SOURCE_TABLE = DumpTable(
    "source",
    "Every source the data cites: a web page, an article, a dataset file. Other tables point at "
    "these rows by source_id.",
    (ID("source"),
     Column("url", "url", "The source's web address (empty for a dataset known by its key only).",
            example="https://votes.parliament.uk/votes/commons/division/1666"),
     Column("publisher", "string", "Who published it.", example="UK Parliament (Commons Votes)"),
     Column("title", "string", "Its title.", example="Division 3: King's Speech Motion for an Address"),
     Column("published_on", "date", "The day it was published, where known.", example="2023-11-15"),
     Column("note", "string", "A note about the source (its licence, what part of it was used, how it "
                              "was read).", example="CC-BY-4.0. Party labels follow TheyWorkForYou."),
     Column("key", "string", "The name an importer knows this source by (a dataset file), when it has one.",
            example="dataset:councils/lookup_LAD24CD_PCON24CD.json")),
    rows="every source, except one cited only by submissions not (yet) approved",
)

TOPIC_TABLE = DumpTable(
    "topic",
    "The questions stances are about (a ceasefire in Gaza is the first). Each topic's scale of stances "
    "is data in data/topics/<slug>.toml and on /methodology?topic=<slug>.",
    (ID("topic"), SLUG("/methodology?topic=<slug>", "ceasefire"),
     Column("name", "string", "The topic's name.", example="Ceasefire in Gaza"),
     Column("question", "string", "The question the stances answer.",
            example="Does this person call for a ceasefire in Gaza?"),
     Column("scale_digest", "string", "A SHA-256 digest of the scale file the stances were built with "
                                      "(they are rebuilt when it changes).",
            example="fca22e65c17881c6f7a15ecc4049b1e1e0aeaced82f2d0d15cc2b80605415008")),
)

PARTY_TABLE = DumpTable(
    "party",
    "Political parties, with their identifiers in the Electoral Commission's register and UK "
    "Parliament's data.",
    (ID("party"), SLUG("/parties/<slug>", "labour"),
     Column("name", "string", "The party's name.", example="Labour"),
     Column("short_name", "string", "A short name or abbreviation.", example="Lab"),
     Column("colour", "string", "The colour the site draws the party in (#rrggbb).", example="#d50000"),
     Column("electoral_commission_id", "string", "The party's id in the Electoral Commission's register.",
            example="PP53"),
     Column("mnis_id", "integer", "The party's id in UK Parliament's Members' Names data.", example="15")),
)

AREA_TABLE = DumpTable(
    "area",
    "Places: Westminster constituencies (by boundary set), councils, wards and devolved constituencies.",
    (ID("area"), SLUG("/constituencies/<slug> or /councils/<slug>", "islington-north"),
     Column("name", "string", "The area's name.", example="Islington North"),
     Column("kind", "string", "What kind of area it is.", AREA_KINDS, example="westminster_constituency"),
     Column("gss_code", "string", "The area's GSS code (Office for National Statistics).",
            example="E14001305"),
     Column("boundary_set", "string", "For a constituency, the boundary set it belongs to.", example="2024"),
     Column("valid_from", "date", "The first day the area existed as described.", example="2024-07-04"),
     Column("valid_to", "date", "The last day it existed (empty: it still does).", example="2024-07-04"),
     Column("nation", "string", "England, Scotland, Wales or Northern Ireland.", example="England"),
     Column("region", "string", "The region (England) or nation.", example="London"),
     Column("electorate", "integer", "Registered electors, where known (constituencies: at the 2024 "
                                     "general election).", example="72852"),
     Column("parent_id", "integer", "A council's county council (two-tier areas), or a ward's council: "
                                    "the id of another row of this table.", example="1319"),
     Column("register_code", "string", "A council's code in mySociety's register of local authorities.",
            example="BDG"),
     Column("council_type", "string", "A council's type in that register (NMD, UA, CTY, LBO...).",
            example="LBO"),
     Column("alt_names", "string", "Other spellings of a council's name, one per line.",
            example="Argyll and Bute")),
    fks(("parent_id", "area")),
)

BODY_TABLE = DumpTable(
    "body",
    "Bodies people sit in: the House of Commons and councils.",
    (ID("body"), SLUG("/councils/<slug> for a council", "house-of-commons"),
     Column("name", "string", "The body's name.", example="House of Commons"),
     Column("kind", "string", "What kind of body it is.", BODY_KINDS, example="commons"),
     Column("area_id", "integer", "A council's area: the id of a row of area.csv.", example="1301")),
    fks(("area_id", "area")),
)

PERSON_TABLE = DumpTable(
    "person",
    "People: MPs, candidates and councillors, with their identifiers in other datasets. Every other "
    "spelling of a name is in person_name.csv.",
    (ID("person"),
     Column("name", "string", "The display name (the latest official spelling).", example="Stephen Kinnock"),
     Column("sort_name", "string", "The name as sorted: surname first.", example="Kinnock, Stephen"),
     SLUG("/people/<slug>", "stephen-kinnock"),
     Column("parliament_id", "integer", "UK Parliament's member id (Members API, Commons Votes).",
            example="4359"),
     Column("twfy_id", "integer", "TheyWorkForYou's person id.", example="25297"),
     Column("democracy_club_id", "integer", "Democracy Club's candidate id.", example="4252"),
     Column("wikidata_id", "string", "The Wikidata item: Q followed by digits.", example="Q123456"),
     Column("gender", "string", "Gender as a source records it.", example="male"),
     Column("note", "string", "A note about the person's record.",
            example="Speaker of the House of Commons.")),
)

PERSON_NAME_TABLE = DumpTable(
    "person_name",
    "Every spelling of a person's name that a source used, and which source: how the site finds "
    "people by the name others know them by.",
    (ID("name"), PERSON(),
     Column("name", "string", "The name as the source spelt it.", example="Stephen Kinnock"),
     Column("origin", "string", "The dataset that used it (commons-votes, members-api, twfy...).",
            example="twfy"),
     Column("official", "boolean", "Whether a UK Parliament source used it (the display name comes from "
                                   "these).", example="false"),
     Column("used_on", "date", "The latest day that source is known to have used the name.",
            example="2024-07-05"),
     SOURCE("name")),
    fks(("person_id", "person"), ("source_id", "source")),
)

MEMBERSHIP_TABLE = DumpTable(
    "membership",
    "Seats: a person sat in a body (for an area, for a party) from one day to another. Party "
    "memberships are kept apart, in affiliation.csv: councillors left parties mid-term.",
    (ID("membership"), PERSON(),
     Column("body_id", "integer", "The body: the id of a row of body.csv.", example="1"),
     Column("area_id", "integer", "The constituency or ward: the id of a row of area.csv.", example="1269"),
     PARTY("The party the seat was held for"),
     Column("start_date", "date", "The first day of the seat (empty when not recorded).",
            example="2019-12-13"),
     Column("end_date", "date", "The last day (empty: still sitting).", example="2024-05-30"),
     Column("start_reason", "string", "Why it began (general_election, by_election...).",
            example="general_election"),
     Column("end_reason", "string", "Why it ended (dissolution, resigned...).", example="dissolution"),
     Column("role", "string", "A role held with the seat, where recorded.",
            example="councillor (Rose Hill and Iffley)"),
     Column("external_id", "string", "The seat's id in its source dataset.",
            example="uk.org.publicwhip/member/42177"),
     SOURCE("seat")),
    fks(("person_id", "person"), ("body_id", "body"), ("area_id", "area"), ("party_id", "party"),
        ("source_id", "source")),
)

AFFILIATION_TABLE = DumpTable(
    "affiliation",
    "Party memberships: a person belonged to a party from one day to another.",
    (ID("affiliation"), PERSON(), PARTY("The party"),
     Column("start_date", "date", "The first day (empty when not recorded).", example="2019-12-13"),
     Column("end_date", "date", "The last day (empty: still a member).", example="2024-05-30"),
     Column("note", "string", "How it is known.", example="Derived from House of Commons memberships."),
     SOURCE("membership")),
    fks(("person_id", "person"), ("party_id", "party"), ("source_id", "source")),
)

ELECTION_TABLE = DumpTable(
    "election",
    "Elections: a general election or by-election to the Commons, or a council's elections. Who stood "
    "and their votes are in candidacy.csv.",
    (ID("election"), SLUG("/elections/<slug>", "uk-general-election-2024"),
     Column("name", "string", "The election's name.", example="2024 UK general election"),
     Column("kind", "string", "What kind of election.", ELECTION_KINDS, example="general"),
     Column("election_date", "date", "Polling day.", example="2024-07-04"),
     Column("body_id", "integer", "The body elected: the id of a row of body.csv.", example="1"),
     Column("democracy_club_id", "string", "Democracy Club's election id.", example="parl.2024-07-04")),
    fks(("body_id", "body")),
)

CANDIDACY_TABLE = DumpTable(
    "candidacy",
    "Candidates standing in an election in an area, with their votes.",
    (ID("candidacy"),
     Column("election_id", "integer", "The election: the id of a row of election.csv.", example="1"),
     Column("area_id", "integer", "The constituency or ward: the id of a row of area.csv.", example="1"),
     PERSON("The candidate"), PARTY("The party the candidate stood for"),
     Column("party_label", "string", "The party as printed on the ballot.",
            example="Labour and Co-operative"),
     Column("votes", "integer", "Votes received.", example="183"),
     Column("share", "number", "Share of the votes cast, a fraction from 0 to 1.", example="0.005118"),
     Column("elected", "boolean", "Whether the candidate was elected.", example="false"),
     SOURCE("result")),
    fks(("election_id", "election"), ("area_id", "area"), ("person_id", "person"), ("party_id", "party"),
        ("source_id", "source")),
)

DIVISION_TABLE = DumpTable(
    "division",
    "Recorded votes (divisions) of a body. A tracked division says what an aye and a no mean on its "
    "topic; every member's vote is in vote.csv.",
    (ID("division"), SLUG("/divisions/<slug>", "2023-11-15-snp-amendment-h-immediate-ceasefire"),
     Column("body_id", "integer", "The body that divided: the id of a row of body.csv.", example="1"),
     TOPIC("The topic it bears on (empty: none tracked)"),
     Column("division_date", "date", "The day of the division.", example="2023-11-15"),
     Column("number", "integer", "The division's number that day or session.", example="3"),
     Column("title", "string", "The division's title.",
            example="King's Speech: SNP amendment (h) calling for an immediate ceasefire in Gaza"),
     Column("question", "string", "The question put, as recorded.",
            example="Amendment proposed: (h), at the end of the Question to add: ..."),
     Column("plain_summary", "string", "What it was about, in plain words.",
            example="MPs voted on the Scottish National Party's amendment (h) to the King's Speech..."),
     Column("aye_means", "string", f"What voting aye means: {STANCE_WORDS}.", STANCE_KEYS,
            example="ceasefire"),
     Column("no_means", "string", f"What voting no means: {STANCE_WORDS}.", STANCE_KEYS, example="opposed"),
     Column("aye_count", "integer", "Ayes as officially counted.", example="125"),
     Column("no_count", "integer", "Noes as officially counted.", example="293"),
     Column("result", "string", "The result as recorded.", example="Rejected"),
     Column("votes_complete", "boolean", "Whether every member's vote is in vote.csv (a partial list "
                                         "never implies that others did not vote).", example="true"),
     Column("known_gaps", "string", "What is known to be missing or disputed.",
            example="The press reported the noes as 293 (inews, LabourList) or 294 (the Guardian, the BBC)."),
     Column("commons_division_id", "integer", "The Commons Votes API's division id.", example="1666"),
     Column("twfy_gid", "string", "TheyWorkForYou's id of the division.",
            example="uk.org.publicwhip/division/2023-11-15b.757.0"),
     SOURCE("division")),
    fks(("body_id", "body"), ("topic_id", "topic"), ("source_id", "source")),
)

VOTE_TABLE = DumpTable(
    "vote",
    "How each member voted in each division (one row per member and division). No vote recorded is "
    "never a stance.",
    (ID("vote"),
     Column("division_id", "integer", "The division: the id of a row of division.csv.", example="1"),
     PERSON("The member"),
     Column("position", "string", "aye, no, teller_aye, teller_no, both (named in both lobbies, a way to "
                                  "abstain) or no_vote_recorded.", VOTE_POSITIONS, example="aye"),
     PARTY("The member's party on the day"),
     SOURCE("vote (the official record when held; other reports are in vote_source.csv)")),
    fks(("division_id", "division"), ("person_id", "person"), ("party_id", "party"),
        ("source_id", "source")),
)

WHIP_TABLE = DumpTable(
    "whip",
    "How a party told its members to vote in a division, where that is known.",
    (ID("whip"),
     Column("division_id", "integer", "The division: the id of a row of division.csv.", example="1"),
     PARTY("The party"),
     Column("whip", "string", "The whip: aye, no, abstain or free.", WHIP_POSITIONS, example="abstain"),
     Column("basis", "string", "How the whip is known, in words.",
            example="Reported by inews and LabourList: Labour MPs were told to abstain on the SNP "
                    "amendment."),
     SOURCE("whip")),
    fks(("division_id", "division"), ("party_id", "party"), ("source_id", "source")),
)

VOTE_SOURCE_TABLE = DumpTable(
    "vote_source",
    "Every source that reports a vote: the official record and any press list that named the same "
    "vote (kept here, never as a second vote).",
    (ID("link"), Column("vote_id", "integer", "The vote: the id of a row of vote.csv.", example="1"),
     Column("source_id", "integer", "A source reporting it: the id of a row of source.csv.", example="6")),
    fks(("vote_id", "vote"), ("source_id", "source")),
)

DECISION_TABLE = DumpTable(
    "decision",
    "Questions a body decided without a division: no member's individual record exists, so these "
    "never set anyone's stance.",
    (ID("decision"), SLUG("/decisions/<slug>", "2024-02-21-labour-amendment-a-ceasefire-in-gaza"),
     Column("body_id", "integer", "The body: the id of a row of body.csv.", example="1"),
     TOPIC("The topic it bears on (empty: none)"),
     Column("decision_date", "date", "The day it was decided.", example="2024-02-21"),
     Column("title", "string", "Its title.",
            example="Labour's amendment (a) to the SNP motion \"Ceasefire in Gaza\""),
     Column("question", "string", "The text decided, as recorded.",
            example="I beg to move amendment (a), to leave out from \u201cHouse\u201d to end and add ..."),
     Column("outcome", "string", "agreed, negatived, or not_put (the question was never put).",
            DECISION_OUTCOMES, example="agreed"),
     Column("plain_summary", "string", "What was decided, in plain words.",
            example="On the SNP's opposition day, the House of Commons agreed Labour's amendment (a)..."),
     Column("why_no_record", "string", "Why no individual record exists.",
            example="The amendment was agreed without a division: Hansard records only ..."),
     Column("twfy_gid", "string", "TheyWorkForYou's id of the decision.",
            example="uk.org.publicwhip/debate/2024-02-21c.803.6.3"),
     Column("motion_gid", "string", "TheyWorkForYou's id of the motion it decided.",
            example="uk.org.publicwhip/debate/2024-02-21c.730.3.1"),
     SOURCE("decision")),
    fks(("body_id", "body"), ("topic_id", "topic"), ("source_id", "source")),
)

EDM_TABLE = DumpTable(
    "edm",
    "Early day motions. A tracked one says what signing it means on its topic; signatures are in "
    "edm_signature.csv.",
    (ID("motion"),
     Column("edm_id", "integer", "The motion's id on edm.parliament.uk (not its number in the session).",
            example="61430"),
     Column("number", "integer", "Its number within its session, where known.", example="1685"),
     Column("session", "string", "The parliamentary session.", example="2022-23"),
     Column("title", "string", "Its title.", example="Protecting civilians in Gaza and Israel"),
     Column("tabled_on", "date", "The day it was tabled.", example="2023-10-17"),
     Column("url", "url", "Its page on edm.parliament.uk.",
            example="https://edm.parliament.uk/early-day-motion/61430"),
     Column("primary_sponsor_id", "integer", "Its primary sponsor: the id of a row of person.csv.",
            example="329"),
     TOPIC("The topic it counts towards (empty: not tracked)"),
     Column("signing_means", "string", f"What signing it means: {STANCE_WORDS}; empty when signing sets "
                                       "no stance.", STANCE_KEYS, example="ceasefire"),
     Column("note", "string", "Why it counts as it does.",
            example="calls on all parties to agree to an immediate de-escalation and cessation of "
                    "hostilities"),
     SOURCE("motion")),
    fks(("primary_sponsor_id", "person"), ("topic_id", "topic"), ("source_id", "source")),
)

EDM_SIGNATURE_TABLE = DumpTable(
    "edm_signature",
    "Members' signatures on early day motions. The source gives no signature date: a signature was "
    "made on or after the motion's tabling day.",
    (ID("signature"),
     Column("edm_id", "integer", "The motion: the id of a row of edm.csv (not the EDM website's id).",
            example="2"),
     PERSON("The member"),
     Column("is_primary_sponsor", "boolean", "Whether the member tabled it.", example="false"),
     Column("is_cosponsor", "boolean", "Whether the member sponsored it.", example="false"),
     Column("withdrawn_on", "date", "The day the signature was withdrawn (empty: it stands).",
            example="2025-03-13"),
     SOURCE("signature")),
    fks(("edm_id", "edm"), ("person_id", "person"), ("source_id", "source")),
)

AREA_OVERLAP_TABLE = DumpTable(
    "area_overlap",
    "Which constituencies a council overlaps, and by how much.",
    (ID("overlap"),
     Column("area_id", "integer", "The council: the id of a row of area.csv.", example="1398"),
     Column("overlaps_id", "integer", "The constituency: the id of a row of area.csv.", example="272"),
     Column("share", "number", "The fraction of the council inside the constituency, from 0 to 1 (empty "
                               "when not known).", example="1.0"),
     Column("basis", "string", "How the share is known.",
            example="fraction of the council in this constituency (councils/lookup_LAD24CD_PCON24CD.json)"),
     SOURCE("overlap")),
    fks(("area_id", "area"), ("overlaps_id", "area"), ("source_id", "source")),
)

PLEDGE_TABLE = DumpTable(
    "pledge",
    "Campaigns' pledges that candidates can sign; signatures and refusals are in evidence.csv "
    "(kind pledge or pledge_refusal).",
    (ID("pledge"), SLUG("/pledges/<slug>", "no-ceasefire-no-vote"),
     TOPIC(),
     Column("title", "string", "The pledge's title.", example="No Ceasefire No Vote"),
     Column("text", "string", "The words signed.",
            example="Every candidate must be asked, repeatedly and assertively, where they stand. ..."),
     Column("organisation", "string", "The campaign behind it.", example="No Ceasefire No Vote"),
     Column("url", "url", "The campaign's page.", example="https://campaign.example/pledge"),
     Column("stance", "string", f"The stance signing implies: {STANCE_WORDS}.", STANCE_KEYS,
            example="ceasefire"),
     Column("launched_on", "date", "The day the campaign opened.", example="2024-03-02"),
     Column("closes_on", "date", "The day it closes (empty: still open).", example="2024-07-04"),
     SOURCE("pledge")),
    fks(("topic_id", "topic"), ("source_id", "source")),
)

EVIDENCE_TABLE = DumpTable(
    "evidence",
    "Dated, sourced facts about a person's (or a party's) stance on a topic: statements, pledge "
    "signatures and refusals, EDM signatures, leaving a party, reports. Votes in tracked divisions "
    "count as evidence too; they are in vote.csv. A party's row is its official line, context for "
    "its members, never a member's own stance.",
    (ID("evidence item"), TOPIC(),
     PERSON("Whose stance it is (empty for a party's line)"),
     PARTY("For a party's official line, the party (empty for a person's evidence)"),
     Column("kind", "string", "What kind of evidence it is.", EVIDENCE_KINDS, example="statement"),
     Column("stance", "string", f"The stance it shows: {STANCE_WORDS}; empty for a pledge refusal, which "
                                "sets none.", STANCE_KEYS, example="ceasefire"),
     Column("evidence_date", "date", "The day it happened or was said.", example="2023-10-14"),
     Column("summary", "string", "What it shows, in the site's words.",
            example="Left the Labour Party over its stance on a ceasefire in Gaza; now sits as an "
                    "Independent."),
     Column("quote", "string", "The words as the source reports them, where it does.",
            example="Gaza is under siege from the air"),
     Column("source_id", "integer", "The source: the id of a row of source.csv.", example="10"),
     Column("pledge_id", "integer", "For a pledge signature or refusal, the pledge: the id of a row of "
                                    "pledge.csv.", example="1"),
     Column("status", "string", "Its moderation status: always approved here (submissions waiting for "
                                "review or rejected are not public).", ("approved",), example="approved"),
     Column("reviewed_at", "datetime", "When a moderator (or the importer) last reviewed it, in UTC.",
            example="2024-03-01T12:00:00Z"),
     Column("review_reason", "string", "The moderator's note when approving it (or how an import "
                                       "vouches for it).",
            example="Imported from councillors_left_labour_over_gaza_2023.csv (public news reports)"),
     Column("created_at", "datetime", "When it was recorded, in UTC.", example="2024-03-01T12:00:00Z"),
     Column("external_key", "string", "The key an importer or the seed loader knows it by.",
            example="council:oxford-city-council:shaista-aziz"),
     Column("signed_by_person", "boolean", "Whether the person signed (or declined) the pledge "
                                           "themselves, through their own link.", example="false")),
    fks(("topic_id", "topic"), ("person_id", "person"), ("party_id", "party"), ("source_id", "source"),
        ("pledge_id", "pledge")),
    private={"submitted_by_id": USER_ID, "reviewed_by_id": USER_ID},
    rows="approved evidence only",
)

REPLY_TABLE = DumpTable(
    "reply",
    "Right of reply: a person's own dated response to a piece of evidence or to their stance on a "
    "topic. A reply never changes a stance.",
    (ID("reply"), PERSON("Who replies"),
     TOPIC("The topic the reply is about (empty when it answers one piece of evidence)"),
     Column("evidence_id", "integer", "The evidence it answers: the id of a row of evidence.csv.",
            example="1"),
     Column("body", "string", "The reply, in the person's words.",
            example="I have called for an immediate ceasefire since October."),
     Column("replied_on", "date", "The day of the reply.", example="2024-06-01"),
     Column("status", "string", "Its moderation status: always approved here.", ("approved",),
            example="approved"),
     Column("reviewed_at", "datetime", "When a moderator approved it, in UTC.",
            example="2024-06-02T09:30:00Z"),
     Column("review_reason", "string", "The moderator's note when approving it.",
            example="Sent from the MP's official address."),
     Column("created_at", "datetime", "When it was submitted, in UTC.", example="2024-06-01T18:00:00Z")),
    fks(("person_id", "person"), ("topic_id", "topic"), ("evidence_id", "evidence")),
    private={"user_id": USER_ID, "reviewed_by_id": USER_ID},
    rows="approved replies only (and none to evidence that is not public)",
)

CHANGE_SET_TABLE = DumpTable(
    "change_set",
    "Every write to the data is one change set: who, when it committed, from which source and why. "
    "Its changes to each record are in revision.csv; each change set's page is /changes/<id>.",
    (ID("change set"),
     Column("actor", "string", "Who made it: an importer (import:mps), the seed loader, or a user's "
                               "display name.", example="import:reference"),
     Column("source", "string", "Where the change came from (a file, a web address).",
            example="data/ (project)"),
     Column("reason", "string", "Why, as the change set records it.", example="approved a submission"),
     Column("created_at", "datetime", "When it began, in UTC.", example="2024-03-01T12:00:00.236396Z"),
     Column("committed_at", "datetime", "When it was committed, in UTC.",
            example="2024-03-01T12:00:13.797657Z")),
    private={"user_id": USER_ID},
    rows="change sets with at least one public revision",
)

REVISION_TABLE = DumpTable(
    "revision",
    "One record's change within a change set: the whole record before and after, as JSON, and the "
    "record it is about (a vote is about its person, a whip about its division). Inside before and "
    "after, user ids (submitted_by_id, reviewed_by_id...) are blanked (null), and so is the review "
    "reason of a state that was not approved.",
    (ID("revision"),
     Column("change_set_id", "integer", "The change set: the id of a row of change_set.csv.", example="1"),
     Column("table_name", "string", "The table of the record changed (person, evidence, vote...).",
            example="evidence"),
     Column("record_id", "integer", "The record's id in that table.", example="1"),
     Column("action", "string", "create, update or delete.", REVISION_ACTIONS, example="create"),
     Column("subject_table", "string", "The kind of record the change is about (person, division, area...).",
            example="person"),
     Column("subject_id", "integer", "That record's id.", example="4676"),
     Column("before", "string", "The whole record before the change, as a JSON object (empty for a "
                                "create).", example='{"id":1,"name":"Old name"}'),
     Column("after", "string", "The whole record after the change, as a JSON object (empty for a "
                               "delete).", example='{"id":1,"name":"New name"}'),
     Column("source", "string", "The record's own source, when it differs from its change set's.",
            example="mps/mps_sitting_2023-11-15.csv"),
     Column("public", "boolean", "Whether everyone may see the revision: always true here.", ("true",),
            example="true")),
    fks(("change_set_id", "change_set")),
    json={"before": "object", "after": "object"},
    rows="public revisions only (not accounts', not of submissions never approved)",
)

_READ_MODEL = ("Part of the stance read model, which the site builds from the evidence, votes and EDM "
               "signatures (tracker import dump rebuilds it and checks it matches).")

STANCE_PERIOD_TABLE = DumpTable(
    "stance_period",
    "Each person's stance on a topic over time, one row per period, as the site shows it. A person "
    "with no rows has no recorded stance (the scale's default, e.g. unknown). " + _READ_MODEL,
    (ID("period"), TOPIC(), PERSON(),
     Column("seq", "integer", "The period's number in the person's timeline (1 is the first with "
                              "evidence).", example="1"),
     Column("start_date", "date", "The first day of the period.", example="2023-11-15"),
     Column("end_date", "date", "The day the next period begins (exclusive; empty: current).",
            example="2024-02-21"),
     Column("stance", "string", f"The stance in the period: {STANCE_WORDS}; the scale's default when the "
                                "evidence conflicts.", STANCE_KEYS, example="pause"),
     Column("conflict", "boolean", "Whether the evidence that opened the period conflicts.", example="false"),
     Column("opened_by_end", "boolean", "Whether the period was opened by earlier evidence ending (a "
                                        "withdrawn signature, a left party).", example="false"),
     Column("evidence", "string", "The evidence that opened the period, as a JSON array of objects (id, "
                                  "date, kind, stance, summary, source...).",
            example='[{"id":"vote:87","kind":"vote","stance":"pause"}]'),
     Column("supporting", "string", "The ids of every item of evidence inside the period, as a JSON "
                                    "array (vote:<id>, evidence:<id>, edm:<id>...).", example='["vote:87"]')),
    fks(("topic_id", "topic"), ("person_id", "person")),
    json={"evidence": "array", "supporting": "array"},
)

STANCE_SHIFT_TABLE = DumpTable(
    "stance_shift",
    "The days a person's stance on a topic changed, from one stance to another. " + _READ_MODEL,
    (ID("shift"), TOPIC(), PERSON(),
     Column("shift_date", "date", "The day of the change.", example="2023-11-13"),
     Column("from_stance", "string", f"The stance before: {STANCE_WORDS}.", STANCE_KEYS,
            example="humanitarian"),
     Column("to_stance", "string", f"The stance after: {STANCE_WORDS}.", STANCE_KEYS, example="ceasefire"),
     Column("evidence", "string", "The ids of the evidence behind the change, as a JSON array.",
            example='["edm:288"]')),
    fks(("topic_id", "topic"), ("person_id", "person")),
    json={"evidence": "array"},
)

STANCE_CONTRADICTION_TABLE = DumpTable(
    "stance_contradiction",
    "A person said or pledged one thing, then voted the other way or did not vote. " + _READ_MODEL,
    (ID("contradiction"), TOPIC(), PERSON(),
     Column("kind", "string", "voted_against, or did_not_vote.", CONTRADICTION_KINDS,
            example="voted_against"),
     Column("said_id", "string", "The evidence of what was said or pledged (evidence:<id>, edm:<id>...).",
            example="evidence:12"),
     Column("said_date", "date", "When it was said.", example="2024-01-10"),
     Column("did_id", "string", "The evidence of what was done (vote:<id>).", example="vote:1031"),
     Column("did_date", "date", "When it was done.", example="2024-02-21"),
     Column("description", "string", "The contradiction in words, as the site shows it.",
            example="Said on 1 Nov 2023 (statement): \"Ceasefire\", then did not vote on 15 Nov 2023 in "
                    "the division \"...\", where an aye meant \"Ceasefire\"")),
    fks(("topic_id", "topic"), ("person_id", "person")),
)

TABLES: tuple[DumpTable, ...] = (
    SOURCE_TABLE, TOPIC_TABLE, PARTY_TABLE, AREA_TABLE, BODY_TABLE, PERSON_TABLE, PERSON_NAME_TABLE,
    MEMBERSHIP_TABLE, AFFILIATION_TABLE, ELECTION_TABLE, CANDIDACY_TABLE, DIVISION_TABLE, VOTE_TABLE,
    WHIP_TABLE, VOTE_SOURCE_TABLE, DECISION_TABLE, EDM_TABLE, EDM_SIGNATURE_TABLE, AREA_OVERLAP_TABLE,
    PLEDGE_TABLE, EVIDENCE_TABLE, REPLY_TABLE, CHANGE_SET_TABLE, REVISION_TABLE,
    STANCE_PERIOD_TABLE, STANCE_SHIFT_TABLE, STANCE_CONTRADICTION_TABLE,
)
BY_NAME: dict[str, DumpTable] = {t.name: t for t in TABLES}
READ_MODEL_TABLES = ("stance_period", "stance_shift", "stance_contradiction")

# Tables of the database the dump leaves out, and why.
EXCLUDED_TABLES: dict[str, str] = {
    "user": "accounts (names, email addresses, password digests)",
    "invitation": "accounts: invitations and their token digests",
    "claim": "accounts: representatives' claims, their official addresses and token digests",
    "pledge_link": "personal signing links and their token digests",
    "upload": "campaign lists as uploaded, before moderation",
    "data_version": "the site's cache counter",
    "postcodelookup": "a cache of postcodes.io answers (ONS data under the OGL, at postcodes.io)",
    "record_lock": "moderators' locks, with their user ids",
}


def _check_order() -> None:
    seen: set[str] = set()
    for table in TABLES:
        for fk in table.foreign_keys:
            if fk.table not in BY_NAME:
                raise ValueError(f"{table.name}.{fk.column} points at {fk.table}, not a dump table")
            if fk.table != table.name and fk.table not in seen:
                raise ValueError(f"{table.name} comes before {fk.table}, which it points at")
        seen.add(table.name)


_check_order()
