"""The JSON API (``/api/v1/...``): resources declared once (:mod:`tracker.api.registry`),
served a page at a time (:mod:`tracker.api.pages`), described by a generated OpenAPI 3.1
document (:mod:`tracker.api.openapi`). The blueprint is :mod:`tracker.web.api`."""
