"""The files the demo customers attach: a small screenshot and a trade export."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw

from demo.data.walks import DemoCase


def demo_png() -> bytes:
    image = Image.new("RGB", (320, 120), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 110), outline=(40, 80, 160), width=2)
    draw.text((24, 30), "Withdrawal  USDT  500.00", fill=(20, 20, 20))
    draw.text((24, 60), "Status: Processing", fill=(160, 40, 40))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def demo_csv(spec: DemoCase) -> bytes:
    rows = ["time_utc,pair,side,price,amount"]
    rows += [f"2026-10-0{i + 1}T09:3{i}:00Z,BTC/USDT,buy,6{i}250.10,0.0{i + 1}" for i in range(4)]
    return ("\n".join(rows) + "\n").encode()
