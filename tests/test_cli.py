"""The tracker command: stats, stance and database commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from tracker.config import PROJECT_ROOT


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


def _commands(help_text: str) -> set[str]:
    """The command names a click --help lists under "Commands:"."""
    listed = help_text.split("Commands:", 1)[1]
    return {match.group(1) for match in re.finditer(r"^  ([a-z][\w-]*)", listed, re.M)}


def test_flask_app_runs_every_tracker_command(cli, tmp_path):
    """`flask --app tracker ...` runs what `tracker ...` runs, on a database it migrated itself."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, *args], env=env, cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    ours = _commands(cli("--help").output)
    assert {"db", "import", "seed", "serve", "stats", "stance", "aggregate", "snapshot"} <= ours
    assert ours - _commands(run("-m", "flask", "--app", "tracker", "--help")) == set()

    assert "Database at revision" in run("-m", "flask", "--app", "tracker", "db", "upgrade")
    counts = json.loads(run("-m", "flask", "--app", "tracker", "stats", "--json"))
    assert counts["person"] == 0 and "revision" in counts
