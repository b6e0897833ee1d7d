"""Publication dates: parse what the page prints or declares into Asia/Ho_Chi_Minh time."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# "17/06/2025 13:43", "17-6-2025, 13:43", "13:43 17/06/2025", "Thứ Hai, 17/6/2025 - 13:43 (GMT+7)"
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_HM = re.compile(r"(?<!\d)(\d{1,2})[:hg](\d{2})(?::(\d{2}))?(?!\d)")
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
    clock = _HM.search(rest)
    hour, minute, second = (int(g or 0) for g in clock.groups()) if clock else (0, 0, 0)
    try:
        return localize(datetime(year, month, day, hour, minute, second))
    except ValueError:
        return None


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
