"""CPU cost of checking one uploaded image: milliseconds per image for a few crafted files.

    .venv/bin/python bench/uploads.py [--repeat 3] [--max-pixels N]

Runs `cases.lib.uploads.check_upload` (content check, pixel budget, re-encoding; no scanner, no
database) on images built in memory: a real-sized screenshot, and "pixel floods" — images of
many pixels that compress to a small file (one colour), the shape that made a 131 KB upload
cost 0.8 s of CPU. Prints file size, pixels, the outcome and the best time of `--repeat` runs;
`--max-pixels` leaves out the larger images (the test suite's smoke run).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "complaints_site.settings.test")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from cases.lib.uploads import check_upload  # noqa: E402
from complaints_site.common.exceptions import ApplicationError  # noqa: E402


def _png(size: tuple[int, int], *, noisy: bool = False) -> bytes:
    if noisy:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (240, 240, 240))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=not noisy)
    return out.getvalue()


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 30, 30)).save(out, "JPEG", quality=50)
    return out.getvalue()


CASES = [
    ("phone screenshot 1170x2532 (noisy PNG)", (1170, 2532), lambda s: _png(s, noisy=True)),
    ("desktop screenshot 3840x2160 (flat PNG)", (3840, 2160), _png),
    ("flat 4000x3000 (12 MP, PNG)", (4000, 3000), _png),
    ("pixel flood 6000x6000 (flat PNG)", (6000, 6000), _png),
    ("pixel flood 6300x6300 (flat PNG, ~131 KB)", (6300, 6300), _png),
    ("pixel flood 6000x6000 (flat JPEG)", (6000, 6000), _jpeg),
    ("pixel flood 12000x12000 (flat PNG)", (12000, 12000), _png),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-pixels", type=int, default=None)
    args = parser.parse_args()
    print(f"{'image':45} {'bytes':>10} {'pixels':>12} {'outcome':>16} {'ms':>8}")
    for label, size, build in CASES:
        pixels = size[0] * size[1]
        if args.max_pixels is not None and pixels > args.max_pixels:
            continue
        content = build(size)
        best = float("inf")
        outcome = ""
        for _ in range(args.repeat):
            started = time.perf_counter()
            try:
                name = "shot.png" if content[:4] == b"\x89PNG" else "shot.jpg"
                check_upload(name=name, content=content)
                outcome = "accepted"
            except ApplicationError as exc:
                outcome = exc.extra.get("code", "refused")
            best = min(best, time.perf_counter() - started)
        print(f"{label:45} {len(content):>10} {pixels:>12} {outcome:>16} {best * 1000:>8.1f}")


if __name__ == "__main__":
    main()
