"""The ceasefire-stance tracker: a Flask application (see create_app)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from tracker.config import (
    PROJECT_ROOT,
    TEMPLATES_DIR,
    check_production,
    from_environment,
    normalise_database_url,
    normalise_site_url,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings read from the environment."""
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    app.config["DATABASE_URL"] = normalise_database_url(str(app.config["DATABASE_URL"]))
    app.config["SITE_URL"] = normalise_site_url(str(app.config["SITE_URL"]))
    check_production(app.config)
    # Sign-in cookies only travel over HTTPS when the site is served over HTTPS.
    secure = app.config["SITE_URL"].startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if name not in (config or {}):
            app.config[name] = secure

    from tracker import db, extensions, web
    from tracker.cli import add_commands

    db.init_app(app)
    extensions.init_app(app)
    web.init_app(app)
    add_commands(app)  # `flask --app tracker ...` runs what `tracker ...` runs
    return app
