"""Request and response schemas of the catalogue; the same classes validate input and document the API."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, File, Float, Integer, List, Nested, String
from marshmallow import ValidationError, validate, validates_schema

from ..fields import Money, MoneyIn, Name, OffsetDateTime, RowId, TrimmedString
from ..i18n import _
from ..pagination import PageQuery, page_schema
from ..ratings.schemas import UserRatingOut
from .images import VARIANT_WIDTHS

Capacity = lambda **kw: Integer(strict=True, validate=validate.Range(min=1, max=10000), **kw)  # noqa: E731


class RatingField(Float):
    """The show's own rating set by the admin (0 to 5, a number; not the users' scores: ratings/)."""

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, validate=validate.Range(min=0, max=5), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError(_("Must be a number."))
        return super()._deserialize(value, attr, data, **kwargs)


class Tag(TrimmedString):
    def __init__(self, **kwargs):
        super().__init__(min_length=1, max_length=40, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lower()


# ---- theatres -------------------------------------------------------------------------------------


class TheatreIn(Schema):
    name = Name(required=True)
    place = Name(required=True, metadata={"description": "city or locality"})
    capacity = Capacity(required=True)
    address = TrimmedString(max_length=300, allow_none=True)
    caption = TrimmedString(max_length=200, allow_none=True, metadata={"description": "a one-line tagline"})
    description = TrimmedString(max_length=5000, allow_none=True, multiline=True)


class TheatreRef(Schema):
    id = Integer()
    name = String()
    place = String()


class TheatreOut(Schema):
    id = Integer()
    name = String()
    place = String()
    address = String(allow_none=True)
    caption = String(allow_none=True)
    description = String(allow_none=True)
    capacity = Integer()
    image_url = String(allow_none=True)
    popularity = Float(allow_none=True, metadata={"description": "0..100, null before the first forecast"})
    created_at = OffsetDateTime()
    updated_at = OffsetDateTime()


class TheatreQuery(PageQuery):
    q = String(validate=validate.Length(max=120), metadata={"description": "name contains"})
    place = String(
        validate=validate.Length(max=120), metadata={"description": "location contains (case- and accent-insensitive)"}
    )


# ---- shows ----------------------------------------------------------------------------------------


class ShowRef(Schema):
    id = Integer()
    name = String()
    image_url = String(allow_none=True)


class AllocationIn(Schema):
    theatre_id = RowId(strict=True, required=True)
    starts_at = OffsetDateTime(required=True)
    price = MoneyIn(allow_none=True, metadata={"description": "defaults to the show's ticket_price"})


class DynamicPricingIn(Schema):
    enabled = Boolean(required=True, truthy={True}, falsy={False})  # JSON true or false, not "yes"
    floor_pct = Integer(
        strict=True,
        validate=validate.Range(min=10, max=100),
        metadata={"description": "lowest price, as a percentage of the base price (default 80)"},
    )
    ceiling_pct = Integer(
        strict=True,
        validate=validate.Range(min=100, max=500),
        metadata={"description": "highest price, as a percentage of the base price (default 150)"},
    )


class DynamicPricingOut(Schema):
    enabled = Boolean()
    floor_pct = Integer()
    ceiling_pct = Integer()


class ShowIn(Schema):
    name = Name(required=True)
    caption = TrimmedString(max_length=200, allow_none=True)
    description = TrimmedString(max_length=5000, allow_none=True, multiline=True)
    rating = RatingField(required=True)
    tags = List(Tag(), required=True, validate=validate.Length(max=12))
    ticket_price = MoneyIn(required=True)
    duration_minutes = Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=1440))
    language = TrimmedString(max_length=60, allow_none=True)
    aliases = List(
        TrimmedString(min_length=1, max_length=120),
        validate=validate.Length(max=8),
        metadata={
            "description": "other spellings people search for (at most 8, e.g. a romanised title: "
            '"Mazhaikaalam"); the whole list is replaced, [] clears it'
        },
    )
    dynamic_pricing = Nested(DynamicPricingIn, metadata={"description": "off unless given (docs/pricing.md)"})
    screenings = List(
        Nested(AllocationIn),
        validate=validate.Length(max=500),
        load_only=True,
        metadata={"description": "allocate theatres at showtimes while creating the show"},
    )


class ShowUpdateIn(ShowIn):
    class Meta:
        exclude = ("screenings",)


class ShowOut(Schema):
    id = Integer()
    name = String()
    caption = String(allow_none=True)
    description = String(allow_none=True)
    rating = Float()
    tags = List(String())
    ticket_price = Money()
    duration_minutes = Integer(allow_none=True)
    language = String(allow_none=True)
    aliases = List(String(), attribute="alias_list", metadata={"description": "other spellings found by `q`"})
    romanised_name = String(
        attribute="name_romanised",
        allow_none=True,
        metadata={
            "description": "the name in Latin letters when it is in an Indian script (computed, found by `q`); "
            "null otherwise"
        },
    )
    image_url = String(allow_none=True)
    user_rating = Nested(UserRatingOut)
    dynamic_pricing = Nested(DynamicPricingOut, attribute="dynamic_pricing_settings")
    popularity = Float(allow_none=True, metadata={"description": "0..100, null before the first forecast"})
    trending = Boolean(metadata={"description": "bookings are picking up fast (docs/popularity.md)"})
    price_from = Money(
        allow_none=True,
        metadata={
            "description": "the lowest price a booking is charged now among its upcoming screenings, in `place` "
            'when the request gives one (a show\'s card and headline say "from ₹X"); null when none is on sale '
            "there"
        },
    )
    created_at = OffsetDateTime()
    updated_at = OffsetDateTime()


class Timeframe(Schema):
    from_ = OffsetDateTime(data_key="from", metadata={"description": "start of the timeframe (with offset)"})
    to = OffsetDateTime(metadata={"description": "end of the timeframe (with offset); not before `from` (422)"})

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError(_("Must not be before 'from'."), field_name="to")


class ShowQuery(PageQuery, Timeframe):
    q = String(
        validate=validate.Length(max=120),
        metadata={
            "description": "words, each matching the start of a word (any order, any script, accents ignored) in "
            "the name, caption, description, tags, romanised name or aliases; or the name contains `q`"
        },
    )
    tag = List(
        String(validate=validate.Length(max=40)),
        validate=validate.Length(max=12),
        metadata={"description": "repeatable; every tag must match"},
    )
    min_rating = Float(allow_nan=False, validate=validate.Range(min=0, max=5))
    place = String(
        validate=validate.Length(max=120),
        metadata={"description": "shows with upcoming screenings at theatres in this place (`price_from` is for it)"},
    )
    sort = String(
        validate=validate.OneOf(["relevance", "latest", "rating", "name"]),
        metadata={"description": "default: relevance with `q` (best match first), else latest"},
    )


class ImageQuery(Schema):
    w = Integer(
        validate=validate.OneOf(VARIANT_WIDTHS),
        metadata={
            "description": "a copy at most this many pixels wide (200, 400 or 800; never wider than the image "
            "itself), for `srcset`; without it, the stored image"
        },
    )


class TagOut(Schema):
    tag = String(metadata={"description": "lower-case, as `GET /api/shows?tag=` takes it"})
    shows = Integer(metadata={"description": "live shows with upcoming screenings that carry this tag"})


# ---- screenings -----------------------------------------------------------------------------------


class ScreeningIn(Schema):
    show_id = RowId(strict=True, required=True)
    theatre_id = RowId(strict=True, required=True)
    starts_at = OffsetDateTime(required=True)
    price = MoneyIn(allow_none=True, metadata={"description": "defaults to the show's ticket_price"})


class ScreeningUpdateIn(Schema):
    starts_at = OffsetDateTime()
    price = MoneyIn(metadata={"description": "the base price"})


class ScreeningOut(Schema):
    id = Integer()
    show = Nested(ShowRef)
    theatre = Nested(TheatreRef)
    starts_at = OffsetDateTime()
    price = Money(metadata={"description": "what a booking is charged now"})
    base_price = Money(metadata={"description": "the price the admin set; equal to price without dynamic pricing"})
    price_trend = String(metadata={"description": "the last price change", "enum": ["rising", "falling", "steady"]})
    seats_total = Integer()
    seats_left = Integer()
    houseful = Boolean()
    filling_fast = Boolean(metadata={"description": "most seats sold, or the forecast says it will fill"})
    predicted_occupancy = Float(allow_none=True, metadata={"description": "0..1, the forecast final share sold"})


class ScreeningQuery(PageQuery, Timeframe):
    show_id = RowId()
    theatre_id = RowId()
    place = String(validate=validate.Length(max=120))
    sort = String(
        load_default="starts_at",
        validate=validate.OneOf(["starts_at", "-starts_at", "show", "theatre"]),
        metadata={
            "description": "starts_at (soonest first, the default), -starts_at (latest first), show or theatre "
            "(name A to Z, then soonest first); ties by id. Anything else: 422"
        },
    )


class TheatreDetailOut(TheatreOut):
    screenings = List(Nested(ScreeningOut), metadata={"description": "upcoming screenings, soonest first"})


class PlaceScreeningsOut(Schema):
    place = String(metadata={"description": "the theatres' place, as written on them"})
    price_from = Money(metadata={"description": "the lowest price a booking is charged now in this place"})
    screenings = List(Nested(ScreeningOut), metadata={"description": "soonest first"})


class ShowDetailQuery(Schema):
    place = String(
        validate=validate.Length(max=120),
        metadata={
            "description": "the place in view (the user's preferred place, or the one chosen): its screenings "
            "come first in `screenings_by_place` and `price_from` is for it (case- and accent-insensitive, "
            "contains)"
        },
    )


class ShowDetailOut(ShowOut):
    screenings = List(Nested(ScreeningOut), metadata={"description": "upcoming screenings, soonest first"})
    screenings_by_place = List(
        Nested(PlaceScreeningsOut),
        metadata={
            "description": "the same screenings grouped by place: the places matching `place` first, then the "
            "others in order of their soonest screening"
        },
    )


class DeleteQuery(Schema):
    force = Boolean(
        load_default=False, metadata={"description": "cancel future bookings (their owners are told) and delete"}
    )


class ImageIn(Schema):
    image = File(required=True, metadata={"description": "PNG, JPEG or WebP, at most 5 MB"})


class ImageOut(Schema):
    image_url = String()


TheatrePage = page_schema(TheatreOut, "TheatrePage")
ShowPage = page_schema(ShowOut, "ShowPage")
ScreeningPage = page_schema(ScreeningOut, "ScreeningPage")
