"""The OpenAPI 3.1 document of the API, generated from the resources' declarations: every path,
parameter (with the allowed values of today's topics and scales), row schema (from the
declared column types), the error body and pagination."""

from __future__ import annotations

import re
from typing import Any

from tracker.api.declare import AS_OF, CURSOR, DEFAULT_LIMIT, LIMIT, MAX_LIMIT, Filter, Resource
from tracker.api.registry import RESOURCES
from tracker.exports.schema import Column

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
_NULLABLE = {"string": "string", "url": "string", "date": "string", "datetime": "string",
             "integer": "integer", "number": "number", "boolean": "boolean"}
_FORMATS = {"date": "date", "datetime": "date-time", "url": "uri"}
ERROR = "Error"
_DAY = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
# Numbers in a query are written with the digits 0-9 only (tracker/web/params.py): "7.0" is not one.
_NUMBER = {"type": "string", "pattern": "^0*[1-9][0-9]*$", "maxLength": 40}
_LIMIT = {"type": "string", "pattern": "^0*([1-9][0-9]{0,2}|1000)$", "maxLength": 40}
# A record's slug (as in its page's address), or its id.
_SLUG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 150}
# An empty value counts as absent (``?party=``, what an empty form field sends), as on every page.
_EMPTY = {"type": "string", "maxLength": 0}
# What a cursor is made of (base64url); any other character makes it one no list gave.
_CURSOR = {"type": "string", "maxLength": 2000, "pattern": "^[A-Za-z0-9_-]*$"}


def query_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: its values, or empty (absent)."""
    return {"anyOf": [schema, _EMPTY]}


def column_schema(column: Column) -> dict[str, Any]:
    """A column as JSON Schema: its declared type, or null (every column may be empty)."""
    schema: dict[str, Any] = {"type": [_NULLABLE[column.type], "null"], "description": column.description}
    if column.type in _FORMATS:
        schema["format"] = _FORMATS[column.type]
    if column.values is not None:
        schema["enum"] = [*column.values, None]
    return schema


def row_schema(resource: Resource) -> dict[str, Any]:
    return {"type": "object", "description": f"One {resource.item}.",
            "properties": {c.name: column_schema(c) for c in resource.columns},
            "required": [c.name for c in resource.columns], "additionalProperties": False}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _operation_id(verb: str, name: str) -> str:
    return f"{verb}_{re.sub(r'[^a-z0-9]+', '_', name)}"


def filter_parameter(f: Filter) -> dict[str, Any]:
    if f.type == "date":
        schema: dict[str, Any] = dict(_DAY)
    elif f.type == "integer":
        schema = dict(_NUMBER)
    elif f.type == "choice" and f.choices is not None:
        schema = {"type": "string", "enum": list(f.choices())}
    else:
        schema = dict(_SLUG)
    parameter: dict[str, Any] = {"name": f.name, "in": "query", "required": False,
                                 "description": f.description, "schema": query_schema(schema)}
    if f.example is not None:
        parameter["example"] = f.example
    return parameter


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {400: "BadRequest", 404: "NotFound", 503: "Unavailable"}
    return {str(s): _ref("responses", names[s]) for s in statuses}


def _list_operation(resource: Resource) -> dict[str, Any]:
    described = resource.description + (
        f" Pages of at most {LIMIT} rows (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}) in a stable order; "
        f"next (and the Link header) is the address of the next page, null on the last.")
    return {
        "operationId": _operation_id("list", resource.name), "summary": resource.title,
        "description": described, "tags": [resource.name],
        "parameters": [*(filter_parameter(f) for f in resource.filters), _ref("parameters", "limit"),
                       _ref("parameters", "cursor"), _ref("parameters", "as_of")],
        "responses": {
            "200": {"description": f"A page of {resource.title.lower()}.",
                    "headers": {"Link": _ref("headers", "Link"), "ETag": _ref("headers", "ETag")},
                    "content": _json(_ref("schemas", f"{resource.schema_name}Page"))},
            "304": {"description": "Not modified: the page is the one your If-None-Match names."},
            **_errors(400, 503)},
    }


def _item_operation(resource: Resource) -> dict[str, Any]:
    lookup = resource.lookup
    assert lookup is not None
    key_schema: dict[str, Any] = dict(_SLUG if lookup.slug is not None else _NUMBER)
    key: dict[str, Any] = {"name": "key", "in": "path", "required": True, "description": lookup.description,
                           "schema": key_schema}
    if lookup.example is not None:
        key["example"] = lookup.example
    return {
        "operationId": _operation_id("get", resource.item), "summary": f"One {resource.item}",
        "description": f"One {resource.item}, with links to the lists narrowed to it.",
        "tags": [resource.name], "parameters": [key, _ref("parameters", "as_of")],
        "responses": {
            "200": {"description": f"The {resource.item}.", "headers": {"ETag": _ref("headers", "ETag")},
                    "content": _json(_ref("schemas", f"{resource.schema_name}Item"))},
            "304": {"description": "Not modified: the record is the one your If-None-Match names."},
            **_errors(400, 404, 503)},
    }


def _schemas(resource: Resource) -> dict[str, Any]:
    name = resource.schema_name
    as_of = {"type": ["string", "null"], "format": "date",
             "description": "The day the answer shows the data as of (as_of), null for today's data."}
    out: dict[str, Any] = {
        name: row_schema(resource),
        f"{name}Page": {
            "type": "object", "additionalProperties": False, "required": ["data", "next", "as_of"],
            "properties": {
                "data": {"type": "array", "items": _ref("schemas", name), "maxItems": MAX_LIMIT},
                "next": {"type": ["string", "null"], "format": "uri",
                         "description": "The next page's address (absolute); null on the last page."},
                "as_of": as_of}},
    }
    if resource.lookup is not None:
        links = {r.name: {"type": ["string", "null"], "format": "uri", "description": r.description}
                 for r in resource.related}
        out[f"{name}Item"] = {
            "type": "object", "additionalProperties": False, "required": ["data", "links", "as_of"],
            "properties": {
                "data": _ref("schemas", name),
                "links": {"type": "object", "additionalProperties": False, "required": list(links),
                          "properties": links, "description": "The lists narrowed to this record."},
                "as_of": as_of}}
    return out


def _error_schema() -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": ["error"], "properties": {
        "error": {"type": "object", "required": ["status", "title", "message"], "properties": {
            "status": {"type": "integer", "description": "The HTTP status."},
            "title": {"type": "string"},
            "message": {"type": "string", "description": "What went wrong, and what is allowed."},
            "parameter": {"type": "string", "description": "The query parameter at fault (400)."},
            "retry_after": {"type": "integer",
                            "description": "Seconds to wait before trying again (503)."}}}}}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref("schemas", ERROR))}


def document(site_url: str) -> dict[str, Any]:
    """The whole OpenAPI document (``site_url``: the server, from SITE_URL)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {ERROR: _error_schema()}
    for resource in RESOURCES:
        paths[resource.path] = {"get": _list_operation(resource)}
        if resource.lookup is not None:
            paths[f"{resource.path}/{{key}}"] = {"get": _item_operation(resource)}
        schemas.update(_schemas(resource))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Ceasefire tracker API", "version": API_VERSION,
            "description": (
                "Where UK MPs, candidates and councillors stand on a ceasefire in Gaza, with the evidence: "
                "the site's public data as JSON. Every list is read a page at a time (follow next, or the "
                "Link header); as_of=YYYY-MM-DD shows the data as it stood at the end of that day. An empty "
                "query parameter counts as absent. Only public data: approved evidence and replies, public "
                "changes, no accounts. Column names and meanings are those of the site's CSV downloads. "
                "Human-readable documentation: /api."),
            "license": {"name": "Open data: see /methodology for each source's licence",
                        "url": f"{site_url}/methodology"}},
        "servers": [{"url": site_url}],
        "tags": [{"name": r.name, "description": r.description} for r in RESOURCES],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "limit": {"name": LIMIT, "in": "query", "required": False,
                          "description": f"Rows per page, from 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
                          "schema": query_schema({**_LIMIT, "default": str(DEFAULT_LIMIT)})},
                "cursor": {"name": CURSOR, "in": "query", "required": False,
                           "description": "Where the page starts: copy it from the previous page's next "
                                          "address, never build it. Omit it for the first page.",
                           "schema": query_schema(_CURSOR)},
                "as_of": {"name": AS_OF, "in": "query", "required": False,
                          "description": "Show the data as it stood at the end of this day (UTC), from "
                                         "2000-01-01 to today: records dated later are left out, and every "
                                         "change committed later is undone.",
                          "schema": query_schema(_DAY)},
            },
            "headers": {
                "Link": {"description": "<next page's address>; rel=\"next\", on every page but the last.",
                         "schema": {"type": "string"}},
                "ETag": {"description": "The answer's version: send it back as If-None-Match for a 304 when "
                                        "nothing has changed.", "schema": {"type": "string"}},
            },
            "responses": {
                "BadRequest": _error_response("A parameter is not one this address takes, or its value is "
                                              "not allowed: the error names it and says what is."),
                "NotFound": _error_response("No such record (or address)."),
                "Unavailable": _error_response("Busy, or preparing the data as of a past day: try again "
                                               "after Retry-After seconds."),
            },
        },
    }
