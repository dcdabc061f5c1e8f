"""The web site: blueprints, error pages and security headers."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, render_template, request


def init_app(app: Flask) -> None:
    from tracker.web import (
        api,
        asof,
        assets,
        auth,
        cache,
        campaigns,
        compare,
        coverage,
        decisions,
        divisions,
        downloads,
        elections,
        errors,
        feeds,
        filters,
        history,
        moderation,
        parties,
        people,
        places,
        pledges,
        public,
        replies,
        search,
        submissions,
        uploads,
    )
    from tracker.web.topics import topic_nav

    filters.init_app(app)
    errors.init_app(app)
    app.context_processor(topic_nav)
    for module in (public, people, places, parties, divisions, decisions, elections, pledges, search, assets,
                   history, auth, coverage, submissions, moderation, feeds, compare, api):
        app.register_blueprint(module.bp)
    api.init_app(app)  # JSON 405s under /api
    search.init_app(app)  # the postcode rate limit, on the registered view
    auth.init_app(app)  # the user loader; rate limits on signing in
    app.register_blueprint(replies.bp)  # claiming a page, right of reply (not cached: per user)
    replies.init_app(app)  # rate limits on claims and responses
    submissions.init_app(app)  # rate limits on submitting
    app.register_blueprint(campaigns.bp)  # campaign forms, pledge links (not cached: forms, secrets)
    campaigns.init_app(app)  # the rate limit on candidates' pledge links
    app.register_blueprint(uploads.bp)  # campaign lists: upload, preview, review (not cached: per user)
    app.register_blueprint(downloads.bp)  # the full data: /downloads/dump.zip and each table
    uploads.init_app(app)  # the rate limit on uploads
    app.before_request(_reject_nul)
    # Pages that show only the data (not search by postcode, assets or, later, anything
    # personal) get ETags and are kept by (URL, data version): tracker/web/cache.py.
    shown = [public.bp, people.bp, places.bp, parties.bp, divisions.bp, decisions.bp,
             elections.bp, pledges.bp, history.bp, coverage.bp, feeds.bp, compare.bp, api.bp]
    cache.init_app(app, [*shown, downloads.bp], conditions={"search.search": search.is_name_search})
    # Every page that shows the data can be seen as it stood at the end of a past day.
    asof.init_app(app, [bp.name for bp in shown] + [search.bp.name, downloads.bp.name])
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
    if current_app.config["SITE_URL"].startswith("https://"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # plotly.js adds its own <style> rules, hence 'unsafe-inline' for styles only.
    headers.setdefault("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                       "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
                       "form-action 'self'")
    return response


def _twin_asked() -> bool:
    """A CSV, JSON or NDJSON twin, a download (or the API) was asked for: its errors come in
    that format (tracker/web/errors.py)."""
    from tracker.web.errors import asked_format, is_api_request

    return asked_format() in ("csv", "json", "ndjson", "zip") or is_api_request()


def _not_found(error: Exception) -> Response | tuple[str, int]:
    from werkzeug.exceptions import NotFound

    from tracker.web.errors import error_response

    described = getattr(error, "description", None)
    message = described if described and described != NotFound.description else None
    if _twin_asked():
        return error_response(404, "Not found", message or f"There is nothing at {request.path}.")
    return render_template("errors/404.html", message=message), 404


def _server_error(_error: Exception) -> Response | tuple[str, int]:
    from tracker.web.errors import error_response

    if _twin_asked():
        return error_response(500, "Server error", "Something went wrong on our side; please try again.")
    return render_template("errors/500.html"), 500
