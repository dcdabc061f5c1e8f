"""The stance read model: kept by the write path, equal to a rebuild from scratch, and the only
place pages read stances from (no request runs the engine)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from independent import independent_stances
from sqlmodel import Session, select

from tracker.models import (
    DataVersion,
    Division,
    Edm,
    EdmSignature,
    Person,
    Source,
    StanceContradiction,
    StancePeriod,
    StanceShift,
    Topic,
    Vote,
)
from tracker.readmodel import rebuild, view
from tracker.revisions import Recorder

pytestmark = [pytest.mark.imported, pytest.mark.shared_data]
TABLES = (StancePeriod, StanceShift, StanceContradiction)


def rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model row, ids left out, in a stable order."""
    out = {}
    for table in TABLES:
        columns = [c for c in table.__table__.columns if c.name != "id"]  # type: ignore[attr-defined]
        found = session.execute(sa.select(*columns)).all()
        out[table.__tablename__] = sorted(tuple(str(v) for v in r) for r in found)  # type: ignore[attr-defined]
    return out


def assert_matches_a_rebuild(session: Session) -> None:
    incremental = rows(session)
    rebuild(session)
    assert rows(session) == incremental
    session.rollback()


def person(session: Session, slug: str) -> Person:
    return session.exec(select(Person).where(Person.slug == slug)).one()


def test_the_imported_read_model_equals_a_rebuild_and_an_independent_count(session: Session) -> None:
    assert session.exec(select(sa.func.count()).select_from(StancePeriod)).one() > 1000
    assert_matches_a_rebuild(session)
    ids = set(session.exec(select(Person.id)).all())
    expected = independent_stances(session, ids)  # type: ignore[arg-type]
    now = view.stances(session, sorted(ids), "ceasefire")  # type: ignore[type-var]
    assert {pid: s.stance for pid, s in now.items() if s.recorded or pid in expected} == expected


def test_every_kind_of_write_updates_the_people_it_touches(session: Session) -> None:
    tahir = person(session, "tahir-ali")
    assert view.stances(session, [tahir.id], "ceasefire")[tahir.id].stance == "ceasefire"  # type: ignore[list-item,index]
    version = session.get(DataVersion, 1).version  # type: ignore[union-attr]

    # New evidence, in a change set.
    recorder = Recorder(session, actor="test", reason="a later statement")
    source = recorder.add(Source(url="https://example.org/later", publisher="Example"))
    recorder.flush()
    from tracker.models import Evidence

    topic = session.exec(select(Topic).where(Topic.slug == "ceasefire")).one()
    recorder.add(Evidence(topic_id=topic.id, person_id=tahir.id, kind="statement", stance="opposed",  # type: ignore[arg-type]
                          evidence_date=date(2026, 1, 5), summary="Said he opposed it", source_id=source.id,  # type: ignore[arg-type]
                          status="approved"))
    recorder.flush()
    session.commit()
    now = view.stances(session, [tahir.id], "ceasefire")[tahir.id]  # type: ignore[list-item,index]
    assert (now.stance, now.start) == ("opposed", date(2026, 1, 5))
    assert now.evidence[0].source_url == "https://example.org/later"
    assert session.get(DataVersion, 1).version == version + 1  # type: ignore[union-attr]
    assert_matches_a_rebuild(session)

    # A source corrected: the cited link changes for everyone citing it.
    Recorder(session, actor="test").update(source, {"url": "https://example.org/corrected"})
    session.commit()
    now = view.stances(session, [tahir.id], "ceasefire")[tahir.id]  # type: ignore[list-item,index]
    assert now.evidence[0].source_url == "https://example.org/corrected"

    # What a division's aye means changes every voter's stance.
    division = session.exec(select(Division).where(Division.commons_division_id == 1665)).one()
    voters = session.exec(select(Vote.person_id).where(Vote.division_id == division.id,
                                                       Vote.position == "aye")).all()
    recorder = Recorder(session, actor="test", reason="reread the amendment")
    recorder.update(division, {"aye_means": "humanitarian"})
    recorder.flush()
    session.commit()
    others = [pid for pid in voters if pid != tahir.id]
    assert {view.stances(session, others[:40], "ceasefire")[pid].stance  # type: ignore[index]
            for pid in others[:40]} <= {"humanitarian", "ceasefire"}
    assert_matches_a_rebuild(session)

    # A vote corrected, and an EDM signature withdrawn.
    vote = session.exec(select(Vote).where(Vote.division_id == division.id,
                                           Vote.person_id == others[0])).one()
    recorder = Recorder(session, actor="test", reason="misread the list")
    recorder.update(vote, {"position": "no"})
    recorder.flush()
    signature = session.exec(select(EdmSignature).join(Edm).where(
        Edm.signing_means.is_not(None), EdmSignature.withdrawn_on.is_(None))).first()  # type: ignore[union-attr]
    assert signature is not None
    recorder.update(signature, {"withdrawn_on": date(2026, 2, 1)})
    recorder.flush()
    session.commit()
    assert_matches_a_rebuild(session)


def test_a_rebuild_in_several_processes_writes_the_same_rows(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tracker.readmodel.build as build

    rebuild(session)
    serial = rows(session)
    forks: list[str] = []
    real = build.mp.get_context

    def counted(method: str) -> Any:
        forks.append(method)
        return real(method)

    monkeypatch.setattr(build.mp, "get_context", counted)
    rebuild(session, processes=2)
    assert forks == ["fork"]  # one pool of workers loads and computes every topic's people
    assert rows(session) == serial
    session.rollback()


def test_a_rolled_back_write_leaves_the_read_model_and_version_alone(session: Session) -> None:
    before = rows(session)
    version = session.get(DataVersion, 1).version  # type: ignore[union-attr]
    division = session.exec(select(Division).where(Division.commons_division_id == 1665)).one()
    Recorder(session, actor="test").update(division, {"aye_means": "humanitarian"})
    session.flush()
    session.rollback()
    session.commit()
    assert rows(session) == before
    assert session.get(DataVersion, 1).version == version  # type: ignore[union-attr]


def test_a_changed_scale_rebuilds_its_topic_on_the_next_write(session: Session, cli) -> None:  # type: ignore[no-untyped-def]
    session.execute(sa.update(Topic).values(scale_digest="old"))
    session.execute(sa.delete(StancePeriod))
    session.commit()  # that write itself sees the stale scales and rebuilds every topic
    assert session.exec(select(Topic.scale_digest)).all() != ["old", "old"]
    assert session.exec(select(sa.func.count()).select_from(StancePeriod)).one() > 1000
    assert_matches_a_rebuild(session)
    result = cli("stances", "rebuild", "--topic", "ceasefire")
    assert result.exit_code == 0 and "ceasefire:" in result.output
    assert "There is no topic 'nope'" in cli("stances", "rebuild", "--topic", "nope").output


PAGES = ["/", "/constituencies/birmingham-hall-green-and-moseley", "/people/tahir-ali",
         "/parties/labour", "/councils/oxford-city-council", "/elections/uk-general-election-2024",
         "/search?q=tahir", "/pledges", "/?topic=palestine-action",
         "/people/tahir-ali?format=json", "/parties/labour?format=csv"]


def test_no_page_runs_the_stance_engine(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tracker.readmodel.build as build
    import tracker.stance.engine as engine

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a request ran the stance engine")

    monkeypatch.setattr(engine, "build_timeline", refuse)
    monkeypatch.setattr(build, "build_timeline", refuse)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
