"""Reading an uploaded list (CSV or XLSX): its rows with their line numbers, or a refusal
listing every problem with its line. Pure: no database."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from tracker.stance import load_topic
from tracker.uploads.format import (
    CAMPAIGN,
    EVIDENCE,
    columns_for,
    documentation,
    template_csv,
    template_rows,
    template_xlsx,
)
from tracker.uploads.parse import Limits, UploadRefused, UploadRow, parse_upload

TODAY = date(2025, 1, 31)
SCALE = load_topic("ceasefire")
URL = "https://www.nocnv.org/list"


def csv_bytes(rows: list[list[str]], *, bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows: list[list[object]], *, text_cells: dict[str, str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref, value in (text_cells or {}).items():
        sheet[ref].value = value
        sheet[ref].data_type = "s"  # text, even when it starts with "="
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def campaign(data: bytes, filename: str = "list.csv", **kwargs) -> list[UploadRow]:  # type: ignore[no-untyped-def]
    return parse_upload(data, filename, kind=CAMPAIGN, today=TODAY, **kwargs)


def evidence(data: bytes, filename: str = "list.csv", **kwargs) -> list[UploadRow]:  # type: ignore[no-untyped-def]
    return parse_upload(data, filename, kind=EVIDENCE, scale=SCALE, today=TODAY, **kwargs)


def refusal(call, *args, **kwargs) -> list[tuple[int | None, str | None, str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(UploadRefused) as info:
        call(*args, **kwargs)
    return [(p.line, p.column, p.message) for p in info.value.problems]


HEADER = ["name", "constituency", "answer", "date", "source_url"]


# -- good files ---------------------------------------------------------------------------------

def test_a_campaign_csv_gives_its_rows_with_their_line_numbers():
    data = csv_bytes([HEADER,
                      ["Rosena Allin-Khan", "Tooting", "signed", "2024-06-14", URL],
                      ["", "", "", "", ""],  # a blank row keeps its number
                      ["  Naz  Shah ", "", "Declined", "14/06/2024", URL]], bom=True)
    rows = campaign(data)
    assert [(r.line, r.name, r.constituency, r.answer, r.date) for r in rows] == [
        (2, "Rosena Allin-Khan", "Tooting", "signed", date(2024, 6, 14)),
        (4, "Naz  Shah", None, "declined", date(2024, 6, 14)),
    ]
    assert rows[0].source_url == URL and rows[0].publisher is None and rows[0].ids == {}


def test_headers_are_read_loosely_and_ids_become_numbers():
    data = csv_bytes([["Parliament ID", "Source URL", "Date", "Answer", "Wikidata-ID", "person"],
                      ["4573", URL, "2024-06-14", "signed", "q123", "https://site/people/rosena-allin-khan/"]])
    (row,) = campaign(data)
    assert row.ids == {"parliament_id": 4573, "wikidata_id": "Q123", "person": "rosena-allin-khan"}


def test_semicolon_separated_csv_is_read():
    data = b"name;answer;date;source_url\nNaz Shah;signed;2024-06-14;https://a.org/x\n"
    assert [r.name for r in campaign(data)] == ["Naz Shah"]


def test_a_quoted_field_over_two_lines_keeps_the_spreadsheet_row_numbers():
    data = csv_bytes([HEADER + ["quote"],
                      ["A", "", "signed", "2024-06-14", URL, "first line\nsecond line"],
                      ["B", "", "signed", "nope", URL, ""]])
    assert refusal(campaign, data) == [(3, "date", "“nope” is not a date: write YYYY-MM-DD (or DD/MM/YYYY).")]


def test_formula_looking_cells_stay_text():
    data = csv_bytes([HEADER + ["summary"],
                      ["=HYPERLINK(\"x\")", "", "signed", "2024-06-14", URL, "+SUM(A1:A2)"]])
    (row,) = campaign(data)
    assert (row.name, row.summary) == ('=HYPERLINK("x")', "+SUM(A1:A2)")


def test_an_evidence_list_checks_kind_and_stance_on_the_topic_scale():
    data = csv_bytes([["name", "kind", "stance", "date", "source_url", "summary"],
                      ["Naz Shah", "Statement", "ceasefire", "2023-11-15", URL, "Called for a ceasefire."]])
    (row,) = evidence(data)
    assert (row.kind, row.stance, row.summary) == ("statement", "ceasefire", "Called for a ceasefire.")


def test_an_xlsx_list_is_read_as_text_with_the_sheet_row_numbers():
    data = xlsx_bytes([
        [None],  # the header need not be on row 1: lines stay the sheet's own numbers
        ["name", "parliament_id", "answer", "date", "source_url", "summary", "publisher"],
        ["Rosena Allin-Khan", 4573, "signed", datetime(2024, 6, 14), URL, None, "No Ceasefire No Vote"],
        [None, None, None, None, None, None, None],
        ["Naz Shah", None, "declined", "14/06/2024", URL, "", None],
        ["Zarah Sultana", None, "signed", "25/06/2024", URL, "x", None],
    ], text_cells={"F5": "=1+1"})
    rows = campaign(data, "list.xlsx")
    assert [(r.line, r.name, r.parliament_id, r.date, r.summary, r.publisher) for r in rows] == [
        (3, "Rosena Allin-Khan", 4573, date(2024, 6, 14), None, "No Ceasefire No Vote"),
        (5, "Naz Shah", None, date(2024, 6, 14), "=1+1", None),
        (6, "Zarah Sultana", None, date(2024, 6, 25), "x", None),
    ]
    assert "nan" not in repr(rows)


def test_a_row_survives_a_json_round_trip():
    (row,) = campaign(csv_bytes([HEADER + ["twfy_id"],
                                 ["Naz Shah", "Bradford West", "signed", "2024-06-14", URL, "25385"]]))
    assert UploadRow.from_json(row.to_json()) == row


# -- the templates --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [CAMPAIGN, EVIDENCE])
def test_the_templates_are_made_from_the_declared_columns(kind):
    names = [c.name for c in columns_for(kind)]
    assert template_rows(kind, SCALE)[0] == names
    assert [d["name"] for d in documentation(kind, SCALE)] == names
    assert template_csv(kind, SCALE).startswith("\ufeff".encode() + ",".join(names).encode())
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind, SCALE)))
    assert [c.value for c in book["List"][1]] == names
    assert [r[0] for r in book["Columns"].iter_rows(min_row=2, max_row=len(names) + 1, values_only=True)] \
        == names


@pytest.mark.parametrize(("kind", "filename", "make"), [
    (CAMPAIGN, "template.csv", template_csv), (EVIDENCE, "template.xlsx", template_xlsx)])
def test_the_templates_example_row_cannot_be_uploaded_by_mistake(kind, filename, make):
    """The example row is refused for its example address, and for nothing else."""
    problems = refusal(parse_upload, make(kind, SCALE), filename, kind=kind, scale=SCALE, today=TODAY)
    assert [(line, column) for line, column, _ in problems] == [(2, "source_url")]
    assert "example" in problems[0][2]


# -- refusals: the file ----------------------------------------------------------------------------

@pytest.mark.parametrize("filename", ["list.pdf", "list.xls", "list", "list.xlsm", "list.ods"])
def test_only_csv_and_xlsx_names_are_accepted(filename):
    ((line, _, message),) = refusal(campaign, csv_bytes([HEADER]), filename)
    assert line is None and "not a CSV (.csv) or Excel workbook (.xlsx)" in message


def test_the_content_must_be_what_the_name_says():
    workbook = xlsx_bytes([HEADER])
    text = csv_bytes([HEADER, ["A", "", "signed", "2024-06-14", URL]])
    assert "zip archive" in refusal(campaign, workbook, "list.csv")[0][2]
    assert "it looks like CSV text: name it .csv" in refusal(campaign, text, "list.xlsx")[0][2]
    assert "old Excel file" in refusal(campaign, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                                       "list.xlsx")[0][2]
    assert "not text" in refusal(campaign, b"%PDF-1.4\n\x00\x01binary", "list.csv")[0][2]


def test_a_zip_that_is_not_a_workbook_and_a_damaged_workbook_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "lacks a workbook's parts" in refusal(campaign, buffer.getvalue(), "list.xlsx")[0][2]
    damaged = xlsx_bytes([HEADER])[:300]
    assert "damaged" in refusal(campaign, damaged, "list.xlsx")[0][2]
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("xl/workbook.xml", "not xml either")
    assert "cannot be read" in refusal(campaign, broken.getvalue(), "list.xlsx")[0][2]


def test_over_the_size_limit_is_refused_before_reading():
    data = csv_bytes([HEADER] + [["A", "", "signed", "2024-06-14", URL]] * 50)
    ((line, _, message),) = refusal(campaign, data, limits=Limits(max_bytes=1024))
    assert line is None and message.startswith("The file is 2 kB; the limit is 1 kB.")
    assert Limits.from_config({"UPLOAD_MAX_BYTES": 10, "UPLOAD_MAX_ROWS": 3}) == Limits(10, 3)
    assert Limits.from_config({}) == Limits(2 * 2**20, 2000)


def test_over_the_row_limit_is_refused():
    rows = [["A", "", "signed", "2024-06-14", URL]] * 4
    assert len(campaign(csv_bytes([HEADER, *rows]), limits=Limits(max_rows=4))) == 4
    ((line, _, message),) = refusal(campaign, csv_bytes([HEADER, *rows, ["", "", "", "", ""], rows[0]]),
                                    limits=Limits(max_rows=4))
    assert (line, message) == (None, "The file has 5 rows; the limit is 4. Split it into smaller files.")
    xlsx = xlsx_bytes([HEADER, *rows, rows[0]])
    assert "5 rows" in refusal(campaign, xlsx, "list.xlsx", limits=Limits(max_rows=4))[0][2]


def test_encodings_other_than_utf8_are_refused_with_the_line():
    data = "name,answer,date,source_url\nNaz Shah,signed,2024-06-14,https://a.org\nThérèse Coffey,signed,2024-06-14,https://a.org\n"
    ((line, _, message),) = refusal(campaign, data.encode("cp1252"))
    assert line == 3 and "not UTF-8" in message and "CSV UTF-8" in message
    assert "UTF-16" in refusal(campaign, data.encode("utf-16"))[0][2]
    assert campaign(data.encode("utf-8-sig"))[1].name == "Thérèse Coffey"


def test_empty_files_and_a_header_alone_are_refused():
    assert refusal(campaign, b"") == [(None, None, "The file is empty.")]
    assert refusal(campaign, b"\n\n ,,\n") == [(None, None, "The file holds no rows: the first row must "
                                                          "name the columns.")]
    assert refusal(campaign, csv_bytes([HEADER])) == [(None, None, "The file has a header but no rows "
                                                                    "under it.")]


# -- refusals: the header ---------------------------------------------------------------------------

def test_missing_unknown_duplicate_and_misplaced_columns_are_each_listed():
    data = csv_bytes([["name", "Name", "colour", "stance", "date", "", "extra"],
                      ["A", "A", "red", "ceasefire", "2024-06-14", "x", ""]])
    messages = [(line, message) for line, _, message in refusal(campaign, data)]
    assert all(line == 1 for line, _ in messages)
    text = " | ".join(m for _, m in messages)
    assert "column “name” appears twice (columns 1 and 2)" in text
    assert "unknown column “colour”. The columns are: person, parliament_id" in text
    assert "unknown column “extra”" in text
    assert "column “stance” belongs to an evidence list (no campaign), not to this one" in text
    assert "column 6 has no name, but line 2 has a value in it" in text
    assert "the column “answer” is missing" in text and "the column “source_url” is missing" in text
    assert len(messages) == 7


def test_a_header_must_name_the_person_somehow():
    data = csv_bytes([["constituency", "answer", "date", "source_url"],
                      ["Tooting", "signed", "2024-06-14", URL]])
    assert refusal(campaign, data) == [(1, None, "no column names the person: give “name” or one of person, "
                                                "parliament_id, democracy_club_id, twfy_id, wikidata_id.")]


def test_an_evidence_list_needs_kind_stance_and_summary():
    data = csv_bytes([["name", "answer", "date", "source_url"], ["A", "signed", "2024-06-14", URL]])
    text = " | ".join(m for _, _, m in refusal(evidence, data))
    for expected in ("“answer” belongs to a campaign's list", "“kind” is missing", "“stance” is missing",
                     "“summary” is missing"):
        assert expected in text


# -- refusals: the rows ------------------------------------------------------------------------------

def test_every_bad_row_is_listed_with_its_line():
    data = csv_bytes([HEADER + ["parliament_id"],
                      ["Good Row", "", "signed", "2024-06-14", URL, ""],
                      ["", "", "signed", "2024-06-14", URL, ""],
                      ["B", "", "maybe", "2024-02-30", "javascript:alert(1)", "12a"],
                      ["C", "", "signed", "2024-06-14", "", ""],
                      ["D", "", "", "2024-06-14", "ftp://files.example/x", ""],
                      ["E", "", "signed", "2024-06-14"],
                      ["F", "", "signed", "2024-06-14", URL, "", "surplus"]])
    assert refusal(campaign, data) == [
        (3, None, "nothing names the person: fill in the name or an id."),
        (4, "parliament_id", "“12a” is not an id (a whole number)."),
        (4, "date", "“2024-02-30” is not a day of the calendar."),
        (4, "source_url", "“javascript:alert(1)” is not a web address: it must start with http:// or https://."),
        (4, "answer", "“maybe” is not one of: signed, declined."),
        (5, "source_url", "empty; every row needs it."),
        (6, "answer", "empty; every row needs it."),
        (6, "source_url", "“ftp://files.example/x” is not a web address: it must start with http:// or "
                          "https://."),
        (7, None, "too few fields: 4 where the header names 6 columns (check for a stray comma or a "
                  "missing quote)."),
        (8, None, "too many fields: 7 where the header names 6 columns (check for a stray comma or a "
                  "missing quote)."),
    ]


@pytest.mark.parametrize(("written", "message"), [
    ("2024-13-01", "“2024-13-01” is not a day of the calendar."),
    ("31/02/2024", "“31/02/2024” is not a day of the calendar."),
    ("06/25/2024", "“06/25/2024” has no month 25: dates are day first (DD/MM/YYYY) or YYYY-MM-DD."),
    ("03/04/2024", "“03/04/2024” could be 3 April 2024 or 4 March 2024: write it as YYYY-MM-DD "
                   "(2024-04-03 or 2024-03-04)."),
    ("14/06/24", "“14/06/24”: write the year in full (DD/MM/YYYY or YYYY-MM-DD)."),
    ("June 14th", "“June 14th” is not a date: write YYYY-MM-DD (or DD/MM/YYYY)."),
    ("2025-02-01", "“2025-02-01” is in the future."),
    ("1066-10-14", "“1066-10-14” is too long ago to be right."),
])
def test_bad_dates_are_refused(written, message):
    data = csv_bytes([HEADER, ["A", "", "signed", written, URL]])
    assert refusal(campaign, data) == [(2, "date", message)]


def test_a_day_first_date_elsewhere_in_the_file_settles_the_ambiguous_ones():
    rows = [HEADER, ["A", "", "signed", "03/04/2024", URL], ["B", "", "signed", "25/04/2024", URL],
            ["C", "", "signed", "04/04/2024", URL]]
    assert [r.date for r in campaign(csv_bytes(rows))] == [date(2024, 4, 3), date(2024, 4, 25),
                                                          date(2024, 4, 4)]
    # ...unless the file also holds a month-first date: then neither order is certain.
    mixed = [*rows, ["D", "", "signed", "04/25/2024", URL]]
    assert [(line, message[:14]) for line, _, message in refusal(campaign, csv_bytes(mixed))] == [
        (2, "“03/04/2024” c"), (5, "“04/25/2024” h")]


def test_unknown_kinds_and_stances_are_refused_with_the_scale():
    data = csv_bytes([["name", "kind", "stance", "date", "source_url", "summary"],
                      ["A", "vote", "ceasefire", "2024-06-14", URL, "x"],
                      ["B", "statement", "peace now", "2024-06-14", URL, "x"],
                      ["C", "statement", "unknown", "2024-06-14", URL, "x"],
                      ["D", "pledge_refusal", "ceasefire", "2024-06-14", URL, "x"]])
    assert refusal(evidence, data) == [
        (2, "kind", "“vote” is not one of: statement, pledge, edm, party_switch, report, other."),
        (3, "stance", "“peace now” is not a stance of the topic “Ceasefire in Gaza”; the stances are: "
                      "ceasefire, humanitarian, pause, opposed."),
        (4, "stance", "“unknown” shows no stance; evidence must show one of: ceasefire, humanitarian, "
                      "pause, opposed."),
        (5, "kind", "“pledge_refusal” is not one of: statement, pledge, edm, party_switch, report, other."),
    ]


def test_over_long_values_and_bad_ids_are_refused():
    data = csv_bytes([["name", "wikidata_id", "person", "answer", "date", "source_url", "publisher"],
                      ["A" * 201, "42", "Rosena Allin-Khan", "signed", "2024-06-14", URL, "P" * 201]])
    assert refusal(campaign, data) == [
        (2, "name", "201 characters; at most 200."),
        (2, "publisher", "201 characters; at most 200."),
        (2, "wikidata_id", "“42” is not a Wikidata item (Q and digits, such as Q42)."),
        (2, "person", "“Rosena Allin-Khan” is not a person's address on this site (such as "
                      "rosena-allin-khan)."),
    ]


def test_a_refusal_reads_as_one_message_too():
    data = csv_bytes([HEADER] + [["A", "", "nope", "2024-06-14", URL]] * 7)
    with pytest.raises(UploadRefused) as info:
        campaign(data)
    assert str(info.value).startswith("line 2, answer: “nope” is not one of: signed, declined.; line 3")
    assert str(info.value).endswith("(and 2 more)")
