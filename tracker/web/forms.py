"""The base of the site's forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm


class Form(FlaskForm):  # type: ignore[misc]
    def show_errors(self, errors: dict[str, str]) -> None:
        """Put a service's errors (by field name) beside their fields; the rest above the form."""
        for name, message in errors.items():
            field = getattr(self, name, None)
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                self.form_errors.append(message)
