"""Division (recorded vote) pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("divisions", __name__)
