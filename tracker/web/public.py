"""Home, methodology and the site-wide pages."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    return render_template("home.html")
