"""Publication dates: parse what the page prints or declares into Asia/Ho_Chi_Minh time."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# "17/06/2025 13:43", "17-6-2025, 13:43", "13:43 17/06/2025", "Thứ Hai, 17/6/2025 - 13:43 (GMT+7)"
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_HM = re.compile(r"(?<!\d)(\d{1,2})[:hg](\d{2})(?::(\d{2}))?(?!\d)(?:\s*([AaPp])\.?[Mm]\b)?")
_EDGE = re.compile(r"^[\s|\-–—·•:,]+|[\s|\-–—·•:,]+$")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?")


def parse_iso(value: str) -> datetime | None:
    match = _ISO.search(value or "")
    if not match:
        return None
    raw = match.group(0).replace("Z", "+00:00")
    raw = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", raw)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return localize(parsed)


def parse_printed(value: str, formats: tuple[str, ...] = ()) -> datetime | None:
    """A date as printed on a Vietnamese page (day first), time optional."""
    value = (value or "").strip()
    for fmt in formats:
        try:
            return localize(datetime.strptime(value, fmt))
        except ValueError:
            continue
    match = _DMY.search(value)
    if not match:
        return parse_iso(value)
    day, month, year = (int(g) for g in match.groups())
    rest = value[:match.start()] + " " + value[match.end():]
    hour, minute, second = _clock(_HM.search(rest))
    try:
        return localize(datetime(year, month, day, hour, minute, second))
    except ValueError:
        return None


def _clock(match) -> tuple[int, int, int]:
    """(hour, minute, second) of a time match; "12:05 AM" is 00:05, "01:30 PM" is 13:30."""
    if not match:
        return 0, 0, 0
    hour, minute, second = (int(g or 0) for g in match.groups()[:3])
    half = (match.group(4) or "").lower()
    if half and hour <= 12:
        hour = hour % 12 + (12 if half == "p" else 0)
    return hour, minute, second


def has_clock(value: str) -> bool:
    """True when a printed date also gives the time of day."""
    match = _DMY.search(value or "")
    rest = value[:match.start()] + " " + value[match.end():] if match else value or ""
    return bool(_HM.search(rest))


def clean_printed(value: str | None) -> str | None:
    """A printed date without the separators pages put around it ("- 07/03/2026 08:47")."""
    value = _EDGE.sub("", value or "")
    return value or None


def parse_any(value: str, formats: tuple[str, ...] = ()) -> datetime | None:
    """ISO first (machine-readable attributes), then the printed day-first forms."""
    if value and _ISO.fullmatch(value.strip()):
        return parse_iso(value)
    return parse_printed(value, formats)


def localize(value: datetime) -> datetime:
    """Naive times on Vietnamese pages are local time; aware ones are converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)
