"""Notes that decorators leave on a view for the OpenAPI document; openapi.finish_document reads them.

Kept in our own attribute rather than APIFlask's internal `_spec`, so nothing here depends on a private
API: `security` (a scheme of SECURITY_SCHEMES: the route needs a token), `x_access` (a rule of
openapi.ACCESS_RULES), `x_cached` (behind cache.cached_json), `x_parameters` and `x_headers` (openapi.document).
functools.wraps copies a view's attributes onto its wrapper, so the notes follow the view through the
decorators stacked on it, as APIFlask's own annotations do.
"""

from __future__ import annotations

from typing import Any

NOTES = "__openapi_notes__"


def annotate(view, **notes: Any) -> None:
    """Add notes to a view (a later note of the same name replaces the earlier one)."""
    view.__dict__.setdefault(NOTES, {}).update(notes)


def notes_of(view) -> dict[str, Any]:
    return getattr(view, NOTES, {})
