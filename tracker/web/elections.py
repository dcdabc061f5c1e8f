"""Election pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("elections", __name__)
