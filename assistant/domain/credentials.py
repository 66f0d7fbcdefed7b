"""Passwords and bearer tokens: hashing, verification and the password policy (no I/O).

Passwords are hashed with scrypt (``hashlib.scrypt``, N=2^14, r=8, p=1) and a random 16-byte salt
per password, stored as ``scrypt$N$r$p$salt$hash`` (base64). Tokens (API bearer tokens, session
ids) are 256-bit random strings shown once; only their SHA-256 digest is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
SALT_BYTES = 16
MIN_PASSWORD_LEN = 10
MAX_PASSWORD_LEN = 256
TOKEN_BYTES = 32
_SCHEME = "scrypt"


def check_password_policy(password: str) -> str:
    """Return ``password`` when it is acceptable (10 to 256 characters, not blank), else raise ValueError."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LEN:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LEN} characters")
    if len(password) > MAX_PASSWORD_LEN:
        raise ValueError(f"password must have at most {MAX_PASSWORD_LEN} characters")
    if not password.strip():
        raise ValueError("password must not be blank")
    return password


def hash_password(password: str, salt: bytes | None = None) -> str:
    """Return the encoded scrypt hash of ``password`` (a fresh random salt unless one is given)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join((_SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)))


def verify_password(password: str, encoded: str) -> bool:
    """Return whether ``password`` matches ``encoded``; False (never an exception) for a malformed hash."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != _SCHEME:
            return False
        expected = _unb64(digest)
        actual = _scrypt(password, _unb64(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError, AttributeError):
        return False
    return hmac.compare_digest(actual, expected)


def dummy_verify(password: str) -> None:
    """Spend the time of one verification, so an unknown account answers as slowly as a known one."""
    verify_password(password, _DUMMY_HASH)


def new_token() -> str:
    """Return a fresh random token (URL-safe text, 256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """Return the SHA-256 hex digest stored in place of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_token(a: str, b: str) -> bool:
    """Compare two tokens in constant time."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int = SCRYPT_DKLEN) -> bytes:
    if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16 and 16 <= dklen <= 64):
        raise ValueError("scrypt parameters out of range")
    data = password.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=64 * 1024 * 1024)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


_DUMMY_HASH = hash_password("not a password of anyone", salt=b"\0" * SALT_BYTES)
