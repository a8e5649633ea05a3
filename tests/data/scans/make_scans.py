"""Make the scanned-report fixtures of tests/test_ocr.py from text PDFs (run from the repo root):

    .venv/bin/python tests/data/scans/make_scans.py

- report2019-scan.pdf: tests/data/formats/report2019.pdf (the 2019 template's three tables)
  printed and scanned: 200 dpi grey, turned by 1.2°, grey paper noise and speckles, JPEG-compressed, a red seal
  (grey after the scan) stamped over the sign-off, and one value cell of 表三 blotted out by a
  smudge (一、本年新收 / 自然人, printed 58) so that it cannot be read.
- report2019-signoff.jpg: the last page of the same report photographed in colour at 150 dpi,
  turned by -0.7°, with the red seal: an image report (ocr_image) and the red taken out.

huaian-2024-scan.pdf is /work/shared/scans/huaian-2024-scan.pdf as given (150 dpi grey, no
text layer), the scan of /work/shared/reports/huaian-2024.pdf.
"""
from __future__ import annotations

import io
import math
import random
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SOURCE = ROOT / "tests" / "data" / "formats" / "report2019.pdf"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SEAL_TEXT = "青岚区人民政府办公室"
SEAL_RED = (218, 37, 29)


def render(path: Path, dpi: int) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(str(path))
    return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in pdf]


def find_words(path: Path, page: int, text: str) -> tuple[float, float, float, float]:
    """The box (points) of the line holding `text` on a page."""
    with pdfplumber.open(path) as pdf:
        for line in pdf.pages[page].extract_text_lines():
            if text in line["text"]:
                return line["x0"], line["top"], line["x1"], line["bottom"]
    raise LookupError(text)


def seal(radius: int) -> Image.Image:
    """A round red seal: a ring, a star, the unit's name along the top of the ring (RGBA)."""
    size = 2 * radius + 4
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    ring = max(3, radius // 14)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=SEAL_RED + (255,), width=ring)
    star = [(c + radius * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             c - radius * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    draw.polygon(star, fill=SEAL_RED + (255,))
    font = ImageFont.truetype(FONT, int(radius * 0.28))
    n = len(SEAL_TEXT)
    for k, ch in enumerate(SEAL_TEXT):
        angle = math.radians(210 - k * 240 / (n - 1))  # from lower left over the top to lower right
        glyph = Image.new("RGBA", (int(radius * 0.4), int(radius * 0.4)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=font, fill=SEAL_RED + (255,),
                                   anchor="mm")
        glyph = glyph.rotate(math.degrees(angle) - 90, expand=True, resample=Image.BICUBIC)
        r = radius * 0.72
        x, y = c + r * math.cos(angle), c - r * math.sin(angle)
        image.alpha_composite(glyph, (int(x - glyph.width / 2), int(y - glyph.height / 2)))
    return image


def stamp(page: Image.Image, centre: tuple[float, float], radius: int) -> Image.Image:
    """Seal ink over print: multiply, so black text under the seal stays black."""
    mark = seal(radius)
    layer = Image.new("RGB", page.size, (255, 255, 255))
    alpha = mark.getchannel("A").point(lambda a: int(a * 0.85))
    layer.paste(mark.convert("RGB"), (int(centre[0] - mark.width / 2), int(centre[1] - mark.height / 2)), alpha)
    return Image.fromarray((np.asarray(page, np.float32) * np.asarray(layer, np.float32) / 255).astype(np.uint8))


def smudge(page: Image.Image, box: tuple[float, float, float, float], seed: int) -> Image.Image:
    """Ink blotted over a cell's digits: a dark smear of strokes that leaves no digit readable."""
    rng = random.Random(seed)
    page = page.copy()
    draw = ImageDraw.Draw(page)
    x0, y0, x1, y1 = box
    for _ in range(40):
        a = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        b = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        draw.line([a, b], fill=(rng.randint(20, 90),) * 3, width=rng.randint(2, 4))
    return page


def scanned(page: Image.Image, angle: float, seed: int, grey: bool = True) -> Image.Image:
    """Turned, with paper tone and noise, blurred a little as a scanner does."""
    rng = np.random.default_rng(seed)
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=(255, 255, 255))
    array = np.asarray(page, np.float32)
    array = array * 0.92 + 12  # paper is not white, ink is not black
    array += rng.normal(0, 3, array.shape[:2])[..., None]  # grain
    speckles = rng.random(array.shape[:2]) < 0.0008
    array[speckles] = rng.uniform(60, 160, int(speckles.sum()))[:, None]
    out = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    return out.convert("L") if grey else out


def save_pdf(pages: list[Image.Image], path: Path, dpi: int, quality: int) -> None:
    """Image-only PDF (no text layer), JPEG-compressed pages."""
    jpegs = []
    for page in pages:
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=quality)
        jpegs.append(Image.open(io.BytesIO(buffer.getvalue())))
    jpegs[0].save(path, "PDF", save_all=True, append_images=jpegs[1:], resolution=dpi)


def main() -> None:
    dpi = 200
    scale = dpi / 72
    pages = render(SOURCE, dpi)
    # The seal over the sign-off on the last page.
    x0, top, x1, bottom = find_words(SOURCE, 2, "办公室")
    centre = ((x0 + x1) / 2 * scale, (top + 10) * scale)
    pages[2] = stamp(pages[2], centre, int(0.8 * dpi))
    # Smudge the cell 一、本年新收 / 自然人 of 表三 (58).
    with pdfplumber.open(SOURCE) as pdf:
        words = [w for w in pdf.pages[0].extract_words() if w["text"] == "58"]
    w = words[0]
    pages[0] = smudge(pages[0], (w["x0"] * scale - 6, w["top"] * scale - 4, w["x1"] * scale + 6,
                                 w["bottom"] * scale + 4), seed=7)
    scans = [scanned(page, angle, seed) for page, angle, seed in zip(pages, (1.2, 0.9, 1.5), (1, 2, 3))]
    save_pdf(scans, HERE / "report2019-scan.pdf", dpi, quality=35)

    photo_dpi = 150
    last = render(SOURCE, photo_dpi)[2]
    x0, top, x1, bottom = find_words(SOURCE, 2, "办公室")
    s = photo_dpi / 72
    last = stamp(last, ((x0 + x1) / 2 * s, (top + 10) * s), int(0.8 * photo_dpi))
    scanned(last, -0.7, 4, grey=False).save(HERE / "report2019-signoff.jpg", "JPEG", quality=55)


if __name__ == "__main__":
    main()
