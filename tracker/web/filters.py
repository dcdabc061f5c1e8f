"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
