"""Uploaded images: checked by content with Pillow, resized and re-encoded, so no uploaded bytes are served."""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
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
        remove_variants(media_dir, relative_path)


def url(relative_path: str | None) -> str | None:
    return f"/media/{relative_path}" if relative_path else None


# Narrower copies of a stored image, for `srcset` (GET /media/<kind>/<name>.webp?w=200): a phone's card is
# about 190 CSS px wide, so at one device pixel per CSS pixel a 200 px copy (6-9 KB for a demo poster) does
# the work of the 600 px original (17-48 KB) on a network where every 20 KB is 0.1 s. A fixed set of widths,
# so the copies on disk are bounded (at most three per image) and every browser asks for the same URLs.
VARIANT_WIDTHS = (200, 400, 800)
VARIANT_QUALITY = 80  # WebP quality of a copy; the stored image's 85 is kept for the largest views
VARIANTS_FOLDER = "w"  # media/w/<width>/<kind>/<name>.webp, beside the images themselves
_STORED_NAME = re.compile(r"[a-z]+/[0-9a-f]{24}\.webp")  # what store() writes: "<kind>/<24 hex>.webp"


def variant(media_dir: Path, relative_path: str, width: int) -> str | None:
    """The relative path of `relative_path` at most `width` pixels wide (one of VARIANT_WIDTHS), made with Pillow
    the first time it is asked for and kept under media/w/<width>/; an image no wider than `width` is copied as
    it is (never enlarged). None when no such stored image exists (a name store() did not write: 404).

    Two processes making the same copy at once each write their own temporary file and the last rename wins:
    both are the same picture."""
    if width not in VARIANT_WIDTHS:
        raise ValueError(f"width must be one of {VARIANT_WIDTHS}")
    if not _STORED_NAME.fullmatch(relative_path) or not (media_dir / relative_path).is_file():
        return None
    relative_variant = f"{VARIANTS_FOLDER}/{width}/{relative_path}"
    target = media_dir / relative_variant
    if target.is_file():
        return relative_variant
    from PIL import Image  # only a copy not made yet needs Pillow

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    with Image.open(media_dir / relative_path) as image:
        if image.width <= width:
            shutil.copyfile(media_dir / relative_path, tmp)
        else:
            image.thumbnail((width, image.height), Image.Resampling.LANCZOS)
            image.save(tmp, "WEBP", quality=VARIANT_QUALITY, method=4)
    os.replace(tmp, target)
    return relative_variant


def remove_variants(media_dir: Path, relative_path: str) -> None:
    for width in VARIANT_WIDTHS:
        (media_dir / VARIANTS_FOLDER / str(width) / relative_path).unlink(missing_ok=True)
