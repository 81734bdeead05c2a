"""Uploaded photos lose their metadata before they are kept: a phone's photo carries EXIF (the camera, its serial
number, the time taken, often the GPS position), XMP, comments and, in PNG, text chunks, any of which may identify
whoever took it. Whistleblowers' photos and evidence attachments are both cleaned here.

The image is decoded with Pillow and saved again with only its pixels: EXIF (GPS included), XMP, comments, PNG
text chunks (`tEXt`, `zTXt`, `iTXt`), `eXIf` and `tIME` are dropped. The ICC colour profile is kept (it tells
colours, not who or where), as is a PNG's transparency. An EXIF orientation is applied to the pixels first, so a
photo taken sideways still shows upright. A JPEG keeps its quantisation tables (`quality="keep"`) unless it had
to be turned, so cleaning costs as little quality as a re-encoding can. PDFs are not touched.
"""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo fits; a decompression bomb does not
# What anyone may send without an account (a tip's photos): a 16-megapixel photo shows the problem; decoding one
# costs about 64 MB, where three 7000×7000 images cost gigabytes a request.
PUBLIC_MAX_PIXELS = 16_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


class UnreadableImage(ValueError):
    """The bytes are not a JPEG or PNG image Pillow can read (or it is too large to decode)."""


def strip_metadata(data: bytes, max_pixels: int = MAX_PIXELS) -> bytes:
    """The same JPEG or PNG image without its metadata; raises `UnreadableImage` for anything else, or for an
    image of more than `max_pixels` (read from its header, before anything is decoded)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise UnreadableImage(f"the image has more than {max_pixels} pixels")
                image.load()
                return _saved(image)
    except UnreadableImage:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, EOFError) as error:
        raise UnreadableImage(f"not a readable JPEG or PNG image ({type(error).__name__})") from None


def _saved(image: Image.Image) -> bytes:
    icc = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    turned = _orientation(image) not in (None, 1)
    target = ImageOps.exif_transpose(image) if turned else image
    # Pillow copies some of `info` (a JPEG's comment, XMP) into what it saves: nothing of it is kept.
    target.info = {}
    out = io.BytesIO()
    options: dict[str, object] = {"optimize": True}
    if icc:
        options["icc_profile"] = icc
    if image.format == "JPEG":
        if target is image:
            options.update(quality="keep", subsampling="keep")
        else:
            options["quality"] = 92
        if target.mode not in ("L", "RGB", "CMYK"):
            target = target.convert("RGB")
        target.save(out, "JPEG", exif=b"", **options)
    else:
        if transparency is not None:
            options["transparency"] = transparency
        target.save(out, "PNG", **options)
    return out.getvalue()


def _orientation(image: Image.Image) -> int | None:
    try:
        value = image.getexif().get(0x0112)
    except Exception:  # a broken EXIF block orients nothing
        return None
    return value if isinstance(value, int) else None
