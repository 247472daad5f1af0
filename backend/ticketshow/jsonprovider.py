"""JSON with money as numbers that keep two decimals (250.00, never "250.00" or 250.0)."""

from __future__ import annotations

from datetime import date, datetime

import simplejson
from flask.json.provider import JSONProvider


def _default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# What simplejson.dumps(obj, use_decimal=True, default=_default, ensure_ascii=False) builds on every call
# (options other than its defaults make it construct an encoder each time), built once; encode() keeps no
# state between calls.
_ENCODER = simplejson.JSONEncoder(ensure_ascii=False, use_decimal=True, default=_default)


class DecimalJSONProvider(JSONProvider):
    mimetype = "application/json"

    def dumps(self, obj, **kwargs):
        if not kwargs:  # every answer: the one encoder
            return _ENCODER.encode(obj)
        kwargs.setdefault("ensure_ascii", False)
        return simplejson.dumps(obj, use_decimal=True, default=_default, **kwargs)

    def loads(self, s, **kwargs):
        return simplejson.loads(s, **kwargs)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj) + "\n", mimetype=self.mimetype)
