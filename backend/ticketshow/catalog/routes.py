"""Catalogue endpoints: thin routes that validate, call one service function and shape the output."""
from __future__ import annotations

import simplejson
from apiflask import APIBlueprint
from flask import current_app

from ..auth.guards import admin_required
from ..cache import cached_json
from . import service
from .schemas import (DeleteQuery, ImageIn, ImageOut, ScreeningIn, ScreeningOut, ScreeningPage, ScreeningQuery,
                      ScreeningUpdateIn, ShowDetailOut, ShowIn, ShowOut, ShowPage, ShowQuery, ShowUpdateIn,
                      TheatreDetailOut, TheatreIn, TheatreOut, TheatrePage, TheatreQuery)

bp = APIBlueprint("catalog", __name__, url_prefix="/api")

_DELETE_DOC = {204: "Deleted", 409: "Future bookings exist (code has_bookings); repeat with force=true"}
_IMAGE_DOC = {413: "Larger than 5 MB", 415: "Not a PNG, JPEG or WebP image", 422: "Damaged image"}


def _fresh_figures(body: bytes) -> bytes:
    return current_app.json.dumps(service.refresh_live_figures(simplejson.loads(body, use_decimal=True))).encode()


def _read_image(files) -> bytes:
    return files["image"].read()


# ---- theatres -------------------------------------------------------------------------------------

@bp.get("/theatres")
@cached_json()
@bp.input(TheatreQuery, location="query", arg_name="query")
@bp.output(TheatrePage)
@bp.doc(tags=["Theatres"])
def list_theatres(query):
    return service.list_theatres(query.get("q"), query.get("place"), query["page"], query["per_page"])


@bp.get("/theatres/<int:theatre_id>")
@cached_json(refresh=_fresh_figures)
@bp.output(TheatreDetailOut)
@bp.doc(tags=["Theatres"], summary="A theatre's home view: its fields and upcoming screenings")
def get_theatre(theatre_id: int):
    return service.theatre_home(theatre_id)


@bp.post("/theatres")
@admin_required
@bp.input(TheatreIn, arg_name="data")
@bp.output(TheatreOut, status_code=201)
@bp.doc(tags=["Theatres"], responses={409: "A theatre of that name exists in that place"})
def create_theatre(data):
    return service.create_theatre(data)


@bp.patch("/theatres/<int:theatre_id>")
@admin_required
@bp.input(TheatreIn(partial=True), arg_name="data")
@bp.output(TheatreOut)
@bp.doc(tags=["Theatres"], responses={409: "Capacity below seats already sold (capacity_below_sold)"})
def update_theatre(theatre_id: int, data):
    return service.update_theatre(theatre_id, data)


@bp.delete("/theatres/<int:theatre_id>")
@admin_required
@bp.input(DeleteQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(tags=["Theatres"], responses=_DELETE_DOC)
def delete_theatre(theatre_id: int, query):
    service.delete_theatre(theatre_id, query["force"])
    return ""


@bp.put("/theatres/<int:theatre_id>/image")
@admin_required
@bp.input(ImageIn, location="files", arg_name="files")
@bp.output(ImageOut)
@bp.doc(tags=["Theatres"], responses=_IMAGE_DOC)
def put_theatre_image(theatre_id: int, files):
    return {"image_url": service.set_theatre_image(theatre_id, _read_image(files), current_app.config["MEDIA_DIR"])}


# ---- shows ----------------------------------------------------------------------------------------

@bp.get("/shows")
@cached_json()
@bp.input(ShowQuery, location="query", arg_name="query")
@bp.output(ShowPage)
@bp.doc(tags=["Shows"], summary="Shows, newest added first by default; search by name, tags, rating, place, time")
def list_shows(query):
    return service.list_shows(q=query.get("q"), tags=query.get("tag", []), min_rating=query.get("min_rating"),
                              place=query.get("place"), starts_from=query.get("from_"), starts_to=query.get("to"),
                              sort=query["sort"], page=query["page"], per_page=query["per_page"])


@bp.get("/shows/<int:show_id>")
@cached_json(refresh=_fresh_figures)
@bp.output(ShowDetailOut)
@bp.doc(tags=["Shows"])
def get_show(show_id: int):
    return service.show_detail(show_id)


@bp.post("/shows")
@admin_required
@bp.input(ShowIn, arg_name="data")
@bp.output(ShowOut, status_code=201)
@bp.doc(tags=["Shows"], summary="Create a show, optionally allocating it to theatres at showtimes")
def create_show(data):
    allocations = data.pop("screenings", None)
    return service.create_show(data, allocations)


@bp.patch("/shows/<int:show_id>")
@admin_required
@bp.input(ShowUpdateIn(partial=True), arg_name="data")
@bp.output(ShowOut)
@bp.doc(tags=["Shows"])
def update_show(show_id: int, data):
    return service.update_show(show_id, data)


@bp.delete("/shows/<int:show_id>")
@admin_required
@bp.input(DeleteQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(tags=["Shows"], responses=_DELETE_DOC)
def delete_show(show_id: int, query):
    service.delete_show(show_id, query["force"])
    return ""


@bp.put("/shows/<int:show_id>/image")
@admin_required
@bp.input(ImageIn, location="files", arg_name="files")
@bp.output(ImageOut)
@bp.doc(tags=["Shows"], responses=_IMAGE_DOC)
def put_show_image(show_id: int, files):
    return {"image_url": service.set_show_image(show_id, _read_image(files), current_app.config["MEDIA_DIR"])}


# ---- screenings -----------------------------------------------------------------------------------

@bp.get("/screenings")
@cached_json(refresh=_fresh_figures)
@bp.input(ScreeningQuery, location="query", arg_name="query")
@bp.output(ScreeningPage)
@bp.doc(tags=["Screenings"], summary="Screenings in a timeframe (default: now to seven days ahead)")
def list_screenings(query):
    return service.list_screenings(starts_from=query.get("from_"), starts_to=query.get("to"),
                                   show_id=query.get("show_id"), theatre_id=query.get("theatre_id"),
                                   place=query.get("place"), page=query["page"], per_page=query["per_page"])


@bp.get("/screenings/<int:screening_id>")
@cached_json(refresh=_fresh_figures)
@bp.output(ScreeningOut)
@bp.doc(tags=["Screenings"])
def get_screening(screening_id: int):
    return service.get_screening(screening_id)


@bp.post("/screenings")
@admin_required
@bp.input(ScreeningIn, arg_name="data")
@bp.output(ScreeningOut, status_code=201)
@bp.doc(tags=["Screenings"], summary="Allocate a show to a theatre at a time (a past time is allowed, for records)")
def create_screening(data):
    return service.create_screening(data["show_id"], data["theatre_id"], data["starts_at"], data.get("price"))


@bp.patch("/screenings/<int:screening_id>")
@admin_required
@bp.input(ScreeningUpdateIn, arg_name="data")
@bp.output(ScreeningOut)
@bp.doc(tags=["Screenings"], summary="Move a screening or change its price")
def update_screening(screening_id: int, data):
    return service.update_screening(screening_id, data)


@bp.delete("/screenings/<int:screening_id>")
@admin_required
@bp.input(DeleteQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(tags=["Screenings"], responses=_DELETE_DOC)
def delete_screening(screening_id: int, query):
    service.delete_screening(screening_id, query["force"])
    return ""
