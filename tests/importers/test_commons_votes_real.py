"""The real Commons Votes records of 15 Nov 2023 and 2 Jul 2025 (../shared/data/divisions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import Division, Person, Source, Vote, VoteSource
from tracker.queries import stats

SNP = "2023-11-15-snp-amendment-h-immediate-ceasefire"
LABOUR = "2023-11-15-labour-amendment-r-humanitarian-pauses"
PROSCRIPTION = "2025-07-02-proscription-of-palestine-action"
INDY100 = "https://www.indy100.com/politics/labour-mps-vote-for-ceasefire"

pytestmark = [pytest.mark.shared_data]


def _division(session: Session, slug: str) -> Division:
    return session.exec(select(Division).where(Division.slug == slug)).one()


def _positions(session: Session, slug: str) -> dict[str, int]:
    rows = session.exec(select(Vote.position, func.count()).join(Division)
                        .where(Division.slug == slug).group_by(Vote.position)).all()
    return dict(rows)


def _counts(session: Session) -> dict[str, int]:
    return stats.table_counts(session)


@pytest.mark.imported
def test_import_all_attaches_the_whole_house_to_the_tracked_divisions(session: Session) -> None:
    snp = _division(session, SNP)
    assert snp.votes_complete and snp.commons_division_id == 1666 and snp.number == 3
    assert (snp.aye_count, snp.no_count) == (125, 293)  # the official counts, as given
    assert _positions(session, SNP) == {"aye": 125, "teller_aye": 2, "no": 294, "teller_no": 2,
                                        "no_vote_recorded": 227}
    assert _positions(session, LABOUR) == {"aye": 183, "teller_aye": 2, "no": 290, "teller_no": 2,
                                           "no_vote_recorded": 173}
    # Six Liberal Democrats named in both lobbies are one vote each, "both".
    assert _positions(session, PROSCRIPTION) == {"aye": 376, "teller_aye": 2, "no": 20, "teller_no": 2,
                                                 "no_vote_recorded": 244, "both": 6}
    both = session.exec(select(Person.parliament_id).join(Vote).join(Division)
                        .where(Division.slug == PROSCRIPTION, Vote.position == "both")).all()
    assert sorted(both) == [227, 4089, 5032, 5103, 5122, 5288]


@pytest.mark.imported
def test_the_press_list_is_a_second_source_never_a_second_vote(session: Session) -> None:
    tahir = session.exec(select(Person).where(Person.parliament_id == 4747)).one()
    [vote] = session.exec(select(Vote).join(Division)
                          .where(Vote.person_id == tahir.id, Division.slug == SNP)).all()
    assert vote.position == "aye"
    main = session.get(Source, vote.source_id)
    assert main is not None and main.url == "https://votes.parliament.uk/votes/commons/division/1666"
    urls = session.exec(select(Source.url).join(VoteSource, VoteSource.source_id == Source.id)
                        .where(VoteSource.vote_id == vote.id)).all()
    assert sorted(urls) == sorted([main.url, INDY100])
    with_indy100 = session.exec(select(func.count()).select_from(VoteSource).join(Source)
                                .where(Source.url == INDY100)).one()
    assert with_indy100 == 33


@pytest.mark.imported
def test_import_all_again_changes_nothing(cli, session: Session, shared_data: Path) -> None:
    before = _counts(session)
    result = cli("import", "all", "--data-dir", str(shared_data))
    assert result.exit_code == 0, result.output
    assert ": 0 added, 0 updated." in result.output
    assert "the record names 294 members as noes but gives a count of 293" in result.output
    assert "the record names 382 members as ayes but gives a count of 385" in result.output
    assert _counts(session) == before


def test_the_press_list_first_then_the_official_record_gives_the_same_votes(cli, session: Session,
                                                                            shared_data: Path) -> None:
    for dataset in ("constituencies", "mps"):
        assert cli("import", dataset, "--data-dir", str(shared_data)).exit_code == 0
    press_list = shared_data / "divisions/labour_ayes_2023-11-15_PARTIAL_indy100.csv"
    indy = cli("import", "votes-csv", str(press_list), "--division", SNP)
    assert indy.exit_code == 0, indy.output
    assert _division(session, SNP).votes_complete is False
    official = cli("import", "commons-votes", "--from-file",
                   str(shared_data / "divisions/commonsvotes_division_1666.json"), "--tracked", SNP)
    assert official.exit_code == 0, official.output
    session.expire_all()
    assert _division(session, SNP).votes_complete is True
    assert sum(_positions(session, SNP).values()) == 650
    assert session.exec(select(func.count()).select_from(VoteSource).join(Source)
                        .where(Source.url == INDY100)).one() == 33


def test_a_member_named_twice_in_one_lobby_is_refused(cli, session: Session, shared_data: Path,
                                                      tmp_path: Path) -> None:
    doc = json.loads((shared_data / "divisions/commonsvotes_division_1666.json").read_text(encoding="utf-8"))
    doc["Noes"].append(dict(doc["Noes"][3]))
    path = tmp_path / "division.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = cli("import", "commons-votes", "--from-file", str(path))
    assert result.exit_code == 1
    assert "division.json: $.Noes[294]" in result.output and "again (already at $.Noes[3])" in result.output
    assert "Nothing was imported." in result.output
    assert session.exec(select(func.count()).select_from(Vote)).one() == 0
