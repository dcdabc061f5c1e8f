"""The tracker command: stats, stance and database commands."""

from __future__ import annotations

import json


def test_stats_lists_every_table(cli):
    result = cli("stats", "--json")
    counts = json.loads(result.output)
    assert counts["person"] == 0 and "revision" in counts


def test_stance_text_shows_stance_evidence_and_source(cli):
    cli("seed")
    out = cli("stance", "Sophia Naqvi").output
    assert "Current stance: ceasefire (Calls for an immediate ceasefire) since 2 Mar 2024" in out
    assert "No ceasefire, no vote." in out
    assert "source: Socialist Worker" in out


def test_stance_unknown_person_is_a_clear_error(cli):
    result = cli("stance", "Nobody At All")
    assert result.exit_code == 1
    assert "No person matches 'Nobody At All'" in result.output


def test_db_current_reports_the_head_revision(cli):
    from alembic.script import ScriptDirectory

    from tracker.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert cli("db", "current").output.strip() == head
