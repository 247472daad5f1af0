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
