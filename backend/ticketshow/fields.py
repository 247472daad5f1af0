"""Marshmallow fields shared by every schema: names, money, times with an offset, row ids (and their URL
converter)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from marshmallow import ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

from .i18n import _, number
from .text import line_problem, text_problem

MAX_PRICE = Decimal("1000000")
MONEY_TEXT = "rupees, at most two decimals"
MAX_ROW_ID = 2**63 - 1  # SQLite's largest INTEGER: a bigger id cannot even be bound to a query


def RowId(**kwargs) -> fields.Integer:
    """A row id, 1 to SQLite's largest integer, so an absurd id is a 422 and never an overflow."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ROW_ID), **kwargs)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in routes, bounded like RowId: a bigger number matches no route and answers 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


class TrimmedString(fields.String):
    """A string trimmed of surrounding whitespace, then checked for length; text is otherwise kept exactly.

    One-line fields (the default) refuse control and format characters and lone surrogates (text.line_problem);
    `multiline=True` (descriptions) allows line breaks and tabs but no other controls and no unbalanced
    bidirectional overrides (text.text_problem). Either way the 422 names the field.
    """

    def __init__(self, *, min_length: int = 0, max_length: int, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.min_length = min_length
        self.max_length = max_length
        self.multiline = multiline
        self.metadata.setdefault("minLength", min_length)
        self.metadata.setdefault("maxLength", max_length)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.allow_none and self.min_length == 0:
            return None  # an emptied optional field clears it
        problem = text_problem(text) if self.multiline else line_problem(text)
        if problem:
            raise ValidationError(problem)
        if len(text) < self.min_length:
            raise ValidationError(
                _("Must not be empty.")
                if self.min_length == 1
                else _("Must be at least %(num)s characters.", num=self.min_length)
            )
        if len(text) > self.max_length:
            raise ValidationError(_("Must be at most %(num)s characters.", num=self.max_length))
        return text


def Name(**kwargs) -> TrimmedString:
    return TrimmedString(min_length=1, max_length=120, **kwargs)


class Money(fields.Field):
    """Rupees as a JSON number with at most two decimals; accepted from 0 to 1,000,000, dumped as a Decimal.

    The document says `type: number, minimum: 0` and no maximum (totals and dynamic prices may pass the
    input bound) and no `multipleOf: 0.01`, which float-based validators wrongly fail for 19.99.
    `MoneyIn` documents the input bound too."""

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.update({"type": "number", "minimum": 0})
        metadata["description"] = "; ".join(filter(None, [metadata.get("description"), MONEY_TEXT]))
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return money_out(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValidationError(_("Must be a number."))
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValidationError(_("Must be a number.")) from exc
        if not amount.is_finite():
            raise ValidationError(_("Must be a number."))
        if amount < 0:
            raise ValidationError(_("Must not be negative."))
        if amount > MAX_PRICE:
            raise ValidationError(_("Must be at most %(max)s.", max=number(int(MAX_PRICE))))  # 10,00,000
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(_("At most two decimals."))
        return amount.quantize(Decimal("0.01"))


def MoneyIn(**kwargs) -> Money:
    """A price in a request: Money with its enforced maximum in the document."""
    field = Money(**kwargs)
    field.metadata["maximum"] = int(MAX_PRICE)
    field.metadata["description"] = field.metadata["description"].replace(
        MONEY_TEXT, f"rupees from 0 to {int(MAX_PRICE):,}, at most two decimals (19.99)"
    )
    return field


class OffsetDateTime(fields.DateTime):
    """ISO 8601 with an offset on input (any offset); dumped in APP_TIMEZONE with its offset."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)
        self.metadata.setdefault("example", "2026-12-01T18:30:00+05:30")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 64:
            raise ValidationError(_("Must be an ISO 8601 date-time with an offset."))
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValidationError(_("Give the time with an offset, e.g. 2026-12-01T18:30:00+05:30."))
        if not 2000 <= moment.year <= 2100:
            raise ValidationError(_("Must be between the years 2000 and 2100."))
        return moment

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return local_isoformat(value)


_CENT = Decimal("0.01")


def money_out(value) -> Decimal | None:
    """What Money dumps: rupees as a Decimal to the paisa (None stays None); for answers dumped by hand."""
    return None if value is None else Decimal(value).quantize(_CENT)


def local_isoformat(moment: datetime) -> str:
    zone = ZoneInfo(current_app.config["APP_TIMEZONE"])
    return moment.astimezone(zone).isoformat(timespec="seconds")
