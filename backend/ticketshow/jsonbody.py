"""Request bodies parsed strictly, so that any JSON a client can send is a 4xx and never a 500.

RFC 8259 is the rule: JSON exchanged between systems is UTF-8 (a leading byte order mark is ignored, as
section 8.1 allows); NaN and Infinity are not JSON (400); a number too large for its field (1e400, a
thousand digits) is that field's 422; strings are Unicode scalar values (a lone surrogate such as
"\\ud800" can be written as an escape but cannot be stored or encoded: 422 naming the field). Nesting
deeper than MAX_DEPTH is refused (400) before it can exhaust the stack.

`register(parser)` makes APIFlask's request parser (webargs) use `strict_loads` for the `json` location,
which every `@bp.input(Schema)` body goes through.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from .errors import DomainError, Invalid
from .i18n import _, _l

MAX_DEPTH = 32  # our richest body (a show with screenings) nests 3 levels; 32 leaves room for clients
MAX_INT_DIGITS = 400  # far beyond any id (19 digits) or amount, far below Python's 4,300-digit guard


class BadJson(DomainError):
    status, code, message = 400, "invalid_json", _l("The request body is not valid JSON.")


def _refuse_constant(name: str):
    raise BadJson(
        _("%(name)s is not a JSON number (RFC 8259); send a finite number.", name=name),
        details={"reason": "non_finite_number"},
    )


def _huge_int(text: str) -> int | float:
    """A whole number with more digits than any field accepts is parsed as ±infinity, so the field's own
    validation names it (422 "Number too large") instead of Python refusing to convert 4,300+ digits."""
    if len(text) > MAX_INT_DIGITS:
        return float("-inf") if text.startswith("-") else float("inf")
    return int(text)


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _check_structure(value: Any) -> None:
    """Depth and lone surrogates, walked without recursion; a surrogate is a 422 naming the field."""
    if type(value) is dict and all(type(inner) is int for inner in value.values()) and all(map(str.isascii, value)):
        return  # {"quantity": 2}, {"hold_id": 7}: one level, ASCII names (no surrogate), numbers only
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    bad_fields: dict[str, str] = {}
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadJson(
                _("The body is nested more than %(depth)s levels deep.", depth=MAX_DEPTH),
                details={"reason": "too_deep", "max_depth": MAX_DEPTH},
            )
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                bad_fields[path or "_body"] = _(
                    "Contains a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not a Unicode character."
                )
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = key.encode("utf-8", "backslashreplace").decode("utf-8") if _has_lone_surrogate(key) else key
                inner_path = f"{path}.{name}" if path else name
                if _has_lone_surrogate(key):
                    bad_fields[inner_path] = _("The field name contains a lone surrogate.")
                stack.append((inner, inner_path, depth + 1))
        elif isinstance(item, list):
            stack.extend(
                (inner, f"{path}.{index}" if path else str(index), depth + 1) for index, inner in enumerate(item)
            )
    if bad_fields:
        raise Invalid(bad_fields, _("Some fields contain text that is not valid Unicode."), code="invalid_text")


# json.loads(text, parse_constant=..., parse_int=...) as one decoder, not a new one per body
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_huge_int)


def strict_loads(data: bytes | str) -> Any:
    """Parse a request body. Raises BadJson (400) for anything that is not interoperable JSON, Invalid
    (422, `invalid_text`, naming the fields) for strings holding lone surrogates."""
    if isinstance(data, bytes):
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")  # strict: Latin-1 bytes, UTF-16 and encoded surrogates all fail here
        except UnicodeDecodeError as exc:
            raise BadJson(
                _("The body must be JSON encoded as UTF-8 (RFC 8259)."),
                details={"reason": "not_utf8", "position": exc.start},
            ) from exc
    else:
        text = data
    try:
        # 1e400 parses as inf, which every number field refuses by name (marshmallow, fields.Money).
        value = _DECODER.decode(text)
    except RecursionError as exc:
        raise BadJson(
            _("The body is nested more than %(depth)s levels deep.", depth=MAX_DEPTH),
            details={"reason": "too_deep", "max_depth": MAX_DEPTH},
        ) from exc
    except json.JSONDecodeError as exc:
        raise BadJson(details={"reason": exc.msg, "line": exc.lineno, "column": exc.colno}) from exc
    except ValueError as exc:  # anything else the decoder refuses
        raise BadJson(details={"reason": str(exc)[:200]}) from exc
    _check_structure(value)
    return value


def register(parser) -> None:
    """Make `parser` (APIFlask's webargs parser) read JSON bodies with strict_loads."""
    from webargs import core
    from webargs.flaskparser import is_json_request

    @parser.location_loader("json")
    def load_json(request, schema):
        if not is_json_request(request):
            return core.missing
        data = request.get_data(cache=True)
        if not data:
            return core.missing
        return strict_loads(data)


def shortcut(schema, fast: Callable[[Any], dict | None], arg_name: str = "data"):
    """For a route declared with `@bp.input(schema, arg_name=..., validation=False)` (put this right below it):
    `fast(body)` turns the commonest valid bodies into what schema.load gives, and answers None for anything
    else, which then goes through APIFlask's parser and `schema` as before, with the same 422 answers. The
    body is still read by strict_loads (register). Marshmallow's load was a few per cent of a hold + book
    pair's CPU (docs/benchmarks.md, "Seat holds"); `fast` must accept nothing the schema refuses (its tests
    compare the two)."""

    def decorator(view):
        @wraps(view)
        def loaded(*args, **kwargs):
            body = kwargs[arg_name]
            found = fast(body) if isinstance(body, dict) else None
            if found is None:
                from apiflask.schema_adapters.marshmallow import parser

                found = parser.parse(schema, location="json")  # the schema's checks and 422 answers
            kwargs[arg_name] = found
            return view(*args, **kwargs)

        return loaded

    return decorator


def is_int(value) -> bool:
    """A JSON integer as marshmallow's strict Integer takes it (never a bool)."""
    return type(value) is int
