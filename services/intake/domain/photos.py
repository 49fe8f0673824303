"""A photo attached to an opinion: what counts as one, and what is kept of it.

The type is what the bytes decode as, never the file name or the Content-Type the client
claims: the file must open *and fully decode* as a JPEG, PNG or WebP image. What is kept
is the image re-encoded without any metadata (EXIF, with the GPS position a phone
records, XMP, text chunks), turned upright first so dropping the orientation tag does not
turn it on its side (ADR 0011).
"""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
"""Pillow's format name → (media type, file extension) of the photos taken."""

MAX_PHOTOS = 3
"""Photos per opinion (the public form and a deputy's photo report alike)."""

MAX_PIXELS = 40_000_000
"""Larger than any phone camera's picture; a small file claiming more is a decompression bomb."""

NAME_PATTERN = r"[0-9a-f]{32}\.(?:jpg|png|webp)"
"""A stored photo's name: a random id and the extension of the type it decoded as."""


def upload_limit(photo_max_bytes: int, request_bytes: int) -> int:
    """A multipart request's size: its photos and room for the text fields around them."""
    return MAX_PHOTOS * photo_max_bytes + request_bytes


class PhotoRefused(ValueError):
    """Why a file is not taken as a photo, phrased to follow its field name."""


class PhotoTooLarge(PhotoRefused):
    """Over the size limit (413 rather than 422)."""


@dataclass(frozen=True)
class Photo:
    name: str
    media_type: str
    data: bytes
    width: int
    height: int

    def describe(self) -> dict[str, object]:
        """What an event and the opinion's record say of it (never the bytes)."""
        return {
            "name": self.name,
            "media_type": self.media_type,
            "width": self.width,
            "height": self.height,
            "bytes": len(self.data),
        }


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")


def clean_photo(data: bytes, max_bytes: int) -> Photo:
    """The photo the bytes are, re-encoded without metadata; PhotoRefused otherwise."""
    if not data:
        raise PhotoRefused("is an empty file")
    if len(data) > max_bytes:
        raise PhotoTooLarge(
            f"is {megabytes(len(data))}; a photo may be at most {megabytes(max_bytes)}"
        )
    not_an_image = PhotoRefused(
        "is not a JPEG, PNG or WebP image (its content does not decode as one)"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=list(FORMATS)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoRefused(
                        f"is {image.width}×{image.height} pixels; at most "
                        f"{MAX_PIXELS // 1_000_000} million are taken"
                    )
                kind = str(image.format)
                image.load()  # decode every byte: a truncated or forged file fails here
                upright = ImageOps.exif_transpose(image)
                return _without_metadata(upright, kind)
    except PhotoRefused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as exc:
        raise not_an_image from exc


def _without_metadata(image: Image.Image, kind: str) -> Photo:
    media_type, extension = FORMATS[kind]
    out = BytesIO()
    # No `exif=`, `icc_profile=` or `pnginfo=` given: Pillow writes none of them.
    if kind == "JPEG":
        image = image if image.mode in ("RGB", "L") else image.convert("RGB")
        image.save(out, "JPEG", quality=90)
    elif kind == "WEBP":
        image = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
        image.save(out, "WEBP", quality=90)
    else:
        image.save(out, "PNG")
    return Photo(
        name=f"{uuid.uuid4().hex}.{extension}",
        media_type=media_type,
        data=out.getvalue(),
        width=image.width,
        height=image.height,
    )
