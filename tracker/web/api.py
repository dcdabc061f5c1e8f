"""The JSON API under /api/v1, its OpenAPI document (/api/openapi.json) and its page (/api).

Every route comes from the resources' declarations (tracker/api/registry.py): a list at
``/api/v1/<name>`` and, where a record can be named, an item at ``/api/v1/<name>/<key>``.
Answers are JSON with the declared columns in their declared order; errors under /api are
JSON too (tracker/web/errors.py). Pages are cached like the site's (tracker/web/cache.py)
and can be asked for as of a past day (tracker/web/asof.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, g, render_template, request
from werkzeug.exceptions import MethodNotAllowed

from tracker.api import pages
from tracker.api.declare import AS_OF, CURSOR, DEFAULT_LIMIT, LIMIT, MAX_LIMIT, Resource
from tracker.api.openapi import document
from tracker.api.registry import RESOURCES
from tracker.db import get_session
from tracker.web.errors import error_response, is_api_request
from tracker.web.site_url import absolute, site_url

bp = Blueprint("api", __name__)
JSON = "application/json"


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_response(body: Any) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=_plain), mimetype=JSON)


def _as_of() -> str | None:
    day: date | None = g.get("as_of_day")
    return day.isoformat() if day else None


def _with(path: str, args: list[tuple[str, str]]) -> str:
    """An absolute address on SITE_URL, keeping the day shown (``as_of``)."""
    day = _as_of()
    if day and AS_OF not in {k for k, _ in args}:
        args = [*args, (AS_OF, day)]
    return absolute(path + (f"?{urlencode(args)}" if args else ""))


def _list_view(resource: Resource) -> Callable[[], Response]:
    def view() -> Response:
        page = pages.list_page(get_session(), resource, request.args)
        following = None
        if page.cursor is not None:
            kept = [(k, v) for k, v in request.args.items(multi=True) if k != CURSOR and v != ""]
            following = _with(request.path, [*kept, (CURSOR, page.cursor)])
        response = json_response({"data": page.rows, "next": following, "as_of": _as_of()})
        if following is not None:
            response.headers["Link"] = f'<{following}>; rel="next"'
        return response

    view.__name__ = f"list_{resource.name.replace('/', '_').replace('-', '_')}"
    return view


def _item_view(resource: Resource) -> Callable[[str], Response]:
    def view(key: str) -> Response:
        row = pages.item(get_session(), resource, key, request.args)
        if row is None:
            assert resource.lookup is not None
            return error_response(404, "Not found", f"There is no {resource.item} {key[:80]!r} at "
                                                    f"{resource.path}/<key>: {resource.lookup.description}")

        def link(name: str, parameter: str, value: Any) -> str:
            return _with(f"/api/v1/{name}", [(parameter, str(value))])

        return json_response({"data": row, "links": pages.links(resource, row, link), "as_of": _as_of()})

    view.__name__ = f"get_{resource.item.replace(' ', '_')}"
    return view


for _resource in RESOURCES:
    bp.add_url_rule(_resource.path, view_func=_list_view(_resource), methods=["GET"])
    if _resource.lookup is not None:
        bp.add_url_rule(f"{_resource.path}/<key>", view_func=_item_view(_resource), methods=["GET"])


@bp.get("/api/openapi.json")
def openapi() -> Response:
    if request.args.keys() - {AS_OF}:
        return error_response(400, "Bad request", "/api/openapi.json takes no parameters")
    return json_response(document(site_url()))


@bp.get("/api")
def overview() -> str:
    return render_template("api.html", resources=[_described(r) for r in RESOURCES], limit=LIMIT,
                           cursor=CURSOR, default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT,
                           site=site_url())


def _described(resource: Resource) -> dict[str, Any]:
    """What /api says about a resource, from its declaration."""
    lookup = resource.lookup
    return {
        "name": resource.name, "title": resource.title, "description": resource.description,
        "path": resource.path, "anchor": resource.name.replace("/", "-"),
        "item": f"{resource.path}/<key>" if lookup else None,
        "key": lookup.description if lookup else None,
        "example": f"{resource.path}/{lookup.example}" if lookup and lookup.example else None,
        "filters": [{"name": f.name, "type": f.type, "description": f.description,
                     "choices": list(f.choices()) if f.choices else None, "example": f.example}
                    for f in resource.filters],
        "columns": [{"name": c.name, "type": c.type, "description": c.description, "allowed": c.values}
                    for c in resource.columns],
        "related": [(r.name, f"{r.resource}?{r.filter}=…", r.description) for r in resource.related],
    }


def _method_not_allowed(error: MethodNotAllowed) -> Response | MethodNotAllowed:
    if not is_api_request():
        return error
    allowed = sorted(error.valid_methods or ("GET", "HEAD"))
    response = error_response(405, "Method not allowed",
                              f"{request.path} answers {', '.join(allowed)} only; the API is read-only.")
    response.headers["Allow"] = ", ".join(allowed)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(405, _method_not_allowed)
