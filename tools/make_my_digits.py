"""Make the sample "own digit" images in data/my_digits/ (one for each digit, 0-9).

None of them comes from MNIST. Four are strokes drawn with Pillow along jittered pen paths;
six are digits rendered from handwriting-style fonts of Debian packages, then rotated, coloured
and placed on varied backgrounds. Several imitate a phone photo of paper: uneven lighting,
sensor noise, a slight blur and JPEG compression. The images vary in size, stroke width,
polarity, colour and position on purpose: they are what a class would bring.

A thirteenth image, ``phone_photo_of_a_3.jpg``, stands in for a student's phone photo in
notebook 10: a 12-megapixel portrait shot of a ballpoint 3 on a sheet lying on a desk (the desk
shows at the left edge, the phone's shadow at the bottom right), stored the way phones store a
portrait photo: the pixels sideways, plus an EXIF orientation tag (6) that tells viewers to turn
them upright. It needs no fonts.

Run from the repository root (the fonts are needed only to *make* the images):

    apt-get install fonts-dkg-handwriting fonts-breip fonts-femkeklaver fonts-comic-neue fonts-dancingscript
    python -m tools.make_my_digits                 # all thirteen
    python -m tools.make_my_digits --phone-photo   # only phone_photo_of_a_3.jpg (no fonts needed)

The output is deterministic for a given Pillow version and font files.
"""

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parent.parent / "data" / "my_digits"
FONTS = Path("/usr/share/fonts")
rng = np.random.default_rng(2026)

# Pen paths in a unit box (x, y from the top-left), for the digits drawn stroke by stroke.
PATHS = {
    "1 plain": [[(0.30, 0.22), (0.55, 0.04), (0.52, 0.96)]],
    "3": [[(0.18, 0.16), (0.45, 0.03), (0.78, 0.14), (0.74, 0.36), (0.42, 0.48), (0.80, 0.60),
           (0.84, 0.84), (0.52, 0.98), (0.16, 0.86)]],
    "7": [[(0.12, 0.10), (0.88, 0.08), (0.62, 0.45), (0.42, 0.96)], [(0.40, 0.50), (0.80, 0.50)]],
    # a "continental" 1: a long flag and a foot, as many European pupils write it
    "1": [[(0.10, 0.40), (0.62, 0.02), (0.58, 0.95)], [(0.25, 0.96), (0.85, 0.94)]],
}


def jitter(points, amount):
    return [(x + rng.normal(0, amount), y + rng.normal(0, amount)) for x, y in points]


def draw_strokes(digit, size, box, width, ink, paper, mode="RGB"):
    image = Image.new(mode, size, paper)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = box
    for path in PATHS[digit]:
        points = [(left + x * (right - left), top + y * (bottom - top)) for x, y in jitter(path, 0.015)]
        draw.line(points, fill=ink, width=width, joint="curve")
        radius = width / 2  # round pen tips
        for x, y in (points[0], points[-1]):
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=ink)
    return image


def draw_font_digit(digit, font_file, font_size, size, position, ink, paper, angle=0, mode="RGB"):
    font = ImageFont.truetype(str(FONTS / font_file), font_size)
    glyph = Image.new("L", (font_size * 2, font_size * 2), 0)
    ImageDraw.Draw(glyph).text((font_size // 2, font_size // 4), digit, fill=255, font=font)
    glyph = glyph.rotate(angle, resample=Image.Resampling.BICUBIC)
    glyph = glyph.crop(glyph.getbbox())
    image = Image.new(mode, size, paper)
    image.paste(Image.new(mode, glyph.size, ink), position, glyph)
    return image


def photograph(image, light=(1.0, 0.78), noise=6.0, blur=1.2, vignette=0.25):
    """Make a clean image look like a phone photo of paper: uneven light, noise, blur."""
    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(blur)), dtype=np.float64)
    height, width = pixels.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width]
    gradient = light[0] + (light[1] - light[0]) * (0.6 * xs / width + 0.4 * ys / height)
    distance = np.hypot((xs - width / 2) / width, (ys - height / 2) / height)
    shade = gradient * (1 - vignette * distance**2 * 2)
    if pixels.ndim == 3:
        shade = shade[..., None]
    pixels = pixels * shade + rng.normal(0, noise, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def make():
    OUT.mkdir(parents=True, exist_ok=True)
    cream, blue_ink = (244, 238, 222), (28, 45, 140)
    samples = {
        # --- strokes drawn with Pillow
        "0_green_marker_photo.jpg": photograph(zero_in_marker(), light=(0.95, 0.8), noise=5.0),
        "1_pencil_thin_large.png": draw_strokes(
            "1 plain", (900, 1200), (330, 250, 560, 950), 7, (95, 95, 100), (236, 236, 232)),
        "3_black_pen_on_white.png": draw_strokes("3", (300, 300), (80, 50, 220, 250), 14, 0, 255, mode="L"),
        "7_chalk_on_blackboard_small.png": draw_strokes(
            "7", (72, 90), (14, 10, 60, 80), 6, (235, 235, 225), (38, 52, 46)),
        "1_continental_with_flag_and_foot.png": draw_strokes(
            "1", (240, 300), (50, 40, 190, 260), 16, (10, 10, 10), (255, 255, 255)),
        # --- handwriting fonts from Debian packages
        "2_font_breip_red_marker.png": draw_font_digit(
            "2", "truetype/breip/Breip.ttf", 260, (360, 420), (60, 50), (200, 30, 30), (255, 255, 255), angle=8),
        "4_font_dkg_blue_pen_photo.jpg": photograph(draw_font_digit(
            "4", "truetype/fifthhorseman/dkg.ttf", 300, (480, 640), (140, 170), blue_ink, cream, angle=-5)),
        "5_font_femkeklaver_off_centre.png": draw_font_digit(
            "5", "truetype/femkeklaver/femkeklaver.ttf", 90, (640, 480), (470, 40), (20, 20, 20), (250, 250, 250)),
        "6_font_comicneue_transparent.png": draw_font_digit(
            "6", "opentype/comic-neue/ComicNeue-Bold.otf", 200, (260, 300), (50, 40), (0, 0, 0, 255),
            (0, 0, 0, 0), angle=-10, mode="RGBA"),
        "8_font_dancingscript_pencil_photo.jpg": photograph(draw_font_digit(
            "8", "opentype/dancingscript/DancingScript-Regular.otf", 420, (700, 800), (190, 120),
            (110, 110, 115), (240, 240, 236), angle=4), light=(1.0, 0.7), noise=8.0),
        "3_font_dkg_on_lined_paper_photo.jpg": photograph(lined_paper(draw_font_digit(
            "3", "truetype/fifthhorseman/dkg.ttf", 260, (420, 480), (120, 110), (25, 25, 30), (250, 250, 246)))),
        "9_font_dkg_bold_white_on_blue.png": draw_font_digit(
            "9", "truetype/fifthhorseman/dkgBd.ttf", 150, (200, 220), (40, 25), (250, 250, 250), (30, 60, 150),
            angle=12),
    }
    for name, image in sorted(samples.items()):
        path = OUT / name
        if path.suffix == ".jpg":
            image.convert("RGB").save(path, quality=88)
        else:
            image.save(path, optimize=True)
        print(f"{path.name}: {image.size[0]}x{image.size[1]} {image.mode}, {path.stat().st_size:,} bytes")


def lined_paper(image, spacing=48, colour=(150, 185, 225)):
    """Rule light-blue lines across the whole sheet, behind the ink (as on a school exercise book)."""
    pixels = np.asarray(image).copy()
    ruled = pixels.copy()
    for y in range(spacing // 2, pixels.shape[0], spacing):
        ruled[y:y + 3] = colour
    paper = pixels.min(axis=2) > 200  # only where there is no ink
    pixels[paper] = ruled[paper]
    return Image.fromarray(pixels)


def zero_in_marker():
    """A thick green marker 0: an ellipse drawn as a closed, slightly wobbly pen path."""
    image = Image.new("RGB", (500, 500), (252, 252, 250))
    draw = ImageDraw.Draw(image)
    angles = np.linspace(0, 2 * np.pi, 40)
    radius = 1 + rng.normal(0, 0.03, angles.size)
    radius[-1] = radius[0]
    points = [(250 + 95 * r * np.sin(a), 250 - 160 * r * np.cos(a)) for a, r in zip(angles, radius)]
    draw.line(points, fill=(20, 130, 60), width=34, joint="curve")
    return image


def phone_photo():
    """A synthetic 12-megapixel phone photo of a ballpoint 3, stored sideways with EXIF orientation 6."""
    photo_rng = np.random.default_rng(3)  # its own generator: the twelve images above stay as they are
    width, height = 3024, 4032  # portrait, as the phone was held
    # the smooth parts (sheet, desk, light, shadow) at a quarter of the size, then scaled up
    small_w, small_h = width // 4, height // 4
    ys, xs = np.mgrid[0:small_h, 0:small_w] / np.array([small_h, small_w])[:, None, None]
    rgb = np.ones((small_h, small_w, 3)) * np.array([232, 228, 218], float)       # the sheet
    rgb[xs < 0.13 + 0.02 * ys] = (92, 62, 40)                                       # the desk, left
    light = 1.0 - 0.12 * xs - 0.08 * ys                                             # light from the top left
    shadow = 1 - 0.45 * np.clip((ys - 0.62) / 0.38, 0, 1) ** 1.5 * np.clip((xs - 0.3) / 0.7, 0, 1)
    rgb *= (light * shadow)[..., None]
    image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).resize((width, height), Image.Resampling.BICUBIC)

    draw = ImageDraw.Draw(image)  # a blue ballpoint 3, about 1,100 pixels tall
    left, top, right, bottom = 1150, 1450, 1950, 2550
    points = [(left + (x + photo_rng.normal(0, 0.012)) * (right - left),
               top + (y + photo_rng.normal(0, 0.012)) * (bottom - top)) for x, y in PATHS["3"][0]]
    pen = (30, 40, 110)
    draw.line(points, fill=pen, width=30, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse([x - 15, y - 15, x + 15, y + 15], fill=pen)

    image = image.filter(ImageFilter.GaussianBlur(2.0))
    noise = photo_rng.normal(0, 1.5, (height, width, 1)).astype(np.float32)
    image = Image.fromarray(np.clip(np.asarray(image, dtype=np.float32) + noise, 0, 255).astype(np.uint8))

    stored = image.transpose(Image.Transpose.ROTATE_90)  # the sensor's landscape pixels ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... and the tag "turn me 90 degrees clockwise to show me"
    exif[0x0131] = "tools/make_my_digits.py (a synthetic photo, not taken with a camera)"  # Software
    path = OUT / "phone_photo_of_a_3.jpg"
    stored.save(path, quality=80, exif=exif)
    print(f"{path.name}: stored {stored.size[0]}x{stored.size[1]}, shown {width}x{height}, "
          f"{path.stat().st_size:,} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phone-photo", action="store_true",
                        help="make only phone_photo_of_a_3.jpg (needs no fonts)")
    if not parser.parse_args().phone_photo:
        make()
    phone_photo()
