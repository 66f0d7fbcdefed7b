"""Which uploaded images are accepted as contact avatars: type by content, and size (no I/O)."""

from __future__ import annotations

MAX_AVATAR_BYTES = 512 * 1024
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(data: bytes) -> str | None:
    """Return the MIME type of a PNG, JPEG, GIF or WebP image from its first bytes, else None."""
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_avatar(data: bytes) -> str:
    """Return the MIME type of an acceptable avatar, else raise ValueError with the reason."""
    if not data:
        raise ValueError("the image is empty")
    if len(data) > MAX_AVATAR_BYTES:
        raise ValueError(f"the image is larger than {MAX_AVATAR_BYTES // 1024} KiB")
    mime = image_type(data)
    if mime is None:
        raise ValueError("the image must be a PNG, JPEG, GIF or WebP file")
    return mime
