"""The web site: blueprints, error pages and security headers."""

from __future__ import annotations

from flask import Flask, Response, abort, render_template, request


def init_app(app: Flask) -> None:
    from tracker.web import (
        assets,
        decisions,
        divisions,
        elections,
        errors,
        filters,
        parties,
        people,
        places,
        pledges,
        public,
        search,
    )
    from tracker.web.topics import topic_nav

    filters.init_app(app)
    errors.init_app(app)
    app.context_processor(topic_nav)
    for module in (public, people, places, parties, divisions, decisions, elections, pledges, search, assets):
        app.register_blueprint(module.bp)
    search.init_app(app)  # the postcode rate limit, on the registered view
    app.before_request(_reject_nul)
    app.after_request(_security_headers)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(500, _server_error)


def _reject_nul() -> None:
    """A NUL byte is never part of a page's address, and PostgreSQL refuses it in a query.

    Query arguments are the views' business (search strips it from what is typed).
    """
    if "\x00" in request.path:
        abort(404)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    # plotly.js adds its own <style> rules, hence 'unsafe-inline' for styles only.
    headers.setdefault("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                       "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
                       "form-action 'self'")
    return response


def _not_found(error: Exception) -> tuple[str, int]:
    from werkzeug.exceptions import NotFound

    described = getattr(error, "description", None)
    message = described if described and described != NotFound.description else None
    return render_template("errors/404.html", message=message), 404


def _server_error(_error: Exception) -> tuple[str, int]:
    return render_template("errors/500.html"), 500
