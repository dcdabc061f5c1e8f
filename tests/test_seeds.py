"""The seed dataset: a small, real, sourced site on a fresh install."""

from __future__ import annotations

import json

from sqlmodel import select

from tracker.models import ChangeSet, Evidence, Revision, Source


def test_seed_loads_sourced_records_and_is_idempotent(cli, session):
    first = cli("seed")
    assert first.exit_code == 0, first.output
    assert ": 0 added" not in first.output
    second = cli("seed")
    assert "seeds: 0 added, 0 updated" in second.output

    counts = json.loads(cli("stats", "--json").output)
    assert counts["person"] >= 10 and counts["evidence"] >= 7 and counts["pledge"] == 1
    # Every piece of evidence cites an article with a publisher and a title.
    for evidence, source in session.exec(
            select(Evidence, Source).join(Source, Source.id == Evidence.source_id)).all():
        assert evidence.status == "approved"
        assert source.publisher and source.title, evidence.external_key
    # Every write was logged with the seed as its actor.
    assert session.exec(select(Revision).join(ChangeSet).where(ChangeSet.actor == "seed")).first() is not None


def test_seed_if_empty_leaves_a_loaded_database_alone(cli):
    cli("seed")
    again = cli("seed", "--if-empty")
    assert "already holds data" in again.output


def test_party_line_is_context_not_a_members_stance(cli):
    cli("seed")
    report = json.loads(cli("stance", "keir-starmer", "--json").output)
    assert report["current"]["stance"] == "humanitarian"
    # Labour's line is held as party evidence, not among Starmer's own evidence.
    assert all(e["id"].startswith("evidence:") for e in report["evidence"])
    assert len(report["evidence"]) == 1


def test_bad_seed_file_is_rejected_whole(app, cli, tmp_path, session):
    bad = tmp_path / "seeds"
    bad.mkdir()
    (bad / "articles.toml").write_text('[[articles]]\nkey = "a"\npublisher = "P"\ntitle = "T"\n')
    (bad / "evidence.toml").write_text(
        '[[evidence]]\nkey = "seed:x"\nperson = "nobody"\nkind = "statement"\n'
        'stance = "ceasefire"\ndate = 2024-01-01\narticle = "a"\nsummary = "s"\n')
    app.config["SEEDS_DIR"] = bad
    result = cli("seed")
    assert result.exit_code == 1
    assert "evidence.toml" in result.output and "unknown person 'nobody'" in result.output
    assert json.loads(cli("stats", "--json").output)["source"] == 0
