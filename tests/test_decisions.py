"""Decisions taken without a division (21 Feb 2024): import, pages, person context, bad input."""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from tracker.config import PROJECT_ROOT
from tracker.models import ALL_TABLES, Body, ChangeSet, Decision, Membership, Person, Revision, Source

AMENDMENT = "2024-02-21-labour-amendment-a-ceasefire-in-gaza"
MAIN_QUESTION = "2024-02-21-main-question-as-amended-ceasefire-in-gaza"
SNP_MOTION = "2024-02-21-snp-motion-ceasefire-in-gaza"
SNP_AMENDMENT_H = "2023-11-15-snp-amendment-h-immediate-ceasefire"
DECISIONS_TOML = PROJECT_ROOT / "data" / "decisions.toml"
AGREEMENTS = "divisions/agreements_2024-02-21.csv"
MOTIONS = "divisions/motions_2023-11-15_and_2024-02-21.csv"


def _counts(session: Session) -> dict[str, int]:
    def count(model: type[SQLModel]) -> int:
        return session.exec(select(func.count()).select_from(model)).one()
    return {m.__tablename__: count(m) for m in ALL_TABLES}  # type: ignore[attr-defined]


def _decisions(session: Session) -> dict[str, Decision]:
    session.expire_all()
    return {d.slug: d for d in session.exec(select(Decision)).all()}


# -- import ------------------------------------------------------------------------------------

@pytest.mark.shared_data
def test_import_attaches_the_recorded_texts_and_sources(cli, session, shared_data):
    first = cli("import", "decisions", "--data-dir", str(shared_data))
    assert first.exit_code == 0, first.output
    decisions = _decisions(session)
    assert set(decisions) == {AMENDMENT, MAIN_QUESTION, SNP_MOTION}

    amendment = decisions[AMENDMENT]
    assert amendment.outcome == "agreed" and amendment.decision_date == date(2024, 2, 21)
    assert amendment.twfy_gid == "uk.org.publicwhip/debate/2024-02-21c.803.6.3"
    assert amendment.motion_gid == "uk.org.publicwhip/debate/2024-02-21c.730.3.1"
    # The motion as moved, then the recorded outcome, in Hansard's order.
    assert amendment.question.startswith("I beg to move amendment (a), to leave out from “House”")
    assert amendment.question.endswith("\n\nAmendment (a) agreed to.")

    main = decisions[MAIN_QUESTION]
    assert main.question.startswith("Main Question, as amended, put and agreed to.\n\nResolved,\n"
                                    "That this House believes that an Israeli ground offensive in Rafah")

    snp = decisions[SNP_MOTION]
    assert snp.outcome == "not_put" and snp.twfy_gid is None
    assert "calls for an immediate ceasefire in Gaza and Israel" in snp.question
    assert "agreed to" not in snp.question

    for decision in decisions.values():
        assert session.get(Body, decision.body_id).slug == "house-of-commons"  # type: ignore[union-attr]
        assert "no" in decision.why_no_record.lower() and decision.plain_summary
        source = session.get(Source, decision.source_id)
        assert (source.publisher, source.published_on) == ("Socialist Worker", date(2024, 2, 21))  # type: ignore[union-attr]
    dataset = session.exec(select(Source).where(Source.key == "parl-motion-detector")).one()
    assert dataset.url and dataset.url.startswith("https://github.com/mysociety/parl-motion-detector/")
    assert "CC-BY-4.0" in (dataset.note or "") and "Open Parliament Licence" in (dataset.note or "")
    assert session.exec(select(Revision).join(ChangeSet).where(Revision.table_name == "decision",
                                               ChangeSet.actor == "import:decisions")).first()

    before = _counts(session)
    second = cli("import", "decisions", "--data-dir", str(shared_data))
    assert "0 added, 0 updated" in second.output
    assert _counts(session) == before


@pytest.mark.shared_data
def test_articles_are_cited_as_the_seeds_cite_them(cli, session, shared_data):
    with DECISIONS_TOML.open("rb") as handle:
        articles = tomllib.load(handle)["articles"]
    with (PROJECT_ROOT / "seeds" / "articles.toml").open("rb") as handle:
        seeds = {a["key"]: a for a in tomllib.load(handle)["articles"]}
    for article in articles:
        seed = seeds[article["key"]]
        assert (article["publisher"], article["title"], article.get("date")) == \
            (seed["publisher"], seed["title"], seed.get("date"))
    # Seeds first, then the decisions: one source for the article, nothing rewritten.
    cli("seed")
    sources = _counts(session)["source"]
    result = cli("import", "decisions", "--data-dir", str(shared_data))
    assert "0 updated" in result.output
    assert _counts(session)["source"] == sources + 1  # only the motion-detector dataset is new


# -- pages -------------------------------------------------------------------------------------

@pytest.mark.shared_data
@pytest.mark.imported
def test_decision_page_says_what_was_decided_and_that_no_record_exists(client):
    index = client.get("/decisions").get_data(as_text=True)
    for slug in (AMENDMENT, MAIN_QUESTION, SNP_MOTION):
        assert f'href="/decisions/{slug}"' in index
    assert 'href="/decisions"' in client.get("/divisions").get_data(as_text=True)

    page = client.get(f"/decisions/{AMENDMENT}").get_data(as_text=True)
    assert "Agreed without a division by the House of Commons" in page
    assert "an immediate humanitarian ceasefire" in page  # the plain words
    assert "No individual record exists" in page and "no member voted" in page
    assert "the Speaker" in page and "walked out" in page  # why
    assert "Amendment (a) agreed to." in page  # the text as recorded
    assert ("Socialist Worker, Tories and Labour unite to protect Israel in ceasefire vote, "
            "21 Feb 2024") in page
    assert 'href="https://github.com/mysociety/parl-motion-detector/' in page
    assert "Open Parliament Licence" in page
    assert f'href="/divisions/{SNP_AMENDMENT_H}"' in page  # tracked votes on the same topic

    snp = client.get(f"/decisions/{SNP_MOTION}").get_data(as_text=True)
    assert "Never put to a decision" in snp and "never put" in snp


@pytest.mark.shared_data
@pytest.mark.imported
def test_decision_twins_and_unknown_slug(client, twin_rows):
    [row] = twin_rows(f"/decisions/{MAIN_QUESTION}", "decision")
    assert row["outcome"] == "agreed" and row["individual_record"] == "none"
    assert row["text_as_recorded"].startswith("Main Question, as amended, put and agreed to.")
    assert row["source"].startswith("Socialist Worker") and row["text_source_url"]
    assert SNP_AMENDMENT_H in {r["division"] for r in twin_rows(f"/decisions/{MAIN_QUESTION}", "divisions")}

    listed = list(csv.DictReader(client.get("/decisions?format=csv").get_data(as_text=True).splitlines()))
    assert {r["decision"] for r in listed} == {AMENDMENT, MAIN_QUESTION, SNP_MOTION}
    assert {r["individual_record"] for r in listed} == {"none"}

    assert client.get("/decisions/no-such-decision").status_code == 404
    missing = client.get("/decisions/no-such-decision?format=json")
    assert missing.status_code == 404 and missing.get_json()["error"]["status"] == 404


@pytest.mark.shared_data
@pytest.mark.imported
def test_person_page_shows_the_day_as_context_and_the_stance_is_unchanged(cli, client, session, twin_rows):
    page = client.get("/people/tahir-ali").get_data(as_text=True)
    context = page[page.index('id="decisions-h"'):page.index('id="votes-h"')]
    assert ("On 21 Feb 2024 the House of Commons agreed Labour&#39;s amendment (a) to the SNP motion "
            "&#34;Ceasefire in Gaza&#34; without a division; no individual record exists.") in context
    assert f'href="/decisions/{SNP_MOTION}"' in context and "say nothing about where" in context

    context_rows = twin_rows("/people/tahir-ali", "decisions_on_the_day")
    assert {r["decision"] for r in context_rows} == {AMENDMENT, MAIN_QUESTION, SNP_MOTION}
    evidence = twin_rows("/people/tahir-ali", "evidence")
    assert not any("without a division" in (e["summary"] or "") for e in evidence)

    # The stance, timeline and evidence are the same with and without the decisions.
    with_decisions = json.loads(cli("stance", "tahir-ali", "--json").output)
    assert with_decisions["current"]["stance"] == "ceasefire"
    for decision in session.exec(select(Decision)).all():
        session.delete(decision)
    session.commit()
    assert json.loads(cli("stance", "tahir-ali", "--json").output) == with_decisions


@pytest.mark.shared_data
@pytest.mark.imported
def test_member_first_elected_later_sees_no_decision(client, session):
    later = session.exec(
        select(Person).join(Membership, Membership.person_id == Person.id)  # type: ignore[arg-type]
        .join(Body, Body.id == Membership.body_id).where(Body.slug == "house-of-commons")  # type: ignore[arg-type]
        .group_by(Person.id).having(func.min(Membership.start_date) >= date(2024, 7, 4))).first()
    assert later is not None
    page = client.get(f"/people/{later.slug}").get_data(as_text=True)
    assert 'id="decisions-h"' not in page


# -- bad input ---------------------------------------------------------------------------------

@pytest.fixture
def data_copy(tmp_path: Path, shared_data: Path) -> Path:
    """The two CSVs and the curated file, copied so a test can break one."""
    (tmp_path / "divisions").mkdir()
    for name in (AGREEMENTS, MOTIONS):
        shutil.copyfile(shared_data / name, tmp_path / name)
    shutil.copyfile(DECISIONS_TOML, tmp_path / "decisions.toml")
    return tmp_path


def _refused(cli, session, data_dir: Path, *expected: str) -> None:  # type: ignore[no-untyped-def]
    before = _counts(session)
    result = cli("import", "decisions", "--data-dir", str(data_dir),
                 "--decisions", str(data_dir / "decisions.toml"))
    assert result.exit_code == 1
    for text in (*expected, "Nothing was imported."):
        assert text in result.output, result.output
    assert _counts(session) == before


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.shared_data
def test_invalid_toml_is_refused_with_its_line(cli, session, data_copy):
    toml = data_copy / "decisions.toml"
    _replace(toml, 'outcome = "not_put"', 'outcome = not_put')
    _refused(cli, session, data_copy, "decisions.toml: is not valid TOML",
             f"line {_line_of(toml, 'outcome = not_put')}")


@pytest.mark.shared_data
def test_unknown_outcome_is_refused_with_its_line(cli, session, data_copy):
    toml = data_copy / "decisions.toml"
    _replace(toml, 'outcome = "not_put"', 'outcome = "maybe"')
    _refused(cli, session, data_copy, f"decisions.toml, line {_line_of(toml, 'maybe')}",
             "outcome 'maybe' is not one of agreed, negatived, not_put")


@pytest.mark.shared_data
def test_gid_missing_from_the_agreements_is_refused(cli, session, data_copy):
    toml = data_copy / "decisions.toml"
    _replace(toml, "2024-02-21c.803.6.4", "2024-02-21c.803.6.9")
    _refused(cli, session, data_copy, f"decisions.toml, line {_line_of(toml, '803.6.9')}",
             "is not in agreements_2024-02-21.csv")


@pytest.mark.shared_data
def test_a_question_put_is_not_taken_for_one_never_put(cli, session, data_copy):
    toml = data_copy / "decisions.toml"
    # Claim the amendment was never put: the agreements file records it as agreed.
    _replace(toml, 'outcome = "agreed"\nagreement_gid = "uk.org.publicwhip/debate/2024-02-21c.803.6.3"\n',
             'outcome = "not_put"\n')
    _refused(cli, session, data_copy, "agreements_2024-02-21.csv line 3 records a decision on this motion")


@pytest.mark.shared_data
def test_malformed_csv_row_is_refused_with_file_and_line(cli, session, data_copy):
    _replace(data_copy / AGREEMENTS, "Amendment (a) agreed to.,Amendment: Ceasefire in Gaza,"
             "uk.org.publicwhip/debate/2024-02-21c.730.3.1,False",
             "Amendment (a) agreed to.,Amendment: Ceasefire in Gaza,"
             "uk.org.publicwhip/debate/2024-02-21c.730.3.1,Perhaps")
    _refused(cli, session, data_copy, "agreements_2024-02-21.csv, line 3, column 'negative'",
             "'Perhaps' is not True or False")


@pytest.mark.shared_data
def test_a_motion_decided_by_a_division_is_refused(cli, session, data_copy):
    # Link the SNP motion to a division: then it was not decided without one.
    text = (data_copy / MOTIONS).read_text(encoding="utf-8")
    (data_copy / MOTIONS).write_text(text.replace(
        "2024-02-21,uk.org.publicwhip/debate/2024-02-21c.724.7.1,,",
        "2024-02-21,uk.org.publicwhip/debate/2024-02-21c.724.7.1,uk.org.publicwhip/debate/2024-02-21c.803.5,"),
        encoding="utf-8")
    _refused(cli, session, data_copy, "links this motion to division", "belongs in data/divisions.toml")


@pytest.mark.shared_data
def test_empty_agreements_file_is_too_short(cli, session, data_copy):
    path = data_copy / AGREEMENTS
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _refused(cli, session, data_copy, "agreements_2024-02-21.csv, line 1: holds no agreements")
