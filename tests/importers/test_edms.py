"""`tracker import edms`: early day motions and their signatures, from the shared CSV and
from the EDM API.

The EDM API answers below are built from real rows of the shared
``edms/edm_signatures_2023-10_to_2026-09.csv`` put into the API's shape (``GET
/EarlyDayMotion/{id}`` -> ``{"Response": {Id, UIN, Title, DateTabled, MemberId,
PrimarySponsor, Sponsors: [{MemberId, Member: {MnisId, Name}, SponsoringOrder,
IsWithdrawn, WithdrawnDate}]}}``, as parliament's own clients read it). The UIN comes
from ``edms/gaza_edms_metadata.csv``. What the CSV does not hold is left out rather
than made up: each signature's ``Id`` and ``CreatedWhen``, ``MotionText``, and the
members' ``ListAs``, party and constituency. The CSV does not give the co-sponsors'
order either: they get SponsoringOrder 2 to 6 in file order.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.config import DATA_DIR
from tracker.models import Edm, EdmSignature, Person, Source, Topic
from tracker.queries import stats

SHARED_FILE = "edms/edm_signatures_2023-10_to_2026-09.csv"
API = "https://oralquestionsandmotions-api.parliament.uk"
TRACKED = {61430: "ceasefire", 61468: "ceasefire", 61466: "humanitarian", 61526: "ceasefire",
           62324: "ceasefire"}
BOBBY_DEAN = 5083  # withdrew his signature from 62324 on 13 Mar 2025


def count(session: Session, model: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def table_counts(session: Session) -> dict[str, int]:
    return stats.table_counts(session)


def shared_rows(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / SHARED_FILE).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def signature(session: Session, edm_id: int, member_id: int) -> EdmSignature:
    return session.exec(select(EdmSignature).join(Edm, Edm.id == EdmSignature.edm_id)  # type: ignore[arg-type]
                        .join(Person, Person.id == EdmSignature.person_id)  # type: ignore[arg-type]
                        .where(Edm.edm_id == edm_id, Person.parliament_id == member_id)).one()


# -- the shared file, as `import all` loads it ----------------------------------------------

@pytest.mark.imported
@pytest.mark.shared_data
def test_import_all_loads_every_motion_and_signature(session: Session, shared_data: Path) -> None:
    rows = shared_rows(shared_data)
    assert (len(rows), len({r["edm_id"] for r in rows})) == (5691, 174)
    assert count(session, Edm) == 174  # every motion, tracked or not
    assert count(session, EdmSignature) == 5691  # none refused: every member id is an MP's
    tracked = {e.edm_id: e.signing_means for e in session.exec(
        select(Edm).where(Edm.topic_id.is_not(None))).all()}  # type: ignore[union-attr]
    assert tracked == TRACKED
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    assert {e.topic_id for e in session.exec(select(Edm).where(Edm.edm_id.in_(TRACKED))).all()} == {topic.id}  # type: ignore[attr-defined]

    protecting = session.exec(select(Edm).where(Edm.edm_id == 61430)).one()
    assert (protecting.title, protecting.tabled_on) == ("Protecting civilians in Gaza and Israel",
                                                      date(2023, 10, 17))
    assert (protecting.number, protecting.session) == (1685, "2022-23")
    assert "cessation of hostilities" in protecting.note
    sponsor = session.get(Person, protecting.primary_sponsor_id)
    assert sponsor is not None and sponsor.name == "Richard Burgon"
    source = session.get(Source, protecting.source_id)
    assert source is not None and source.url == "https://edm.parliament.uk/early-day-motion/61430"
    assert "palestinerecord/palestinerecord.github.io" in (source.note or "")

    islamophobia = session.exec(select(Edm).where(Edm.edm_id == 61505)).one()
    assert islamophobia.topic_id is None and islamophobia.signing_means is None
    assert "does not itself call for a ceasefire" in islamophobia.note

    withdrawn = signature(session, 62324, BOBBY_DEAN)
    assert withdrawn.withdrawn_on == date(2025, 3, 13)
    assert count(session, EdmSignature) - len(session.exec(select(EdmSignature).where(
        EdmSignature.withdrawn_on.is_(None))).all()) == 36  # type: ignore[union-attr]
    burgon = signature(session, 61430, 4493)
    assert (burgon.is_primary_sponsor, burgon.is_cosponsor) == (True, False)
    assert signature(session, 61430, 178).is_cosponsor  # John McDonnell
    # Every signature cites its motion's page.
    assert session.exec(select(func.count()).select_from(EdmSignature)
                        .join(Edm, Edm.id == EdmSignature.edm_id)  # type: ignore[arg-type]
                        .where(EdmSignature.source_id != Edm.source_id)).one() == 0


@pytest.mark.imported
@pytest.mark.shared_data
def test_second_run_changes_nothing(cli, session: Session, shared_data: Path) -> None:
    before = table_counts(session)
    result = cli("import", "edms", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    assert "0 added, 0 updated, 6041 unchanged" in result.output
    assert "174 motion(s), 5 tracked by data/edms.toml" in result.output
    assert table_counts(session) == before


# -- a file on its own ---------------------------------------------------------------------------

def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def few_rows(shared_data: Path) -> list[dict[str, str]]:
    """Real rows: the 18 signatures of 61526 and the 18 of 61466."""
    return [r for r in shared_rows(shared_data) if r["edm_id"] in ("61526", "61466")]


@pytest.mark.shared_data
def test_unknown_members_are_added_from_their_names(cli, session: Session, tmp_path: Path,
                                                    few_rows: list[dict[str, str]]) -> None:
    path = write_rows(tmp_path / "edms.csv", few_rows)
    result = cli("import", "edms", "--file", str(path))
    assert result.exit_code == 0, result.output
    assert (count(session, Edm), count(session, EdmSignature)) == (2, 36)
    members = {r["member_id"] for r in few_rows}
    assert count(session, Person) == len(members)
    assert f"{len(members)} member(s) were not known before and were added" in result.output
    davey = session.exec(select(Person).where(Person.parliament_id == 188)).one()
    assert davey.name == next(r["member_name"] for r in few_rows if r["member_id"] == "188")
    assert "tracked motion(s) of data/edms.toml not in this file: 61430, 61468, 62324" in result.output
    again = cli("import", "edms", "--file", str(path))
    assert "0 added, 0 updated" in again.output


@pytest.mark.parametrize(("change", "expected"), [
    (lambda rows: rows[2].update(date_tabled="13/11/2023"),
     "line 4, column 'date_tabled': '13/11/2023' is not a date"),
    (lambda rows: rows[3].update(is_cosponsor="yes"), "line 5, column 'is_cosponsor': 'yes' is not 0 or 1"),
    (lambda rows: rows[4].update(member_id="M4430"),
     "line 6, column 'member_id': 'M4430' is not a whole number"),
    (lambda rows: rows[5].update(is_primary_sponsor="1"),
     "line 11, column 'is_primary_sponsor': motion 61526 already has a primary sponsor on line 7"),
    (lambda rows: rows[6].update(title="Immediate ceasefire"),
     "line 8, column 'title': motion 61526 has 'Immediate ceasefire' here but"),
    (lambda rows: rows[7].update(member_id=rows[1]["member_id"]),
     "line 9, column 'member_id': member 1591 is listed again on motion 61526 (already on line 3)"),
    (lambda rows: rows[8].update(withdrawn_date="2023-11-01"),
     "line 10, column 'withdrawn_date': 2023-11-01 is before the motion was tabled"),
    (lambda rows: rows[20].update(edm_url="edm.parliament.uk/early-day-motion/61466"),
     "line 22, column 'edm_url': 'edm.parliament.uk/early-day-motion/61466' is not a web address"),
])
@pytest.mark.shared_data
def test_a_malformed_file_is_refused_whole(cli, session: Session, tmp_path: Path,
                                           few_rows: list[dict[str, str]], change: Any,
                                           expected: str) -> None:
    # 61526's 18 signatures (lines 2 to 19: Ed Davey, Tim Farron, ..., Layla Moran the
    # tabler on line 11), then 61466's.
    rows = [dict(r) for r in few_rows if r["edm_id"] == "61526"] + [
        dict(r) for r in few_rows if r["edm_id"] == "61466"]
    change(rows)
    path = write_rows(tmp_path / "broken.csv", rows)
    result = cli("import", "edms", "--file", str(path))
    assert result.exit_code == 1
    assert f"broken.csv, {expected}" in result.output
    assert "Nothing was imported." in result.output
    assert all(n == 0 for n in table_counts(session).values())  # not even the reference data


def test_missing_columns_and_empty_files_are_refused(cli, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "edms.csv"
    path.write_text("edm_id,title\n61430,Protecting civilians in Gaza and Israel\n", encoding="utf-8")
    result = cli("import", "edms", "--file", str(path))
    assert result.exit_code == 1
    assert "edms.csv, line 1: missing column(s) edm_url, date_tabled" in result.output
    header = ("edm_id,edm_url,date_tabled,title,primary_sponsor,member_id,member_name,"
              "is_primary_sponsor,is_cosponsor,withdrawn_date\n")
    path.write_text(header, encoding="utf-8")
    result = cli("import", "edms", "--file", str(path))
    assert result.exit_code == 1 and "edms.csv, line 2: holds no signatures" in result.output
    assert all(n == 0 for n in table_counts(session).values())


def test_one_source_at_a_time(cli) -> None:
    result = cli("import", "edms")
    assert result.exit_code == 2 and "--edm-id" in result.output


# -- data/edms.toml ------------------------------------------------------------------------------

@pytest.fixture
def data_copy(app: Flask, tmp_path: Path) -> Path:
    """A copy of the project's data/ folder that the app reads instead."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    app.config["DATA_DIR"] = copy
    return copy


@pytest.mark.shared_data
@pytest.mark.parametrize(("old", "new", "expected"), [
    ('signing_means = "humanitarian"', 'signing_means = "ceasefire-ish"',
     "[[edms]] entry 3 (edm_id 61466): signing_means 'ceasefire-ish' is not a stance of ceasefire"),
    ('topic = "ceasefire"\nsigning_means = "humanitarian"', 'topic = "gaza"\nsigning_means = "humanitarian"',
     "[[edms]] entry 3 (edm_id 61466): topic 'gaza' is not a file of data/topics"),
    ("edm_id = 61526", "edm_id = 61525", None),  # a motion not in the file: nothing to check
    ('title = "Immediate bilateral ceasefire in the Israel-Gaza conflict"',
     'title = "Immediate bilateral ceasefire"',
     "motion 61526 is titled 'Immediate bilateral ceasefire' here but "
     "'Immediate bilateral ceasefire in the Israel-Gaza conflict' in "),
])
def test_the_mapping_is_checked(cli, session: Session, tmp_path: Path, data_copy: Path,
                                few_rows: list[dict[str, str]], old: str, new: str,
                                expected: str | None) -> None:
    mapping = data_copy / "edms.toml"
    text = mapping.read_text(encoding="utf-8")
    assert text.count(old) == 1
    mapping.write_text(text.replace(old, new), encoding="utf-8")
    result = cli("import", "edms", "--file", str(write_rows(tmp_path / "edms.csv", few_rows)))
    if expected is None:
        assert result.exit_code == 0, result.output
        assert session.exec(select(Edm).where(Edm.edm_id == 61526)).one().topic_id is None
        return
    assert result.exit_code == 1
    assert f"edms.toml: {expected}" in result.output
    assert "Nothing was imported." in result.output
    assert count(session, Edm) == 0


# -- the EDM API ---------------------------------------------------------------------------------

def api_body(shared_data: Path, edm_id: int) -> dict[str, Any]:
    """The EDM API's answer for one motion, built from that motion's rows of the shared CSV."""
    rows = [r for r in shared_rows(shared_data) if r["edm_id"] == str(edm_id)]
    with (shared_data / "edms/gaza_edms_metadata.csv").open(newline="", encoding="utf-8") as handle:
        uin = next((int(m["edm_number"]) for m in csv.DictReader(handle)
                    if f"/{edm_id}" in m["source_urls"]), None)
    primary = next(r for r in rows if r["is_primary_sponsor"] == "1")
    order = {primary["member_id"]: 1} | {
        r["member_id"]: n for n, r in enumerate((r for r in rows if r["is_cosponsor"] == "1"), start=2)}

    def member(row: dict[str, str]) -> dict[str, Any]:
        return {"MnisId": int(row["member_id"]), "Name": row["member_name"]}

    return {"PagingInfo": None, "StatusCode": 200, "Success": True, "Errors": [], "Response": {
        "Id": edm_id, "UIN": uin, "Title": rows[0]["title"],
        "DateTabled": f"{rows[0]['date_tabled']}T00:00:00",
        "MemberId": int(primary["member_id"]), "PrimarySponsor": member(primary),
        "Sponsors": [{"MemberId": int(r["member_id"]), "Member": member(r),
                      "SponsoringOrder": order.get(r["member_id"]),
                      "IsWithdrawn": bool(r["withdrawn_date"]),
                      "WithdrawnDate": f"{r['withdrawn_date']}T00:00:00" if r["withdrawn_date"] else None}
                     for r in rows]}}


@pytest.fixture
def edm_api(serve, shared_data: Path):  # type: ignore[no-untyped-def]
    body = api_body(shared_data, 62324)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/EarlyDayMotion/62324":
            return httpx.Response(200, json=body)
        return httpx.Response(404, json={"Success": False})

    return serve(answer)


@pytest.mark.shared_data
def test_live_api_import(edm_api, cli, session: Session) -> None:
    result = cli("import", "edms", "--edm-id", "62324")
    assert result.exit_code == 0, result.output
    assert [str(r.url) for r in edm_api] == [f"{API}/EarlyDayMotion/62324"]
    edm = session.exec(select(Edm).where(Edm.edm_id == 62324)).one()
    assert (edm.title, edm.tabled_on, edm.number) == ("Peace in Israel and Gaza", date(2024, 7, 17), 11)
    assert edm.signing_means == "ceasefire"
    assert count(session, EdmSignature) == 80
    assert signature(session, 62324, BOBBY_DEAN).withdrawn_on == date(2025, 3, 13)
    moran = signature(session, 62324, 4656)
    assert moran.is_primary_sponsor and not moran.is_cosponsor
    assert sum(s.is_cosponsor for s in session.exec(select(EdmSignature)).all()) == 5
    source = session.get(Source, edm.source_id)
    assert source is not None and source.url == "https://edm.parliament.uk/early-day-motion/62324"
    again = cli("import", "edms", "--edm-id", "62324")
    assert "0 added, 0 updated" in again.output


@pytest.mark.imported
@pytest.mark.shared_data
def test_the_api_and_the_csv_give_the_same_records(edm_api, cli, session: Session) -> None:
    before = table_counts(session)
    result = cli("import", "edms", "--edm-id", "62324")
    assert result.exit_code == 0, result.output
    assert "0 added, 0 updated" in result.output
    assert table_counts(session) == before


@pytest.mark.shared_data
def test_saved_answer(cli, session: Session, tmp_path: Path, shared_data: Path) -> None:
    path = tmp_path / "edm-62324.json"
    path.write_text(json.dumps(api_body(shared_data, 62324)), encoding="utf-8")
    result = cli("import", "edms", "--from-file", str(path))
    assert result.exit_code == 0, result.output
    assert count(session, EdmSignature) == 80


@pytest.mark.shared_data
def test_a_bad_answer_names_its_json_path(cli, session: Session, tmp_path: Path,
                                          shared_data: Path) -> None:
    body = api_body(shared_data, 62324)
    sponsor = body["Response"]["Sponsors"][3]
    del sponsor["MemberId"], sponsor["Member"]
    path = tmp_path / "edm.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    result = cli("import", "edms", "--from-file", str(path))
    assert result.exit_code == 1
    assert "edm.json: $.Response.Sponsors[3] gives neither MemberId nor Member.MnisId" in result.output
    assert all(n == 0 for n in table_counts(session).values())


@pytest.mark.shared_data
def test_an_unknown_motion_is_a_clear_error(edm_api, cli, session: Session) -> None:
    result = cli("import", "edms", "--edm-id", "12")
    assert result.exit_code == 1
    assert "no early day motion 12 in the EDM API" in result.output
    assert count(session, Edm) == 0


def test_network_error_writes_nothing(serve, cli, session: Session) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    serve(down)
    result = cli("import", "edms", "--edm-id", "62324")
    assert result.exit_code == 1
    assert f"could not reach {API}/EarlyDayMotion/62324: connection refused" in result.output
    assert all(n == 0 for n in table_counts(session).values())
