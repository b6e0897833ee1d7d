"""Comparison keys for lines of text: case, punctuation and spacing do not matter."""
import re

_NON_WORD = re.compile(r"[\W_]+")


def line_key(line: str) -> str:
    """'Các tin khác:' and 'CÁC TIN KHÁC' share a key."""
    return _NON_WORD.sub(" ", line or "").strip().casefold()
