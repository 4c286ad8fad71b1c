"""Uploaded rosters waiting for confirmation, kept encrypted under MEDIA_ROOT/imports/.

A roster is a list of clear ID and phone numbers, so it is never on disk in clear: it is
sealed with the same Fernet key as the personal data in the database (PII_KEY) and is
only ever opened into memory. The file is named by a random token, never by the name the
user gave it (that name is often the community's or a person's).

Nothing waits longer than MAX_AGE: Fernet stamps the time into the ciphertext, so a stale
upload is refused on open even before the periodic sweep (gridgov/people/tasks.py)
removes it.
"""

import io
import time
import uuid
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings

from gridgov.lib import pii

MAX_AGE_SECONDS = 2 * 3600
SUFFIX = ".enc"


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def path(token) -> Path:
    # uuid.UUID() refuses anything but a UUID, so a token can never walk out of folder().
    return folder() / f"{uuid.UUID(str(token))}{SUFFIX}"


def save(upload) -> uuid.UUID:
    """Encrypt an uploaded file to disk; return its token."""
    token = uuid.uuid4()
    folder().mkdir(parents=True, exist_ok=True)
    sealed = pii.encrypt_bytes(b"".join(upload.chunks()))
    target = path(token)
    # Written under a temporary name and renamed, so no half-written file is ever read.
    partial = target.with_suffix(".part")
    partial.write_bytes(sealed)
    partial.replace(target)
    return token


def open_upload(token) -> io.BytesIO | None:
    """The clear workbook in memory, or None if it is gone, stale or not ours to read."""
    try:
        sealed = path(token).read_bytes()
    except (FileNotFoundError, ValueError):
        return None
    try:
        return io.BytesIO(pii.decrypt_bytes(sealed, ttl=MAX_AGE_SECONDS))
    except InvalidToken:
        # Too old, or sealed under another PII_KEY: either way it can never be imported.
        delete(token)
        return None


def delete(token) -> None:
    path(token).unlink(missing_ok=True)


def sweep(max_age_seconds: int = MAX_AGE_SECONDS) -> int:
    """Remove every upload older than max_age_seconds; return how many were removed.

    Any file in the folder counts, not only ours: this also clears clear-text .xlsx
    files left by versions that did not encrypt, and .part files of interrupted saves.
    """
    if not folder().is_dir():
        return 0
    cutoff = time.time() - max_age_seconds
    removed = 0
    for old in folder().iterdir():
        try:
            if old.is_file() and old.stat().st_mtime < cutoff:
                old.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by the upload-time sweep or a cancel
            continue
    return removed
