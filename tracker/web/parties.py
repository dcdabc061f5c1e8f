"""Party pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("parties", __name__)
