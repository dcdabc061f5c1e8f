"""Uploading a campaign's list through the site: templates, refusals that write nothing, the
preview and its choices, submitting, moderators approving (one change set) or rejecting."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from sqlmodel import Session, func, select

from tracker.models import ALL_TABLES, ChangeSet, Evidence, Person, Pledge, Revision, Topic, Upload
from tracker.readmodel import view
from tracker.revisions import Recorder
from tracker.uploads.entries import Entry

pytestmark = pytest.mark.imported
URL = "https://www.nocnv.org/candidates-list"


def csv_file(rows: list[list[str]], name: str = "list.csv") -> tuple[io.BytesIO, str]:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return io.BytesIO(buffer.getvalue().encode()), name


def xlsx_file(rows: list[list[object]], name: str = "list.xlsx") -> tuple[io.BytesIO, str]:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer, name


@pytest.fixture
def pledge(app, session: Session) -> Pledge:
    """The No Ceasefire No Vote campaign (seeds/pledges.toml), as an admin would add it."""
    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    recorder = Recorder(session, actor="test", reason="a campaign for the upload tests")
    made = recorder.add(Pledge(slug="no-ceasefire-no-vote", topic_id=topic.id, title="No Ceasefire No Vote",
                               organisation="No Ceasefire No Vote", stance="ceasefire",
                               text="Every candidate must be asked where they stand.",
                               url="https://www.nocnv.org/", launched_on=date(2024, 5, 1)))
    recorder.flush()
    session.commit()
    return made


def counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {t.__tablename__: session.exec(select(func.count()).select_from(t)).one()  # type: ignore[attr-defined]
            for t in ALL_TABLES}


def upload(client, file: tuple[io.BytesIO, str], pledge_slug: str = "no-ceasefire-no-vote",  # type: ignore[no-untyped-def]
           topic: str = "ceasefire"):
    return client.post("/uploads/new", data={"pledge": pledge_slug, "topic": topic, "file": file},
                       content_type="multipart/form-data")


def latest_upload(session: Session) -> Upload:
    session.expire_all()
    return session.exec(select(Upload).order_by(Upload.id.desc())).first()  # type: ignore[union-attr, return-value]


def person(session: Session, slug: str) -> Person:
    return session.exec(select(Person).where(Person.slug == slug)).one()


# -- templates and access ---------------------------------------------------------------------------

def test_the_templates_download_as_csv_and_xlsx(client):
    response = client.get("/uploads/template.csv?list=campaign")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="campaign-list-template.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith("person,parliament_id,")
    response = client.get("/uploads/template.xlsx?list=evidence&topic=palestine-action")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book["List"][1]]
    assert "stance" in header and "answer" not in header
    assert book["List"].cell(2, header.index("stance") + 1).value != "ceasefire"  # that topic's scale
    assert client.get("/uploads/template.pdf").status_code == 404
    assert client.get("/uploads/template.csv?list=petition").status_code == 404


def test_uploading_needs_an_account_and_reviewing_a_moderator(client, users, login):
    response = client.get("/uploads/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, users["contributor"])
    page = client.get("/uploads/new").get_data(as_text=True)
    assert "campaign-list-template.csv" not in page  # the link, not the file name
    assert "/uploads/template.xlsx?list=campaign" in page and "source_url" in page
    assert client.get("/moderation/uploads").status_code == 403


# -- refusals ---------------------------------------------------------------------------------------------

def test_a_bad_file_is_refused_with_its_lines_and_nothing_is_written(client, users, login, session, pledge):
    login(client, users["contributor"])
    before = counts(session)
    bad = csv_file([["name", "answer", "date", "source_url"],
                    ["Rosena Allin-Khan", "signed", "2024-06-14", URL],
                    ["Naz Shah", "maybe", "31/02/2024", "www.nocnv.org"],
                    ["Keir Starmer", "signed", "03/04/2024", URL, "surplus"]])
    response = upload(client, bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The file was not accepted: nothing was recorded" in page and "4 problems" in page
    cells = re.findall(r'<td data-label="Line">(\d+)</td>', page)
    assert cells == ["3", "3", "3", "4"]
    assert "“maybe” is not one of: signed, declined." in page
    assert "“31/02/2024” is not a day of the calendar." in page
    assert "too many fields: 5 where the header names 4 columns" in page
    # Not CSV or XLSX, a workbook named .csv, a column of the other kind of list.
    assert "not a CSV (.csv) or Excel workbook (.xlsx)" in upload(
        client, (io.BytesIO(b"%PDF-1.4 ..."), "list.pdf")).get_data(as_text=True)
    named_wrong = xlsx_file([["name"]], "list.csv")
    assert "is a zip archive" in upload(client, named_wrong).get_data(as_text=True)
    evidence_list = csv_file([["name", "answer", "kind", "stance", "date", "source_url", "summary"],
                              ["Naz Shah", "signed", "statement", "ceasefire", "2024-06-14", URL, "x"]])
    assert "“answer” belongs to a campaign" in upload(client, evidence_list, "").get_data(as_text=True)
    assert counts(session) == before


def test_over_the_limits_is_refused_clearly(app, client, users, login, session, pledge):
    login(client, users["contributor"])
    before = counts(session)
    rows = [["name", "answer", "date", "source_url"]] + [["Naz Shah", "signed", "2024-06-14", URL]] * 40
    app.config["UPLOAD_MAX_ROWS"] = 30
    response = upload(client, csv_file(rows))
    assert response.status_code == 400
    assert "The file has 40 rows; the limit is 30." in response.get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = 1024
    assert "the limit is 1 kB" in upload(client, csv_file(rows)).get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 2048  # the request itself: refused before it is read
    response = upload(client, (io.BytesIO(b"name\n" + b"x" * 5000), "list.csv"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/uploads/new")
    assert "it is too large (the limit is 1 kB)" in client.get("/uploads/new").get_data(as_text=True)
    assert counts(session) == before


# -- a 50-row campaign spreadsheet, committed as one change set ---------------------------------------------

def _fifty_rows(session: Session) -> tuple[list[list[object]], list[str]]:
    """50 real people: 48 candidates of 2024 whose names we hold once (written with slips and
    titles), plus an alias (Naseem Shah) and a hyphen left out (Rosena Allin Khan)."""
    taken = {"naseem-shah", "rosena-allin-khan"}
    rows: list[list[object]] = [["name", "constituency", "answer", "date", "source_url", "publisher"]]
    expected: list[str] = []
    names = session.exec(select(Person.name, func.count()).group_by(Person.name)).all()
    unique = {n for n, c in names if c == 1 and len(n) >= 10 and " " in n}
    from tracker.models import Area, Candidacy
    found = session.exec(select(Person, Area).join(Candidacy, Candidacy.person_id == Person.id)  # type: ignore[arg-type]
                         .join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
                         .order_by(Person.id)).all()
    for i, (p, area) in enumerate(x for x in found if x[0].name in unique and x[0].slug not in taken):
        if len(expected) == 48:
            break
        taken.add(p.slug)
        written = [p.name, p.name.replace("-", " "), "Cllr " + p.name, p.name[:-1] + "x"][i % 4]
        rows.append([written, area.name if i % 3 else None, "declined" if i % 5 == 0 else "signed",
                     date(2024, 6, 1 + i % 28), URL, "No Ceasefire No Vote"])
        expected.append(p.slug)
    rows.append(["Naseem Shah", None, "signed", "14/06/2024", URL, None])
    rows.append(["Rosena Allin Khan", "Tooting", "signed", date(2024, 6, 20), URL, None])
    return rows, [*expected, "naseem-shah", "rosena-allin-khan"]


def test_a_fifty_row_spreadsheet_is_committed_in_one_change_set(client, users, login, session, pledge):
    rows, expected = _fifty_rows(session)
    assert len(rows) == 51
    login(client, users["moderator"])  # trusted: the list is recorded as soon as it is submitted
    before = counts(session)
    response = upload(client, xlsx_file(rows, "NCNV June 2024.xlsx"))
    assert response.status_code == 302
    made = latest_upload(session)
    assert (made.status, made.filename, len(made.rows)) == ("preview", "NCNV June 2024.xlsx", 50)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert preview.count('class="upload-row ') == 50 and "Preview: nothing is recorded yet." in preview
    assert "Matched by another name we hold for them, “Naseem Shah”" in preview
    assert counts(session)["evidence"] == before["evidence"]  # a preview records no evidence
    # Rows the matcher could not settle get their person by hand (the expected one).
    items = [Entry.from_json(e) for e in made.rows]
    form: dict[str, object] = {"row": [str(e.line) for e in items]}
    for e, slug in zip(items, expected, strict=True):
        if e.match.status != "matched":
            form[f"other-{e.line}"] = slug
    form["action"] = "submit"
    response = client.post(f"/uploads/{made.id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    done = latest_upload(session)
    assert done.status == "committed" and done.change_set_id is not None
    after = counts(session)
    assert after["evidence"] == before["evidence"] + 50
    written = session.exec(select(Evidence).where(Evidence.pledge_id == pledge.id)).all()
    slugs = {p.id: p.slug for p in session.exec(select(Person)).all()}
    assert sorted(slugs[e.person_id] for e in written) == sorted(expected)  # type: ignore[index]
    assert {(e.kind, e.stance) for e in written} == {("pledge", "ceasefire"), ("pledge_refusal", None)}
    assert {e.status for e in written} == {"approved"}
    assert all(e.submitted_by_id == users["moderator"].id for e in written)
    # One change set holds every piece of evidence, and the upload's own change.
    revisions = session.exec(select(Revision).where(Revision.table_name == "evidence",
                                                    Revision.record_id.in_([e.id for e in written]))).all()  # type: ignore[union-attr]
    assert {r.change_set_id for r in revisions} == {done.change_set_id} and len(revisions) == 50
    change_set = session.get(ChangeSet, done.change_set_id)
    assert (change_set.actor, change_set.source) == ("Moderator", "NCNV June 2024.xlsx")  # type: ignore[union-attr]
    assert change_set.reason == "uploaded 50 rows of the list NCNV June 2024.xlsx"  # type: ignore[union-attr]
    # The stance read model moved in the same transaction.
    naz = person(session, "naseem-shah")
    assert view.stances(session, [naz.id], "ceasefire")[naz.id].stance == "ceasefire"  # type: ignore[list-item, index]
    page = client.get(f"/uploads/{made.id}").get_data(as_text=True)
    assert "Recorded" in page and f"/changes/{done.change_set_id}" in page

    # The same list again adds nothing: every row is already recorded.
    response = upload(client, xlsx_file(rows, "again.xlsx"))
    again = latest_upload(session)
    form = {"row": [str(e.line) for e in items], "action": "submit",
            **{k: v for k, v in form.items() if k.startswith("other-")}}
    assert client.post(f"/uploads/{again.id}", data=form).status_code == 302
    assert counts(session)["evidence"] == after["evidence"]
    assert all(Entry.from_json(e).skipped for e in latest_upload(session).rows)


# -- review by a moderator ---------------------------------------------------------------------------

def test_an_untrusted_contributors_list_waits_for_a_moderator(client, users, login, session, pledge):
    login(client, users["contributor"])
    response = upload(client, csv_file([["name", "constituency", "answer", "date", "source_url"],
                                        ["Darren Jones", "", "signed", "2024-06-14", URL],
                                        ["Zebedee Quuxworth", "", "signed", "2024-06-14", URL],
                                        ["Naseem Shah", "", "declined", "2024-06-14", URL]]))
    made = latest_upload(session)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Submit for review" in page and "2 waiting for a choice" in page
    # Line 3 (nobody we hold) is left out; line 2 (two Darren Joneses) is left for the moderator.
    response = client.post(f"/uploads/{made.id}", data={"row": ["2", "3", "4"], "choice-3": "drop",
                                                         "action": "submit"})
    assert response.status_code == 302
    before = counts(session)
    assert latest_upload(session).status == "submitted" and before["evidence"] == counts(session)["evidence"]
    assert client.post(f"/uploads/{made.id}", data={"action": "approve"}).status_code == 400
    client.post("/logout")

    login(client, users["moderator"])
    queue = client.get("/moderation/uploads").get_data(as_text=True)
    assert f"/uploads/{made.id}" in queue and "1 waiting for a choice" in queue
    response = client.post(f"/uploads/{made.id}", data={"row": ["2"], "action": "approve"})
    assert response.status_code == 400
    assert "Choose a person for each row, or leave it out, first: line 2." in response.get_data(as_text=True)
    assert counts(session) == before  # the refused approval changed nothing, not even the choices
    darren = person(session, "darren-jones-bournemouth-west")
    response = client.post(f"/uploads/{made.id}", data={"row": ["2"], "choice-2": str(darren.id),
                                                         "action": "approve"})
    assert response.status_code == 302
    done = latest_upload(session)
    assert done.status == "committed" and done.reviewed_by_id == users["moderator"].id
    written = session.exec(select(Evidence).where(Evidence.pledge_id == pledge.id)).all()
    got = sorted((e.person_id, e.kind, e.status, e.submitted_by_id, e.reviewed_by_id) for e in written)
    assert got == sorted([
        (darren.id, "pledge", "approved", users["contributor"].id, users["moderator"].id),
        (person(session, "naseem-shah").id, "pledge_refusal", "approved", users["contributor"].id,
         users["moderator"].id)])
    assert session.get(ChangeSet, done.change_set_id).reason == (  # type: ignore[union-attr]
        "approved 2 rows of the list list.csv uploaded by Contributor")


def test_a_moderator_rejects_a_list_with_a_reason_the_uploader_sees(client, users, login, session, pledge):
    login(client, users["contributor"])
    upload(client, csv_file([["name", "answer", "date", "source_url"],
                             ["Naseem Shah", "signed", "2024-06-14", URL]]))
    made = latest_upload(session)
    client.post(f"/uploads/{made.id}", data={"row": ["2"], "action": "submit"})
    client.post("/logout")
    login(client, users["moderator"])
    assert client.post(f"/uploads/{made.id}/reject", data={"reason": ""}).status_code == 400
    response = client.post(f"/uploads/{made.id}/reject", data={"reason": "The source does not list her."})
    assert response.status_code == 302
    assert latest_upload(session).status == "rejected"
    client.post("/logout")
    login(client, users["contributor"])
    assert "Rejected: The source does not list her." in client.get("/uploads").get_data(as_text=True)
    recorded = select(func.count()).select_from(Evidence).where(Evidence.pledge_id == pledge.id)
    assert session.exec(recorded).one() == 0


def test_others_cannot_see_or_change_a_list(client, users, login, session, pledge):
    login(client, users["contributor"])
    upload(client, csv_file([["name", "answer", "date", "source_url"],
                             ["Naseem Shah", "signed", "2024-06-14", URL]]))
    made = latest_upload(session)
    client.post("/logout")
    login(client, users["contributor2"])
    assert client.get(f"/uploads/{made.id}").status_code == 404
    assert client.post(f"/uploads/{made.id}", data={"action": "discard"}).status_code == 404
    client.post("/logout")
    login(client, users["contributor"])
    assert client.post(f"/uploads/{made.id}", data={"action": "discard"}).status_code == 302
    assert latest_upload(session).status == "discarded"
    assert client.post(f"/uploads/{made.id}", data={"row": ["2"], "action": "submit"}).status_code == 400


def test_a_failure_while_committing_rolls_everything_back(client, users, login, session, pledge, monkeypatch):
    login(client, users["moderator"])
    upload(client, csv_file([["name", "answer", "date", "source_url"],
                             ["Naseem Shah", "signed", "2024-06-14", "https://new.example.net/list"],
                             ["Rosena Allin-Khan", "declined", "2024-06-14", URL]]))
    made = latest_upload(session)
    before = counts(session)

    def broken(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    # Fails after the evidence and its new source are flushed, while the upload is being marked.
    monkeypatch.setattr(Entry, "to_json", broken)
    with pytest.raises(RuntimeError):
        client.post(f"/uploads/{made.id}", data={"action": "submit"})
    monkeypatch.undo()
    assert counts(session) == before
    assert latest_upload(session).status == "preview"


def test_picking_someone_by_their_address_and_a_wrong_address(client, users, login, session, pledge):
    login(client, users["contributor"])
    upload(client, csv_file([["name", "answer", "date", "source_url"],
                             ["Zebedee Quuxworth", "signed", "2024-06-14", URL]]))
    made = latest_upload(session)
    response = client.post(f"/uploads/{made.id}", data={"row": ["2"], "other-2": "no-such-person"})
    assert response.status_code == 400
    assert "Line 2: nobody’s address on this site is “no-such-person”." in response.get_data(as_text=True)
    response = client.post(f"/uploads/{made.id}", data={"row": ["2"],
                                                         "other-2": "https://site/people/keir-starmer/"})
    assert response.status_code == 302
    (entry,) = [Entry.from_json(e) for e in latest_upload(session).rows]
    assert entry.person_id == person(session, "keir-starmer").id and entry.chosen
