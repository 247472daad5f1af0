"""gzip for JSON answers where it pays: large bodies, to clients that accept it."""

from __future__ import annotations

import gzip

from flask import request

MIN_BYTES = 2048  # below this the headers and CPU cost more than the bytes saved
# zlib's level 3 where it had 5: half the CPU for a few per cent more bytes. A 1,000-seat map (60 KB of JSON,
# the largest answer a buyer reads again and again) compresses in 0.23 ms instead of 0.44, to 3.5 KB instead
# of 3.4 (docs/benchmarks.md, "Seat holds and seat maps").
LEVEL = 3


def register_compression(app) -> None:
    @app.after_request
    def compress(response):
        # The cheapest refusal first: most API clients (monitors, scripts, load balancers) send no
        # Accept-Encoding, and reading the environ costs less than parsing the response's Content-Type.
        if (
            "gzip" not in request.environ.get("HTTP_ACCEPT_ENCODING", "")
            or response.status_code < 200
            or response.status_code in (204, 304)
            or response.direct_passthrough
            or response.mimetype != "application/json"
            or "Content-Encoding" in response.headers
        ):
            return response
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        response.set_data(gzip.compress(body, compresslevel=LEVEL))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        if response.get_etag()[0]:
            # The compressed bytes differ from the plain ones, so their validator must differ too.
            etag, weak = response.get_etag()
            response.set_etag(etag + "-gz", weak=weak)
        return response
