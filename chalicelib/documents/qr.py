"""QR PNGs of badge codes, drawn by qrcode through pure-Python PyPNG.

Imported only by the routes that draw, so the check-in path never loads it;
nothing here needs Pillow.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
import qrcode.image.pure

# Level M survives a scuffed or creased badge (about 15% of modules lost)
# while keeping a 40-character code at QR version 3.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M


def qr_png(text: str, box_size: int = 10) -> bytes:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECTION,
        box_size=box_size,
        border=4,
        image_factory=qrcode.image.pure.PyPNGImage,
    )
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
