"""Protected personal data: encryption at rest, a keyed hash for search, masking.

ID and phone numbers are stored three times over, never in clear:
the Fernet ciphertext (to unmask, logged), an HMAC-SHA256 digest under a separate
derived key (exact search and uniqueness without decrypting), and a masked form
(what every list, export and API shows by default).
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gridgov-pii", info=purpose).derive(
        settings.PII_KEY.encode()
    )


@lru_cache(maxsize=4)
def _keys(pii_key: str):
    fernet = Fernet(base64.urlsafe_b64encode(_derive(b"encrypt")))
    return fernet, _derive(b"blind-index")


def encrypt(value: str) -> str:
    fernet, _ = _keys(settings.PII_KEY)
    return fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    fernet, _ = _keys(settings.PII_KEY)
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong PII_KEY must be loud, never a silent blank
        raise ValueError("personal data cannot be decrypted with this PII_KEY") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """Seal a whole file (e.g. an uploaded roster) under the same key as the personal data."""
    fernet, _ = _keys(settings.PII_KEY)
    return fernet.encrypt(data)


def decrypt_bytes(token: bytes, ttl: int | None = None) -> bytes:
    """Open a sealed file; InvalidToken when it is older than ttl seconds or not ours."""
    fernet, _ = _keys(settings.PII_KEY)
    return fernet.decrypt(token, ttl=ttl)


def digest(value: str) -> str:
    """Keyed hash of the normalised value: equal values give equal digests."""
    _, key = _keys(settings.PII_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """110***********1234: the region and the last four, as the field shows it."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
