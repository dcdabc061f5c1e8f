"""The web site: blueprints, error pages and security headers."""

from __future__ import annotations

from flask import Flask, Response, render_template


def init_app(app: Flask) -> None:
    from tracker.web import filters, pages

    filters.init_app(app)
    app.register_blueprint(pages.bp)
    app.after_request(_security_headers)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(500, _server_error)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                       "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
                       "form-action 'self'")
    return response


def _not_found(_error: Exception) -> tuple[str, int]:
    return render_template("errors/404.html"), 404


def _server_error(_error: Exception) -> tuple[str, int]:
    return render_template("errors/500.html"), 500
