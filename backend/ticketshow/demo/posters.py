"""Posters (600x900) and theatre pictures (1200x675) drawn with Pillow: no image is downloaded.

Each tag has a palette and a motif (spotlight, stripes, rings…); the title is set in a Noto font that can
render its script (Devanagari, Tamil, Kannada, Bengali or Latin), wrapped and sized to fit. Text that
mixes scripts is drawn run by run, each in its own font. When a font file is missing, Pillow's default
font is used and a warning logged. Everything is deterministic: the same title gives the same poster.

Pictures are drawn at twice their size and scaled down, which smooths every edge; they are returned as
PNG bytes for `catalog.images.store`, the path uploads take.
"""

from __future__ import annotations

import io
import logging
import math
import random
import threading
import unicodedata
import warnings
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

log = logging.getLogger(__name__)

POSTER_SIZE = (600, 900)
THEATRE_SIZE = (1200, 675)
SCALE = 2  # drawn at twice the size, then scaled down

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/local/share/fonts"),
)

# Unicode blocks of the scripts the demo uses; anything else that is a letter is set as Latin.
SCRIPT_BLOCKS = (
    ("Devanagari", 0x0900, 0x097F),
    ("Bengali", 0x0980, 0x09FF),
    ("Tamil", 0x0B80, 0x0BFF),
    ("Kannada", 0x0C80, 0x0CFF),
)
FONT_FAMILIES = {"Latin": "", "Devanagari": "Devanagari", "Bengali": "Bengali", "Tamil": "Tamil", "Kannada": "Kannada"}

# Per tag: background top, background bottom, accent, light (title and glow). Chosen to keep white text
# readable on the lower part of every poster.
PALETTES = {
    "action": (("#1b1f3b", "#b3261e", "#ff8a00", "#ffe3c2"), ("#0f0f0f", "#d35400", "#f1c40f", "#fff4d6")),
    "thriller": (("#050a12", "#123047", "#e63946", "#d8f3ff"), ("#0b0b0b", "#2b2d42", "#ef233c", "#edf2f4")),
    "drama": (("#2a0c1f", "#6d1a36", "#f2b84b", "#fff1d6"), ("#10002b", "#5a189a", "#e0aaff", "#f8f0ff")),
    "comedy": (("#ffb000", "#ff5d73", "#2ec4b6", "#fffbea"), ("#06d6a0", "#118ab2", "#ffd166", "#ffffff")),
    "stand-up": (("#140d2b", "#5b2a86", "#ffd23f", "#fff6d5"), ("#03071e", "#9d0208", "#ffba08", "#fff3e0")),
    "music": (("#0b2545", "#13315c", "#4cc9f0", "#e0fbfc"), ("#1a0533", "#3a0ca3", "#f72585", "#fde2ff")),
    "romance": (
        ("#3d0c3b", "#c0396b", "#ffb3c6", "#fff0f5"),
        ("#1f1147", "#e76f51", "#ffcdb2", "#fff5eb"),
        ("#0d1b2a", "#8d5a97", "#f9c6c9", "#fdf0f2"),
    ),
    "family": (("#0b6e4f", "#f4a259", "#ffd166", "#fffaf0"), ("#023e8a", "#48cae4", "#ffb703", "#ffffff")),
    "kids": (("#00a6fb", "#7b2cbf", "#ffdd00", "#ffffff"), ("#ff006e", "#8338ec", "#ffbe0b", "#ffffff")),
}
DEFAULT_PALETTE = ("#22223b", "#4a4e69", "#c9ada7", "#f2e9e4")

# Theatre pictures: a palette per city's script (dusk sky top, sky bottom, building, warm light).
THEATRE_PALETTES = {
    "Devanagari": ("#2b1055", "#d53369", "#f7e1c3", "#ffcf70"),
    "Tamil": ("#03254c", "#ff7b54", "#ffe8d6", "#ffd56b"),
    "Kannada": ("#1d3557", "#e76f51", "#f1faee", "#ffd166"),
    "Bengali": ("#3c096c", "#ff9e00", "#fbeee0", "#ffe066"),
    "Latin": ("#22223b", "#9a8c98", "#f2e9e4", "#ffd6a5"),
}


# ---- scripts and fonts ------------------------------------------------------------------------------


def script_of_char(char: str) -> str | None:
    """The script of a letter or mark, or None for neutral characters (spaces, digits, punctuation)."""
    code = ord(char)
    for name, first, last in SCRIPT_BLOCKS:
        if first <= code <= last:
            return name
    if char in "\u200c\u200d":  # zero-width (non-)joiners belong to the run they sit in
        return None
    category = unicodedata.category(char)
    return "Latin" if category[0] == "L" else None


def script_of(text: str) -> str:
    """The main script of a text: the one most of its letters are in (Latin when there are none)."""
    counts: dict[str, int] = {}
    for char in text:
        script = script_of_char(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else "Latin"


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (script, piece) runs; neutral characters join the run before them."""
    result: list[list[str]] = []
    for char in text:
        script = script_of_char(char)
        if result and (script is None or script == result[-1][0]):
            result[-1][1] += char
        elif result and result[-1][0] is None:  # leading neutral characters join the first real run
            result[-1] = [script, result[-1][1] + char]
        else:
            result.append([script, char])
    return [(script or "Latin", piece) for script, piece in result]


def font_file(script: str, serif: bool = False, bold: bool = True) -> Path | None:
    family = "NotoSerif" if serif else "NotoSans"
    name = f"{family}{FONT_FAMILIES.get(script, '')}-{'Bold' if bold else 'Regular'}.ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    if serif:
        return font_file(script, serif=False, bold=bold)
    return None


_thread_fonts = threading.local()


def font(script: str, size: int, serif: bool = False, bold: bool = True) -> ImageFont.ImageFont:
    """A font for the script, cached per thread (FreeType faces must not be shared between threads)."""
    cache = _thread_fonts.__dict__.setdefault("cache", {})
    key = (script, size, serif, bold)
    if key not in cache:
        cache[key] = _load_font(script, size, serif, bold)
    return cache[key]


def _load_font(script: str, size: int, serif: bool, bold: bool) -> ImageFont.ImageFont:
    path = font_file(script, serif, bold)
    if path is None:
        _warn_missing(script)
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)


@cache
def _warn_missing(script: str) -> None:
    message = (
        f"No Noto font for {script} text (install fonts-noto-core); using Pillow's default font, "
        f"which may not render it."
    )
    log.warning(message)
    warnings.warn(message, RuntimeWarning, stacklevel=3)


class Text:
    """A line of possibly mixed-script text in one style, measured and drawn run by run."""

    def __init__(self, text: str, size: int, serif: bool = False, bold: bool = True):
        self.text = text
        self.size = size
        self.pieces = [(piece, font(script, size, serif, bold)) for script, piece in runs(text)]
        probe = ImageDraw.Draw(Image.new("L", (1, 1)))
        self.widths = [probe.textlength(piece, font=f) for piece, f in self.pieces]
        self.width = sum(self.widths)
        metrics = [f.getmetrics() if hasattr(f, "getmetrics") else (size, size // 4) for _, f in self.pieces]
        self.ascent = max((m[0] for m in metrics), default=size)
        self.descent = max((m[1] for m in metrics), default=size // 4)

    def draw(self, draw: ImageDraw.ImageDraw, x: float, baseline: float, fill, **kwargs) -> None:
        for (piece, f), width in zip(self.pieces, self.widths, strict=True):
            draw.text((x, baseline), piece, font=f, fill=fill, anchor="ls", **kwargs)
            x += width


def wrap(text: str, max_width: float, size: int, serif: bool = False, bold: bool = True) -> list[Text] | None:
    """Greedy word wrap; None when one word alone is wider than max_width."""
    lines: list[Text] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if Text(candidate, size, serif, bold).width <= max_width:
            current = candidate
            continue
        if not current:
            return None
        lines.append(Text(current, size, serif, bold))
        if Text(word, size, serif, bold).width > max_width:
            return None
        current = word
    if current:
        lines.append(Text(current, size, serif, bold))
    return lines


def fit(
    text: str, max_width: float, max_lines: int, largest: int, smallest: int, *, serif=False, bold=True
) -> list[Text]:
    """The largest size (down to `smallest`) at which the text wraps into at most max_lines lines."""
    size = largest
    while True:
        lines = wrap(text, max_width, size, serif, bold)
        if lines is not None and len(lines) <= max_lines:
            return lines
        if size <= smallest:
            # Still too long: keep the first lines and end with an ellipsis.
            lines = wrap(text, max_width, size, serif, bold) or [Text(text, size, serif, bold)]
            kept = lines[:max_lines]
            last = kept[-1].text
            while last and Text(last + "…", size, serif, bold).width > max_width:
                last = last[:-1]
            kept[-1] = Text(last.rstrip() + "…", size, serif, bold)
            return kept
        size = max(smallest, int(size * 0.9))


def line_height(line: Text, leading: float = 1.0) -> float:
    return (line.ascent + line.descent) * leading


# ---- drawing helpers --------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _with_alpha(colour: str, alpha: int) -> tuple[int, int, int, int]:
    return (*_rgb(colour), alpha)


def _gradient(size, top: str, bottom: str, angle: float = 0) -> Image.Image:
    """A linear gradient from top to bottom colour, turned by `angle` degrees.

    Computed on a small grid and scaled up: a linear ramp survives bilinear scaling exactly."""
    width, height = size
    grid_w, grid_h = 48, max(2, round(48 * height / width))
    sin, cos = math.sin(math.radians(angle)), math.cos(math.radians(angle))
    reach = abs(sin) * width / 2 + abs(cos) * height / 2
    values = []
    for gy in range(grid_h):
        for gx in range(grid_w):
            x = (gx + 0.5) / grid_w * width - width / 2
            y = (gy + 0.5) / grid_h * height - height / 2
            values.append(max(0, min(255, round(((x * sin + y * cos) / reach + 1) * 127.5))))
    mask = Image.new("L", (grid_w, grid_h))
    mask.putdata(values)
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    canvas = Image.new("RGB", size, _rgb(top))
    canvas.paste(_rgb(bottom), (0, 0, *size), mask)
    return canvas


def _glow(canvas: Image.Image, centre, radius: int, colour: str, strength: int) -> None:
    """A soft radial light centred on `centre`."""
    # radial_gradient is 0 at the centre and 181 at the middle of each edge: fade out smoothly by then.
    mask = Image.radial_gradient("L").point(lambda v: int(strength * max(0.0, 1 - v / 181) ** 2))
    mask = mask.resize((radius * 2, radius * 2), Image.Resampling.BILINEAR)
    left, top = int(centre[0] - radius), int(centre[1] - radius)
    box = (max(0, left), max(0, top), min(canvas.width, left + radius * 2), min(canvas.height, top + radius * 2))
    mask = mask.crop((box[0] - left, box[1] - top, box[2] - left, box[3] - top))
    canvas.paste(_rgb(colour), box, mask)


def _fade(canvas: Image.Image, top: int, bottom: int, colour=(0, 0, 0), strength: int = 210) -> None:
    """Darken from `top` (clear) to `bottom` (strength) and below, so text on it stays readable."""
    height = canvas.height - top
    ramp = bottom - top
    mask = Image.new("L", (1, height))
    mask.putdata([min(strength, strength * y // ramp) for y in range(height)])
    canvas.paste(colour, (0, top, canvas.width, canvas.height), mask.resize((canvas.width, height)))


def _spaced(text: str) -> str:
    """Letter-spaced capitals for labels; only Latin runs are spaced (spacing would break Indic shaping)."""
    return "".join("\u2009".join(piece.upper()) if script == "Latin" else piece for script, piece in runs(text))


def _png(image: Image.Image, size) -> bytes:
    out = io.BytesIO()
    image.reduce(SCALE).save(out, "PNG", compress_level=1)
    return out.getvalue()


# ---- motifs: one per tag, blended onto the picture ------------------------------------------------


def _motif_action(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    for i in range(7):
        x = rnd.uniform(-0.3, 1.1) * w
        thickness = rnd.uniform(0.03, 0.12) * w
        alpha = rnd.randint(40, 120)
        colour = p[2] if i % 2 else p[3]
        draw.polygon(
            [(x, 0), (x + thickness, 0), (x + thickness - 0.6 * w, h * 0.75), (x - 0.6 * w, h * 0.75)],
            fill=_with_alpha(colour, alpha),
        )
    for _ in range(18):  # speed lines
        y = rnd.uniform(0.05, 0.6) * h
        x = rnd.uniform(0, 0.8) * w
        draw.line(
            [(x, y), (x + rnd.uniform(0.1, 0.35) * w, y - 0.05 * h)],
            fill=_with_alpha(p[3], 90),
            width=max(2, int(w * 0.004)),
        )


def _motif_thriller(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    cx, cy = w * rnd.uniform(0.35, 0.65), h * 0.33
    for i, radius in enumerate((0.42, 0.32, 0.22, 0.12)):
        r = radius * w
        draw.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            outline=_with_alpha(p[3], 60 + i * 25),
            width=max(2, int(w * (0.004 + 0.002 * i))),
        )
    draw.line([(cx, cy - 0.5 * w), (cx, cy + 0.5 * w)], fill=_with_alpha(p[3], 70), width=max(2, int(w * 0.003)))
    draw.line([(cx - 0.5 * w, cy), (cx + 0.5 * w, cy)], fill=_with_alpha(p[3], 70), width=max(2, int(w * 0.003)))
    r = 0.025 * w
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_with_alpha(p[2], 230))
    for _ in range(3):  # shards
        x, y = rnd.uniform(0, w), rnd.uniform(0, 0.6 * h)
        size = rnd.uniform(0.08, 0.2) * w
        draw.polygon(
            [(x, y), (x + size, y + size * 0.3), (x + size * 0.2, y + size * 1.4)],
            fill=_with_alpha(p[2], rnd.randint(50, 110)),
        )


def _motif_drama(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    cx = w * rnd.uniform(0.4, 0.6)
    draw.polygon(
        [(cx - 0.06 * w, 0), (cx + 0.06 * w, 0), (cx + 0.45 * w, 0.62 * h), (cx - 0.45 * w, 0.62 * h)],
        fill=_with_alpha(p[3], 45),
    )
    draw.ellipse([cx - 0.45 * w, 0.56 * h, cx + 0.45 * w, 0.68 * h], fill=_with_alpha(p[3], 70))
    # theatre curtains at both sides
    for side in (0, 1):
        for i in range(5):
            x0 = (i * 0.035 * w) if side == 0 else w - (i + 1) * 0.035 * w
            draw.rectangle([x0, 0, x0 + 0.03 * w, h], fill=_with_alpha("#8b0000", 70 + i * 10))
    draw.rectangle([0, 0, w, 0.05 * h], fill=_with_alpha("#5a0000", 200))


def _motif_comedy(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    colours = (p[2], p[3], "#ffffff", "#3a0ca3")
    for _ in range(40):
        r = rnd.uniform(0.01, 0.09) * w
        x, y = rnd.uniform(0, w), rnd.uniform(0, 0.7 * h)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=_with_alpha(rnd.choice(colours), rnd.randint(90, 200)))
    cx, cy, r = w * 0.5, h * 0.32, w * 0.24  # a big smile
    draw.arc([cx - r, cy - r, cx + r, cy + r], 20, 160, fill=_with_alpha("#ffffff", 230), width=int(w * 0.03))
    for dx in (-0.35, 0.35):
        e = w * 0.035
        draw.ellipse(
            [cx + dx * r - e, cy - 0.35 * r - e, cx + dx * r + e, cy - 0.35 * r + e], fill=_with_alpha("#ffffff", 230)
        )


def _motif_standup(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    cx = w * 0.5
    draw.polygon(
        [(cx - 0.05 * w, 0), (cx + 0.05 * w, 0), (cx + 0.4 * w, 0.56 * h), (cx - 0.4 * w, 0.56 * h)],
        fill=_with_alpha(p[3], 40),
    )
    draw.ellipse([cx - 0.4 * w, 0.52 * h, cx + 0.4 * w, 0.6 * h], fill=_with_alpha(p[3], 60))
    # a microphone on a stand
    head_w, head_h, top = 0.1 * w, 0.14 * w, 0.16 * h
    draw.rounded_rectangle(
        [cx - head_w / 2, top, cx + head_w / 2, top + head_h], radius=head_w / 2, fill=_with_alpha("#e5e5e5", 240)
    )
    for i in range(1, 4):
        y = top + head_h * i / 4.5
        draw.line(
            [(cx - head_w / 2.4, y), (cx + head_w / 2.4, y)],
            fill=_with_alpha("#777777", 200),
            width=max(2, int(w * 0.004)),
        )
    draw.rectangle([cx - 0.012 * w, top + head_h, cx + 0.012 * w, 0.53 * h], fill=_with_alpha("#d0d0d0", 230))
    draw.polygon([(cx, 0.51 * h), (cx - 0.1 * w, 0.56 * h), (cx + 0.1 * w, 0.56 * h)], fill=_with_alpha("#d0d0d0", 230))
    for _ in range(30):  # stars
        x, y, r = rnd.uniform(0, w), rnd.uniform(0, 0.55 * h), rnd.uniform(0.002, 0.006) * w
        draw.ellipse([x - r, y - r, x + r, y + r], fill=_with_alpha(p[2], rnd.randint(120, 255)))


def _motif_music(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    cx, cy = w * 0.5, h * 0.3
    for i in range(14):
        r = (0.06 + i * 0.035) * w
        draw.ellipse(
            [cx - r, cy - r, cx + r, cy + r],
            outline=_with_alpha(p[2] if i % 3 else p[3], 140 - i * 8),
            width=max(2, int(w * 0.006)),
        )
    r = 0.05 * w
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_with_alpha(p[3], 230))
    bars = 22
    for i in range(bars):  # equaliser
        x = w * (0.06 + 0.88 * i / bars)
        height = (0.04 + 0.16 * abs(math.sin(i * 0.7 + rnd.random()))) * h
        draw.rounded_rectangle(
            [x, 0.62 * h - height, x + 0.025 * w, 0.62 * h], radius=0.01 * w, fill=_with_alpha(p[2], 160)
        )


def _motif_romance(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    cx, cy, r = w * 0.68, h * 0.2, w * 0.13  # crescent moon: a disc, then a disc of the sky over it
    sky = canvas.getpixel((int(min(w - 1, cx + r + 0.08 * w)), int(cy)))
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_with_alpha("#fff5e1", 245))
    draw.ellipse([cx - r + 0.06 * w, cy - r - 0.03 * w, cx + r + 0.06 * w, cy + r - 0.03 * w], fill=sky)
    small = (w // 4, h // 4)  # bokeh, drawn small, blurred and scaled up: soft and cheap
    bokeh = Image.new("RGBA", small, (0, 0, 0, 0))
    bokeh_draw = ImageDraw.Draw(bokeh)
    for _ in range(16):
        rr = rnd.uniform(0.04, 0.16) * small[0]
        x, y = rnd.uniform(0, small[0]), rnd.uniform(0, 0.7 * small[1])
        bokeh_draw.ellipse(
            [x - rr, y - rr, x + rr, y + rr],
            fill=_with_alpha(rnd.choice((p[2], p[3], "#ffd6e0")), rnd.randint(40, 110)),
        )
    bokeh = bokeh.filter(ImageFilter.GaussianBlur(small[0] * 0.006)).resize((w, h), Image.Resampling.BILINEAR)
    canvas.paste(bokeh, (0, 0), bokeh)


def _motif_family(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    cx, cy, r = w * 0.5, h * 0.36, w * 0.2
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_with_alpha(p[2], 235))
    for i, colour in enumerate(("#2d6a4f", "#40916c", "#1b4332")):  # rolling hills
        top = h * (0.45 + 0.06 * i)
        draw.ellipse([-0.4 * w + i * 0.3 * w, top, 0.9 * w + i * 0.3 * w, top + 0.5 * h], fill=_with_alpha(colour, 230))
    for _ in range(5):  # kites
        x, y, s = rnd.uniform(0.1, 0.9) * w, rnd.uniform(0.06, 0.3) * h, rnd.uniform(0.03, 0.05) * w
        colour = rnd.choice(("#e63946", "#ffb703", "#8338ec", "#06d6a0"))
        draw.polygon([(x, y - s), (x + s * 0.8, y), (x, y + s * 1.2), (x - s * 0.8, y)], fill=_with_alpha(colour, 240))
        draw.line(
            [(x, y + s * 1.2), (x + rnd.uniform(-0.05, 0.05) * w, y + s * 4)],
            fill=_with_alpha("#ffffff", 150),
            width=max(1, int(w * 0.002)),
        )


def _motif_kids(canvas, rnd, w, h, p):
    draw = ImageDraw.Draw(canvas, "RGBA")
    cx, cy, r = w * 0.5, h * 0.3, w * 0.16
    for i in range(16):  # sun rays
        angle = i * math.tau / 16
        draw.polygon(
            [
                (cx + math.cos(angle - 0.12) * r * 1.2, cy + math.sin(angle - 0.12) * r * 1.2),
                (cx + math.cos(angle) * r * 2.1, cy + math.sin(angle) * r * 2.1),
                (cx + math.cos(angle + 0.12) * r * 1.2, cy + math.sin(angle + 0.12) * r * 1.2),
            ],
            fill=_with_alpha(p[2], 170),
        )
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_with_alpha(p[2], 250))
    for _ in range(22):  # bubbles
        rr = rnd.uniform(0.015, 0.06) * w
        x, y = rnd.uniform(0, w), rnd.uniform(0, 0.7 * h)
        draw.ellipse(
            [x - rr, y - rr, x + rr, y + rr], outline=_with_alpha("#ffffff", 200), width=max(2, int(w * 0.005))
        )


MOTIFS = {
    "action": _motif_action,
    "thriller": _motif_thriller,
    "drama": _motif_drama,
    "comedy": _motif_comedy,
    "stand-up": _motif_standup,
    "music": _motif_music,
    "romance": _motif_romance,
    "family": _motif_family,
    "kids": _motif_kids,
}
SERIF_TAGS = {"drama", "romance", "music"}


def _seed(text: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


# ---- posters ------------------------------------------------------------------------------------------


def poster(title: str, tags, *, subtitle: str | None = None, footer: str | None = None, size=POSTER_SIZE) -> bytes:
    """A portrait poster as PNG bytes: palette and motif from the first known tag, the title below."""
    tags = list(tags)
    main = next((t for t in tags if t in PALETTES), None)
    w, h = size[0] * SCALE, size[1] * SCALE
    rnd = random.Random(_seed(title))
    palette = rnd.choice(PALETTES.get(main, (DEFAULT_PALETTE,)))
    canvas = _gradient((w, h), palette[0], palette[1], angle=rnd.choice((0, 12, -12, 25)))
    _glow(canvas, (w * rnd.uniform(0.2, 0.8), h * 0.25), int(w * 0.7), palette[3], 90)
    MOTIFS.get(main, _motif_drama)(canvas, rnd, w, h, palette)
    _fade(canvas, int(h * 0.5), int(h * 0.78), strength=215)

    draw = ImageDraw.Draw(canvas, "RGBA")
    margin = int(w * 0.08)
    # Kept inside the middle 3:4 of the poster, which the catalogue cards show.
    safe_top, safe_bottom = int(h * 0.075), int(h * 0.925)

    label = "  ·  ".join(t for t in tags[:3])
    if label:
        tag_line = Text(_spaced(label), int(w * 0.028), bold=True)
        draw.rounded_rectangle(
            [
                margin - w * 0.02,
                safe_top - tag_line.ascent * 0.2,
                margin + tag_line.width + w * 0.02,
                safe_top + tag_line.ascent + tag_line.descent * 0.9,
            ],
            radius=w * 0.02,
            fill=(0, 0, 0, 110),
        )
        tag_line.draw(draw, margin, safe_top + tag_line.ascent, fill=palette[3])

    serif = main in SERIF_TAGS
    title_lines = fit(title, w - 2 * margin, 3, int(w * 0.13), int(w * 0.06), serif=serif)
    sub_lines = fit(subtitle, w - 2 * margin, 2, int(w * 0.04), int(w * 0.03), bold=False) if subtitle else []
    footer_line = Text(_spaced(footer), int(w * 0.024), bold=True) if footer else None

    # Stack from the bottom of the safe area upwards: footer, rule, subtitle, title.
    y = safe_bottom
    if footer_line:
        footer_line.draw(draw, margin, y - footer_line.descent, fill=_with_alpha(palette[3], 200))
        y -= line_height(footer_line) + w * 0.025
        draw.line([(margin, y), (margin + w * 0.18, y)], fill=palette[2], width=max(2, int(w * 0.006)))
        y -= w * 0.035
    for line in reversed(sub_lines):
        line.draw(draw, margin, y - line.descent, fill=_with_alpha("#ffffff", 220))
        y -= line_height(line, 1.1)
    if sub_lines:
        y -= w * 0.02
    for line in reversed(title_lines):
        shadow = (0, 0, 0, 150)
        line.draw(draw, margin + w * 0.005, y - line.descent + w * 0.005, fill=shadow)
        line.draw(draw, margin, y - line.descent, fill=palette[3])
        y -= line_height(line, 0.92 if script_of(line.text) == "Latin" else 0.85)
    return _png(canvas, size)


# ---- theatres -------------------------------------------------------------------------------------------


def theatre_picture(name: str, local_name: str | None, place: str, *, size=THEATRE_SIZE) -> bytes:
    """A 16:9 picture of a theatre's façade at dusk, with its names and place."""
    script = script_of(local_name or name)
    palette = THEATRE_PALETTES.get(script, THEATRE_PALETTES["Latin"])
    w, h = size[0] * SCALE, size[1] * SCALE
    rnd = random.Random(_seed(name))
    canvas = _gradient((w, h), palette[0], palette[1])
    _glow(canvas, (w * 0.72, h * 0.62), int(h * 0.7), palette[3], 120)
    draw = ImageDraw.Draw(canvas, "RGBA")
    for _ in range(50):  # stars
        x, y, r = rnd.uniform(0, w), rnd.uniform(0, 0.35 * h), rnd.uniform(1, 3) * SCALE
        draw.ellipse([x - r, y - r, x + r, y + r], fill=_with_alpha("#ffffff", rnd.randint(80, 220)))

    # The façade: a building on the right with a row of arches, a marquee and a lit entrance.
    d = draw
    left, right, top, ground = w * 0.48, w * 0.97, h * 0.24, h * 0.86
    building = _with_alpha(palette[2], 245)
    d.rectangle([left, top, right, ground], fill=building)
    dome_r = (right - left) * 0.16
    mid = (left + right) / 2
    d.pieslice([mid - dome_r, top - dome_r, mid + dome_r, top + dome_r], 180, 360, fill=building)
    d.rectangle([left - w * 0.01, top - h * 0.012, right + w * 0.01, top + h * 0.012], fill=_with_alpha("#5c4033", 220))
    arches = rnd.choice((4, 5, 6))
    span = (right - left) / arches
    for i in range(arches):  # upper windows, lit
        x0, x1 = left + i * span + span * 0.22, left + (i + 1) * span - span * 0.22
        y0, y1 = top + h * 0.06, top + h * 0.2
        d.rectangle([x0, (y0 + y1) / 2, x1, y1], fill=_with_alpha(palette[3], 235))
        d.pieslice([x0, y0, x1, y0 + (x1 - x0)], 180, 360, fill=_with_alpha(palette[3], 235))
    marquee_top = top + h * 0.26
    d.rectangle(
        [left + w * 0.02, marquee_top, right - w * 0.02, marquee_top + h * 0.1], fill=_with_alpha("#8b1e3f", 245)
    )
    for i in range(28):  # marquee bulbs
        x = left + w * 0.03 + i * ((right - left - w * 0.06) / 27)
        for y in (marquee_top + h * 0.012, marquee_top + h * 0.088):
            r = 0.004 * w
            d.ellipse([x - r, y - r, x + r, y + r], fill=_with_alpha("#fff3b0", 255))
    door_w = (right - left) * 0.36
    d.rectangle([mid - door_w / 2, ground - h * 0.22, mid + door_w / 2, ground], fill=_with_alpha(palette[3], 250))
    d.pieslice(
        [mid - door_w / 2, ground - h * 0.22 - door_w / 2, mid + door_w / 2, ground - h * 0.22 + door_w / 2],
        180,
        360,
        fill=_with_alpha(palette[3], 250),
    )
    for i in range(5):  # curtains in the door
        x0 = mid - door_w / 2 + i * door_w / 10
        d.rectangle([x0, ground - h * 0.2, x0 + door_w / 14, ground], fill=_with_alpha("#b5172f", 200))
        x1 = mid + door_w / 2 - (i + 1) * door_w / 10
        d.rectangle([x1, ground - h * 0.2, x1 + door_w / 14, ground], fill=_with_alpha("#b5172f", 200))
    d.rectangle([0, ground, w, h], fill=_with_alpha("#1a1423", 255))

    # Left: a dark panel fading into the picture, with the names.
    panel = (
        Image.linear_gradient("L")
        .rotate(-90)
        .point(lambda v: v * 200 // 255)
        .resize((int(w * 0.62), h), Image.Resampling.BILINEAR)
    )
    canvas.paste((10, 8, 20), (0, 0, *panel.size), panel)
    margin = int(w * 0.05)
    text_width = w * 0.48
    place_line = Text(_spaced(place), int(h * 0.04), bold=True)
    name_lines = fit(name, text_width, 2, int(h * 0.11), int(h * 0.06))
    local_lines = fit(local_name, text_width, 2, int(h * 0.075), int(h * 0.045)) if local_name else []
    blocks = [line_height(place_line) + h * 0.04] + [line_height(x, 0.95) for x in name_lines]
    blocks += [h * 0.02] + [line_height(x, 0.9) for x in local_lines]
    y = (h - sum(blocks)) / 2
    place_line.draw(draw, margin, y + place_line.ascent, fill=palette[3])
    y += line_height(place_line) + h * 0.04
    for line in name_lines:
        line.draw(draw, margin, y + line.ascent, fill="#ffffff")
        y += line_height(line, 0.95)
    y += h * 0.02
    for line in local_lines:
        line.draw(draw, margin, y + line.ascent, fill=_with_alpha(palette[3], 255))
        y += line_height(line, 0.9)
    return _png(canvas, size)
