"""Area codes after the national grid coding.

A street's code is the 6-digit county code (GB/T 2260) and 3 digits for the street;
each level below appends 3 digits (community, grid, then sub-grid, courtyard and
building). The code is the materialised path: every area under X has a code that
starts with X's code, so "everything under X" is one indexed prefix query.
"""

import re

SEGMENT = 3
ROOT_LENGTH = 9
MAX_LENGTH = ROOT_LENGTH + SEGMENT * 6
_SHAPE = re.compile(r"^\d{9}(\d{3})*$")


def is_well_formed(code: str) -> bool:
    return bool(_SHAPE.match(code or "")) and len(code) <= MAX_LENGTH


def parent_code(code: str) -> str | None:
    return code[:-SEGMENT] if len(code) > ROOT_LENGTH else None


def depth(code: str) -> int:
    """0 for a street, 1 for a community, ..."""
    return (len(code) - ROOT_LENGTH) // SEGMENT


def ancestors(code: str) -> list[str]:
    """Codes of every area above and including this one, root first."""
    return [code[: ROOT_LENGTH + SEGMENT * i] for i in range(depth(code) + 1)]


def child_code(parent: str, number: int) -> str:
    return f"{parent}{number:03d}"
