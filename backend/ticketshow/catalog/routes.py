"""Catalogue endpoints: thin routes that validate, call one service function and shape the output."""

from __future__ import annotations

import simplejson
from apiflask import APIBlueprint
from flask import current_app

from .. import policy
from ..cache import LiveFields, cached_json, live_figures_fresh
from . import service
from .schemas import (
    DeleteQuery,
    ImageIn,
    ImageOut,
    ScreeningIn,
    ScreeningOut,
    ScreeningPage,
    ScreeningQuery,
    ScreeningUpdateIn,
    ShowDetailOut,
    ShowDetailQuery,
    ShowIn,
    ShowOut,
    ShowPage,
    ShowQuery,
    ShowUpdateIn,
    TagOut,
    TheatreDetailOut,
    TheatreIn,
    TheatreOut,
    TheatrePage,
    TheatreQuery,
)

bp = APIBlueprint("catalog", __name__, url_prefix="/api")

_DELETE_DOC = {204: "Deleted", 409: "`has_bookings`: future bookings exist; repeat with force=true to cancel them"}
_BUSY = (
    "`theatre_busy`: the theatre is one hall and another screening holds it then (start to start + the "
    "show's duration, 180 minutes when unknown, + CHANGEOVER_MINUTES); the other screening in `details`"
)
_IMAGE_DOC = {
    413: "`image_too_large`: larger than 5 MB",
    415: "`unsupported_image_type`: not a PNG, JPEG or WebP image",
    422: "`invalid_image`: empty, damaged or too many pixels (`details.image`), or no `image` field",
}


def _fresh_figures(body: bytes) -> bytes:
    return current_app.json.dumps(service.refresh_live_figures(simplejson.loads(body, use_decimal=True))).encode()


# Cached screenings get their live seats and prices on every answer without decoding and encoding the body
# again (cache.LiveFields); a show's page has its own, below, for its "from" prices follow them.
_LIVE_SCREENINGS = LiveFields(
    service.LIVE_SCREENING_FIELDS,
    lambda body: None if "screenings_by_place" in body else service.live_screenings(body),
    service.live_screening_values,
    service.live_screenings_change_at,
)


# A show's page: the same for its screenings, and its places' and its own "from" prices follow them.
_LIVE_SHOW_PAGE = LiveFields(
    service.LIVE_SCREENING_FIELDS + ("price_from",),
    service.show_page_objects,
    service.show_page_values,
    service.show_page_change_at,
    fields_of=service.show_page_fields,
)


def _read_image(files) -> bytes:
    return files["image"].read()


# ---- theatres -------------------------------------------------------------------------------------


@bp.get("/theatres")
@policy.public
@cached_json()
@bp.input(TheatreQuery, location="query", arg_name="query")
@bp.output(TheatrePage)
@bp.doc(tags=["Theatres"])
def list_theatres(query):
    """List theatres

    Theatres by name, one page at a time; `q` matches the name and `place` the location (both case- and
    accent-insensitive substrings). Public and cached (ETag, If-None-Match).
    """
    return service.list_theatres(query.get("q"), query.get("place"), query["page"], query["per_page"])


@bp.get("/theatres/<int:theatre_id>")
@policy.public
@cached_json(refresh=_fresh_figures, live=_LIVE_SCREENINGS)
@bp.output(TheatreDetailOut)
@bp.doc(tags=["Theatres"])
def get_theatre(theatre_id: int):
    """One theatre with its upcoming screenings

    A theatre's home view: its fields and its upcoming screenings, soonest first, with live seats and
    prices. Public and cached (ETag, If-None-Match).
    """
    return service.theatre_home(theatre_id)


@bp.post("/theatres")
@policy.allow(policy.can_edit_catalogue)
@bp.input(TheatreIn, arg_name="data")
@bp.output(TheatreOut, status_code=201)
@bp.doc(tags=["Theatres"], responses={409: "`theatre_exists`: a theatre of that name exists in that place"})
def create_theatre(data):
    """Create a theatre

    Adds a theatre (one hall) with its capacity; the answer is the new theatre.
    """
    return service.create_theatre(data)


@bp.patch("/theatres/<int:theatre_id>")
@policy.allow(policy.can_edit_catalogue)
@bp.input(TheatreIn(partial=True), arg_name="data")
@bp.output(TheatreOut)
@bp.doc(
    tags=["Theatres"],
    responses={
        409: "`theatre_exists` (the new name is taken in that place) or `capacity_below_sold` (an upcoming "
        "screening has sold more seats than the new capacity)"
    },
)
def update_theatre(theatre_id: int, data):
    """Change a theatre

    Changes the fields given; the others keep their value. A new capacity applies to upcoming screenings.
    """
    return service.update_theatre(theatre_id, data)


@bp.delete("/theatres/<int:theatre_id>")
@policy.allow(policy.can_edit_catalogue)
@bp.input(DeleteQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(tags=["Theatres"], responses=_DELETE_DOC)
def delete_theatre(theatre_id: int, query):
    """Delete a theatre

    Removes the theatre and its screenings; past bookings keep their history. Refused with 409
    `has_bookings` while future bookings exist, unless `force=true`, which cancels them and tells their users.
    """
    service.delete_theatre(theatre_id, query["force"])
    return ""


@bp.put("/theatres/<int:theatre_id>/image")
@policy.allow(policy.can_edit_catalogue)
@bp.input(ImageIn, location="files", arg_name="files")
@bp.output(ImageOut)
@bp.doc(tags=["Theatres"], operation_id="uploadTheatreImage", responses=_IMAGE_DOC)
def put_theatre_image(theatre_id: int, files):
    """Upload a theatre's image

    Multipart form with the field `image`: a PNG, JPEG or WebP of at most 5 MB. It is checked, re-encoded
    to WebP and replaces the old one; the answer is its URL.
    """
    return {"image_url": service.set_theatre_image(theatre_id, _read_image(files), current_app.config["MEDIA_DIR"])}


# ---- shows ----------------------------------------------------------------------------------------


def _fresh_show_prices(body: bytes) -> bytes:
    return current_app.json.dumps(service.refresh_show_prices(simplejson.loads(body, use_decimal=True))).encode()


_LIVE_SHOW_PRICES = LiveFields(
    ("price_from",), service.listed_shows, service.show_price_values, service.show_prices_change_at
)


@bp.get("/shows")
@policy.public
@cached_json(refresh=_fresh_show_prices, live=_LIVE_SHOW_PRICES)
@bp.input(ShowQuery, location="query", arg_name="query")
@bp.output(ShowPage)
@bp.doc(tags=["Shows"])
def list_shows(query):
    """List and search shows

    Shows, newest added first by default (`sort`; best match first with `q`), one page at a time. `q` finds
    shows having every word of it, in any order, as a word or the start of one, in the name, caption,
    description, tags, romanised name or aliases (so "heist dosa" and "mazhai" work, and a Tamil title is
    found by its Latin spelling); a name containing `q` matches too;
    `tag` may repeat (every tag must match); `place`, `from` and `to` keep shows with screenings there and
    then. Public and cached (ETag, If-None-Match).
    """
    page = service.list_shows(
        q=query.get("q"),
        tags=query.get("tag", []),
        min_rating=query.get("min_rating"),
        place=query.get("place"),
        starts_from=query.get("from_"),
        starts_to=query.get("to"),
        sort=query.get("sort"),
        page=query["page"],
        per_page=query["per_page"],
    )
    # Items are ShowOut's shape already (catalog/listing.py): dumping them through the schema again cost
    # more than reading them. The schema still documents the answer.
    live_figures_fresh()  # a miss: list_shows read the prices in this request, with the page
    # the bytes a cache hit answers after its refill, so that a miss and a hit share their ETag
    return current_app.response_class(current_app.json.dumps(page), mimetype="application/json")


@bp.get("/tags")
@policy.public
@cached_json()
@bp.output(TagOut(many=True))
@bp.doc(tags=["Shows"])
def list_tags():
    """List the tags in use

    `[{"tag", "shows"}]`: every tag of a show with upcoming screenings, with how many such shows carry it,
    most shows first, then by name; the values `GET /api/shows?tag=` takes (e.g. for filter chips). Public and
    cached (ETag, If-None-Match).
    """
    return service.list_tags()


@bp.get("/shows/<int:show_id>")
@policy.public
@cached_json(refresh=_fresh_figures, live=_LIVE_SHOW_PAGE)
@bp.input(ShowDetailQuery, location="query", arg_name="query")
@bp.output(ShowDetailOut)
@bp.doc(tags=["Shows"])
def get_show(show_id: int, query):
    """One show with its upcoming screenings

    A show's fields, its users' rating, and its upcoming screenings at every theatre, soonest first, with
    live seats and prices; `screenings_by_place` groups them by place with the place in view (`place`,
    e.g. the user's preferred place) first, and `price_from` is the lowest price there. Public and cached
    (ETag, If-None-Match).
    """
    return service.show_detail(show_id, query.get("place"))


@bp.post("/shows")
@policy.allow(policy.can_edit_catalogue)
@bp.input(ShowIn, arg_name="data")
@bp.output(ShowOut, status_code=201)
@bp.doc(
    tags=["Shows"],
    responses={
        409: _BUSY + ", or two of `screenings` overlap in one theatre",
        422: "Invalid fields, or an unknown theatre in `screenings` (`details` names `screenings.N.theatre_id`)",
    },
)
def create_show(data):
    """Create a show

    Adds a show and, with `screenings`, allocates it to theatres at showtimes in the same step (a
    screening's price defaults to the show's `ticket_price`). The answer is the new show.
    """
    allocations = data.pop("screenings", None)
    return service.create_show(data, allocations)


@bp.patch("/shows/<int:show_id>")
@policy.allow(policy.can_edit_catalogue)
@bp.input(ShowUpdateIn(partial=True), arg_name="data")
@bp.output(ShowOut)
@bp.doc(tags=["Shows"], responses={409: _BUSY + " (a longer `duration_minutes` makes upcoming screenings clash)"})
def update_show(show_id: int, data):
    """Change a show

    Changes the fields given; the others keep their value. `dynamic_pricing` turns demand-based prices on
    or off for its upcoming screenings (docs/pricing.md).
    """
    return service.update_show(show_id, data)


@bp.delete("/shows/<int:show_id>")
@policy.allow(policy.can_edit_catalogue)
@bp.input(DeleteQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(tags=["Shows"], responses=_DELETE_DOC)
def delete_show(show_id: int, query):
    """Delete a show

    Removes the show and its screenings; past bookings keep their history. Refused with 409
    `has_bookings` while future bookings exist, unless `force=true`, which cancels them and tells their users.
    """
    service.delete_show(show_id, query["force"])
    return ""


@bp.put("/shows/<int:show_id>/image")
@policy.allow(policy.can_edit_catalogue)
@bp.input(ImageIn, location="files", arg_name="files")
@bp.output(ImageOut)
@bp.doc(tags=["Shows"], operation_id="uploadShowImage", responses=_IMAGE_DOC)
def put_show_image(show_id: int, files):
    """Upload a show's poster

    Multipart form with the field `image`: a PNG, JPEG or WebP of at most 5 MB. It is checked, re-encoded
    to WebP and replaces the old one; the answer is its URL.
    """
    return {"image_url": service.set_show_image(show_id, _read_image(files), current_app.config["MEDIA_DIR"])}


# ---- screenings -----------------------------------------------------------------------------------


@bp.get("/screenings")
@policy.public
@cached_json(refresh=_fresh_figures, live=_LIVE_SCREENINGS)
@bp.input(ScreeningQuery, location="query", arg_name="query")
@bp.output(ScreeningPage)
@bp.doc(tags=["Screenings"])
def list_screenings(query):
    """List screenings in a timeframe

    Screenings from `from` to `to` (default: now to seven days ahead), optionally of one show, at one
    theatre or in one place, with live seats and prices. Public and cached (ETag, If-None-Match).

    `sort` (the admin's screenings table, issue 16): `starts_at` soonest first (the default, the order this
    list always had), `-starts_at` latest first, `show` or `theatre` by name A to Z (accents folded; a
    theatre then by place) and then soonest first. Ties are broken by id, so pages never overlap. An
    unknown `sort` is 422 `validation_error` naming the keys.
    """
    page = service.list_screenings(
        starts_from=query.get("from_"),
        starts_to=query.get("to"),
        show_id=query.get("show_id"),
        theatre_id=query.get("theatre_id"),
        place=query.get("place"),
        sort=query["sort"],
        page=query["page"],
        per_page=query["per_page"],
    )
    # Items are ScreeningOut's shape already, with live figures read now (catalog/listing.py): the schema
    # still documents the answer, and a miss needs no refill.
    live_figures_fresh()
    return current_app.response_class(current_app.json.dumps(page), mimetype="application/json")


@bp.get("/screenings/<int:screening_id>")
@policy.public
@cached_json(refresh=_fresh_figures, live=_LIVE_SCREENINGS)
@bp.output(ScreeningOut)
@bp.doc(tags=["Screenings"])
def get_screening(screening_id: int):
    """One screening

    A screening with its show, theatre, time, current price and live seats. Public and cached (ETag,
    If-None-Match).
    """
    return service.get_screening(screening_id)


@bp.post("/screenings")
@policy.allow(policy.can_manage_theatre, theatre=policy.IN_BODY)
@bp.input(ScreeningIn, arg_name="data")
@bp.output(ScreeningOut, status_code=201)
@bp.doc(tags=["Screenings"], responses={404: "`not_found`: no such show or theatre", 409: _BUSY})
def create_screening(data):
    """Create a screening

    Allocates a show to a theatre at a time; the price defaults to the show's `ticket_price`, and seats to
    the theatre's capacity. A past time is allowed, for records. A manager may
    create screenings at the theatres assigned to them.
    """
    policy.require(policy.can_manage_theatre, data["theatre_id"])
    return service.create_screening(data["show_id"], data["theatre_id"], data["starts_at"], data.get("price"))


@bp.patch("/screenings/<int:screening_id>")
@policy.allow(policy.can_manage_theatre, theatre=policy.theatre_of_screening)
@bp.input(ScreeningUpdateIn, arg_name="data")
@bp.output(ScreeningOut)
@bp.doc(tags=["Screenings"], responses={409: _BUSY})
def update_screening(screening_id: int, data):
    """Change a screening

    Moves a screening to another time or changes its base price; fields left out keep their value.
    """
    return service.update_screening(screening_id, data)


@bp.delete("/screenings/<int:screening_id>")
@policy.allow(policy.can_manage_theatre, theatre=policy.theatre_of_screening)
@bp.input(DeleteQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(tags=["Screenings"], responses=_DELETE_DOC)
def delete_screening(screening_id: int, query):
    """Delete a screening

    Removes the screening; past bookings keep their history. Refused with 409 `has_bookings` while it has
    future bookings, unless `force=true`, which cancels them and tells their users.
    """
    service.delete_screening(screening_id, query["force"])
    return ""
