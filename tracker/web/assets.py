"""Assets the app serves itself: plotly.js (never from a CDN) and the stance colours."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from flask import Blueprint, Response, abort, request, url_for

from tracker.queries.stances import scale_for

bp = Blueprint("assets", __name__)
YEAR = 365 * 24 * 3600


@lru_cache(maxsize=1)
def _plotly() -> tuple[str, bytes, bytes]:
    from plotly.offline import get_plotlyjs_version

    raw = (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    return get_plotlyjs_version(), raw, gzip.compress(raw, compresslevel=9)


def plotly_url() -> str:
    return url_for("assets.plotly_js", version=_plotly()[0])


@bp.get("/assets/plotly-<version>.min.js")
def plotly_js(version: str) -> Response:
    current, raw, packed = _plotly()
    if version != current:
        abort(404)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(packed, mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(raw, mimetype="text/javascript")
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/assets/stances-<topic>.css")
def stance_css(topic: str) -> Response:
    """Badge colours from the topic scale in data/, so a change there changes every page."""
    try:
        scale = scale_for(topic)
    except (FileNotFoundError, ValueError):
        abort(404)
    rules = [f".stance-{s.key}{{background:{s.colour};color:{s.text_colour}}}" for s in scale.stances]
    response = Response("\n".join(rules) + "\n", mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
