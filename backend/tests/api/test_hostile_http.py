"""Any request a client can send is a clear 4xx JSON answer (bodies, paths, request lines, methods), and
conditional requests use RFC 9110's weak comparison."""

import gzip
import socket

import pytest
import requests

from tests.api.test_cache import catalogue  # noqa: F401  (fixture)
from tests.conftest import LiveServer


def post_raw(client, path, raw: bytes, headers):
    return client.post(path, data=raw, headers={**headers, "Content-Type": "application/json"})


def theatre_count(client):
    return client.get("/api/theatres").get_json()["total"]


def test_numbers_too_large_for_a_field_are_422_naming_it(client, admin):
    before = theatre_count(client)
    for raw, field in [
        (b'{"name": "A", "place": "B", "capacity": 1e400}', "capacity"),
        (b'{"name": "A", "place": "B", "capacity": -' + b"9" * 4_400 + b"}", "capacity"),
        (b'{"name": "A", "place": "B", "capacity": ' + b"1" * 401 + b"}", "capacity"),
        (b'{"name": "A", "place": "B", "capacity": 2.5e-400}', "capacity"),
    ]:
        response = post_raw(client, "/api/theatres", raw, admin)
        assert response.status_code == 422, raw[:50]
        assert field in response.get_json()["error"]["details"]
    show = post_raw(client, "/api/shows", b'{"name": "S", "rating": 1e999, "tags": [], "ticket_price": 1E+400}', admin)
    assert show.status_code == 422 and {"rating", "ticket_price"} <= set(show.get_json()["error"]["details"])
    assert theatre_count(client) == before


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b'{"name": "A", "place": "B", "capacity": NaN}', "non_finite_number"),
        (b'{"name": "A", "place": "B", "capacity": -Infinity}', "non_finite_number"),
        (b"[" * 34 + b"1" + b"]" * 34, "too_deep"),
        (b'{"x":' * 2_000 + b"0" + b"}" * 2_000, "too_deep"),
        (b"[" * 500_000 + b"]" * 500_000, "too_deep"),
        ('{"name": "Café", "place": "B", "capacity": 3}'.encode("latin-1"), "not_utf8"),
        ('{"name": "Café", "place": "B", "capacity": 3}'.encode("utf-16"), "not_utf8"),
        ('{"name": "Café", "place": "B", "capacity": 3}'.encode("utf-32"), "not_utf8"),
        (b'{"name": "\xed\xa0\x80", "place": "B", "capacity": 3}', "not_utf8"),  # a surrogate in UTF-8 bytes
    ],
)
def test_bodies_that_are_not_interoperable_json_are_400(client, admin, raw, reason):
    before = theatre_count(client)
    response = post_raw(client, "/api/theatres", raw, admin)
    assert response.status_code == 400, response.get_data()[:200]
    error = response.get_json()["error"]
    assert error["code"] == "invalid_json" and error["details"]["reason"] == reason
    assert theatre_count(client) == before


def test_a_utf8_byte_order_mark_is_ignored(client, admin):
    response = post_raw(
        client,
        "/api/theatres",
        "\ufeff".encode() + '{"name": "Kamala", "place": "சென்னை", "capacity": 3}'.encode(),
        admin,
    )
    assert response.status_code == 201 and response.get_json()["place"] == "சென்னை"


@pytest.mark.parametrize(
    "raw, fields",
    [
        (b'{"name": "\\ud800", "place": "B", "capacity": 3}', {"name"}),
        (
            b'{"name": "ok", "place": "x\\udfff", "capacity": 3, "description": "\\udbff\\udbff"}',
            {"place", "description"},
        ),
        (b'{"name": "\\ud83d\\ude00 fine", "place": "tail \\ud83d", "capacity": 3}', {"place"}),
        (
            b'{"\\udc80": 1, "name": "A", "place": "B", "capacity": 3}',
            {"\udc80".encode("utf-8", "backslashreplace").decode()},
        ),
    ],
)
def test_lone_surrogates_anywhere_are_422_naming_the_field(client, admin, raw, fields):
    before = theatre_count(client)
    response = post_raw(client, "/api/theatres", raw, admin)
    assert response.status_code == 422, response.get_data()[:300]
    assert set(response.get_json()["error"]["details"]) == fields
    assert theatre_count(client) == before


def test_lone_surrogates_in_nested_and_auth_bodies(client, api):
    signup = post_raw(
        client,
        "/api/auth/signup",
        b'{"username": "ann\\ud800", "email": "a@example.com", "password": "\\udfffpassword-long"}',
        {},
    )
    assert signup.status_code == 422 and set(signup.get_json()["error"]["details"]) == {"username", "password"}
    admin = api.admin_headers()
    theatre = api.create_theatre(admin)
    show = post_raw(
        client,
        "/api/shows",
        b'{"name": "S", "rating": 1, "tags": ["ok", "\\udc00"], "ticket_price": 1, '
        b'"screenings": [{"theatre_id": %d, "starts_at": "\\ud800"}]}' % theatre["id"],
        admin,
    )
    assert show.status_code == 422
    assert set(show.get_json()["error"]["details"]) == {"tags.1", "screenings.0.starts_at"}


@pytest.mark.parametrize(
    "path",
    ["//api//shows", "/api//shows", "//api/shows", "/api/shows//", "///api///theatres", "//api", "/api//no/such"],
)
def test_double_slashes_under_api_are_json_not_a_redirect_page(client, path):
    # PATH_INFO set directly: the test client would read "//api" as a host name
    response = client.get("/", environ_overrides={"PATH_INFO": path})
    assert response.is_json and "Location" not in response.headers, (path, response.status_code)
    # either the resource itself (a leading "//" still routes) or the JSON 404 of an unknown API path
    assert response.status_code == 200 or response.get_json()["error"]["code"] == "not_found", path


def test_if_none_match_uses_the_weak_comparison(client, catalogue):  # noqa: F811
    first = client.get("/api/shows")
    etag = first.headers["ETag"]  # a strong tag, "abc"
    opaque = etag.strip('"')
    for header in (f'W/"{opaque}"', f'"nope", W/"{opaque}"', f'W/"x",{etag}', "*", f" {etag} "):
        again = client.get("/api/shows", headers={"If-None-Match": header})
        assert again.status_code == 304 and again.data == b"", header
    for header in ('"nope"', f'W/"{opaque}x"', f'"{opaque[:-1]}"'):
        assert client.get("/api/shows", headers={"If-None-Match": header}).status_code == 200, header


def test_a_compressing_proxy_s_weak_etag_still_validates(client, catalogue, api, admin):  # noqa: F811
    for index in range(12):  # enough shows for the list to pass the 2 KB gzip threshold
        api.create_show(admin, name=f"Show with a longish name number {index}", description="words " * 20)
    packed = client.get("/api/shows", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data)
    weak = "W/" + packed.headers["ETag"]  # what nginx's gzip makes of an upstream strong ETag
    assert client.get("/api/shows", headers={"If-None-Match": weak, "Accept-Encoding": "gzip"}).status_code == 304
    assert client.get("/api/shows", headers={"If-None-Match": weak}).status_code == 304  # plain variant too


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory, redis_server):
    server = LiveServer(tmp_path_factory.mktemp("hostile"), redis_server["url"]).start()
    yield server
    server.stop()


def raw_http(server, request: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"GET /api/shows?q=" + b"x" * 9_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /api/" + b"a/" * 5_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"G@T /api/shows HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /api/shows HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        (b"GET /api/shows HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 10_000 + b"\r\n\r\n", 400),
        (b"GET /api/shows HTTP/1.1\r\nBad Header\r\n\r\n", 400),
    ],
)
def test_requests_gunicorn_refuses_are_json(bare_server, request_bytes, status):
    got, headers, body = raw_http(bare_server, request_bytes)
    assert got in {status, 431}, got
    assert headers["content-type"] == "application/json" and "server" not in headers
    assert requests.models.complexjson.loads(body)["error"]["code"]


def test_odd_methods_and_no_server_header(bare_server):
    for method in ("PROPFIND", "TRACE", "FOO", "DELETE"):
        response = requests.request(method, f"{bare_server.url}/api/shows", timeout=10)
        assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed", method
        assert "Server" not in response.headers
    response = requests.get(f"{bare_server.url}/api//shows", timeout=10, allow_redirects=False)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert "Server" not in requests.get(f"{bare_server.url}/api/health", timeout=10).headers


@pytest.mark.parametrize(
    "query", ["q=%ED%A0%80", "place=%ED%BF%BF", "q=%FF%FE", "tag=%C0%80", "q=%00", "q=a%E2%80%AEb"]
)
def test_odd_bytes_in_query_strings_are_never_a_500(client, query):
    for path in ("/api/shows", "/api/theatres", "/api/screenings"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in {200, 422}, (path, query, response.status_code)
        assert response.is_json
