"""Uploaded images: checked by content with Pillow, resized and re-encoded, so no uploaded bytes are served."""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from ..errors import Invalid, TooLarge, UnsupportedMediaType
from ..i18n import _

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before they eat memory
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}


def reencode(data: bytes) -> bytes:
    """Return a fresh WebP of the picture, or raise 413/415/422 saying what is wrong."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # only uploads need Pillow (2 MB per process)

    if len(data) > MAX_BYTES:
        raise TooLarge(
            _("The image is larger than 5 MB."),
            code="image_too_large",
            details={"image": [_("At most 5 MB.")], "max_bytes": MAX_BYTES},
        )
    if not data:
        raise Invalid({"image": _("The file is empty.")}, code="invalid_image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format in ACCEPTED_FORMATS:
                probe.verify()  # checks the file's structure without decoding every pixel
    except UnidentifiedImageError as exc:
        raise UnsupportedMediaType(
            _("Upload a PNG, JPEG or WebP image."),
            code="unsupported_image_type",
            details={"image": [_("Not a PNG, JPEG or WebP image.")]},
        ) from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise Invalid({"image": _("The image is damaged or cannot be read.")}, code="invalid_image") from exc
    if image_format not in ACCEPTED_FORMATS:
        raise UnsupportedMediaType(
            _("Upload a PNG, JPEG or WebP image."),
            code="unsupported_image_type",
            details={"image": [_("%(format)s images are not accepted.", format=image_format)]},
        )
    if width * height > MAX_PIXELS:
        raise Invalid({"image": _("The image has too many pixels.")}, code="invalid_image")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} else "RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "WEBP", quality=85, method=4)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Invalid({"image": _("The image is damaged or cannot be read.")}, code="invalid_image") from exc
    return out.getvalue()


def store(media_dir: Path, kind: str, data: bytes) -> str:
    """Write the re-encoded image under media/<kind>/ with a random name; returns the relative path."""
    folder = media_dir / kind
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.webp"
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(reencode(data))
    os.replace(tmp, folder / name)
    return f"{kind}/{name}"


def remove(media_dir: Path, relative_path: str | None) -> None:
    if relative_path:
        (media_dir / relative_path).unlink(missing_ok=True)


def url(relative_path: str | None) -> str | None:
    return f"/media/{relative_path}" if relative_path else None
