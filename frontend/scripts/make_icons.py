# Regenerate with: /work/main/.venv/bin/python scripts/make_icons.py (from frontend/); needs Pillow.
"""Draw the Ticket Show app icon (a gold ticket on a plum curtain colour) at the PWA sizes."""
from PIL import Image, ImageDraw

PLUM = (107, 26, 54, 255)
GOLD = (224, 179, 90, 255)

def icon(size: int, zoom: float = 1.0) -> Image.Image:
    """The icon at `size`; zoom < 1 draws the ticket smaller around the centre (for the maskable icon)."""
    scale = 4  # draw large, then downsample for smooth edges
    full = size * scale
    s = round(full * zoom)
    img = Image.new("RGBA", (s, s), PLUM)
    d = ImageDraw.Draw(img)
    # Ticket inside the maskable safe zone (central 80%).
    left, right = int(s * 0.2), int(s * 0.8)
    top, bottom = int(s * 0.32), int(s * 0.68)
    d.rounded_rectangle((left, top, right, bottom), radius=int(s * 0.04), fill=GOLD)
    notch = int(s * 0.06)
    mid = (top + bottom) // 2
    for cx in (left, right):
        d.ellipse((cx - notch, mid - notch, cx + notch, mid + notch), fill=PLUM)
    # Perforation.
    px = int(s * 0.62)
    dash = int(s * 0.025)
    y = top + dash
    while y < bottom - dash:
        d.rectangle((px - dash // 3, y, px + dash // 3, y + dash), fill=PLUM)
        y += dash * 2
    # Star on the stub side.
    import math
    cx, cy, r_out, r_in = int(s * 0.41), mid, int(s * 0.11), int(s * 0.045)
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(pts, fill=PLUM)
    if s != full:  # centre the smaller drawing on a full-size plum square
        canvas = Image.new("RGBA", (full, full), PLUM)
        canvas.paste(img, ((full - s) // 2, (full - s) // 2))
        img = canvas
    return img.resize((size, size), Image.LANCZOS)

for size in (192, 512):
    icon(size).save(f"public/icons/icon-{size}.png", optimize=True)
# Maskable: platforms crop it to a circle or squircle, keeping only the central 80% "safe zone"; the ticket
# is drawn at 80% so even its corners stay well inside that circle, on an opaque full-bleed background.
icon(512, zoom=0.8).convert("RGB").save("public/icons/icon-maskable-512.png", optimize=True)
