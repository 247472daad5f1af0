"""Uploads are checked by content, capped at 5 MB, and re-encoded so no uploaded byte is served."""

import io

import pytest
from PIL import Image

from tests.api.test_roles_and_bad_input import png_bytes


@pytest.fixture
def theatre(api, admin):
    return api.create_theatre(admin)


def upload(client, admin, theatre, data, filename="poster.png", field="image"):
    return client.put(
        f"/api/theatres/{theatre['id']}/image",
        headers=admin,
        data={field: (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats_are_reencoded_and_served(client, admin, theatre, fmt):
    original = png_bytes((3000, 1500), fmt)
    response = upload(client, admin, theatre, original)
    assert response.status_code == 200, response.get_json()
    url = response.get_json()["image_url"]
    assert url.startswith("/media/theatres/") and url.endswith(".webp")
    served = client.get(url)
    assert served.status_code == 200 and served.data != original
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "WEBP" and max(image.size) == 1600
    assert client.get(f"/api/theatres/{theatre['id']}").get_json()["image_url"] == url


def test_replacing_an_image_removes_the_old_file(client, admin, theatre, app):
    first = upload(client, admin, theatre, png_bytes()).get_json()["image_url"]
    second = upload(client, admin, theatre, png_bytes((50, 50))).get_json()["image_url"]
    assert first != second
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200


def test_fake_image_is_415(client, admin, theatre):
    response = upload(client, admin, theatre, b"<?php echo 'hi'; ?>" * 10, "evil.png")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_image_type"


def test_other_image_formats_are_415(client, admin, theatre):
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    assert upload(client, admin, theatre, gif.getvalue(), "a.gif").status_code == 415


def test_damaged_image_is_422(client, admin, theatre):
    data = png_bytes((200, 200))
    response = upload(client, admin, theatre, data[: len(data) // 2])
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_image"


def test_larger_than_5mb_is_413(client, admin, theatre):
    response = upload(client, admin, theatre, b"\x89PNG" + b"0" * (5 * 1024 * 1024))
    assert response.status_code == 413


def test_missing_field_is_422_and_raw_body_is_an_error(client, admin, theatre):
    missing = upload(client, admin, theatre, png_bytes(), field="picture")
    assert missing.status_code == 422 and "image" in missing.get_json()["error"]["details"]
    raw = client.put(
        f"/api/theatres/{theatre['id']}/image", headers={**admin, "Content-Type": "image/png"}, data=png_bytes()
    )
    assert 400 <= raw.status_code < 500 and raw.is_json


def test_show_image(client, api, admin):
    show = api.create_show(admin)
    response = client.put(
        f"/api/shows/{show['id']}/image",
        headers=admin,
        data={"image": (io.BytesIO(png_bytes()), "p.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert client.get(f"/api/shows/{show['id']}").get_json()["image_url"] == response.get_json()["image_url"]


def test_narrower_copies_for_srcset(client, admin, theatre, app):
    """?w= answers a copy at most w px wide (never enlarged), made once and kept; replacing the image removes them."""
    url = upload(client, admin, theatre, png_bytes((3000, 1500))).get_json()["image_url"]
    media_dir = app.config["MEDIA_DIR"]
    widths = {}
    for w in (200, 400, 800):
        served = client.get(f"{url}?w={w}")
        assert served.status_code == 200 and served.mimetype == "image/webp"
        assert "max-age=31536000" in served.headers["Cache-Control"]
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.format == "WEBP"
            widths[w] = image.size
    assert widths == {200: (200, 100), 400: (400, 200), 800: (800, 400)}
    kept = list((media_dir / "w" / "200").rglob("*.webp"))
    assert [path.name for path in kept] == [url.rsplit("/", 1)[1]]
    kept_bytes = kept[0].read_bytes()
    assert client.get(f"{url}?w=200").data == kept_bytes  # served from the kept copy

    small = upload(client, admin, theatre, png_bytes((120, 90))).get_json()["image_url"]
    assert not kept[0].exists()  # the replaced image's copies went with it
    copy = client.get(f"{small}?w=400")
    assert copy.status_code == 200 and copy.data == client.get(small).data  # narrower than w: as it is


@pytest.mark.parametrize("w", ["300", "0", "abc", "-200", "200.5", ""])
def test_other_copy_widths_are_422(client, admin, theatre, w):
    url = upload(client, admin, theatre, png_bytes()).get_json()["image_url"]
    response = client.get(f"{url}?w={w}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["message"] and error["details"]["w"]


@pytest.mark.parametrize(
    "path", ["theatres/0123456789abcdef01234567.webp", "../ticketshow.sqlite3", "w/200/theatres/x.webp", "secret-key"]
)
def test_copies_of_what_is_not_a_stored_image_are_404(client, path):
    response = client.get(f"/media/{path}?w=200")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
