"""A QR code of a link, for the projector: students scan it instead of typing the address.
Made by segno (pure Python); no streamlit here."""

from __future__ import annotations

import io

import segno


def qr_png(text: str, scale: int = 6) -> bytes:
    """``text`` as a PNG QR code (error correction M, a 2-module quiet zone)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
