"""Publication dates: parse what the page prints or declares into Asia/Ho_Chi_Minh time.

Printed forms read (day first, as Vietnamese pages print them; time optional):
"17/06/2025 13:43", "17-6-2025, 13:43", "13:43 17/06/2025", "Thứ Hai, 17/6/2025 - 13:43
(GMT+7)", "17 tháng 6, 2025", "Ngày 5 tháng 6 năm 2025 lúc 10:30", "2025/06/17 10:30", and
relative ones resolved against the time the page was fetched (`now`): "2 giờ trước",
"15 phút trước", "3 ngày trước", "Hôm qua 08:30", "Hôm nay 7:05", "Hôm kia". Older pages
print two-digit years ("ngày 24/12/12 11:05 tối": read only when no four-digit date is there)
and the part of the day instead of AM/PM ("04:00 chiều" is 16:00, "11:05 tối" 23:05).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
# "17 tháng 6, 2025", "5 tháng 6 năm 2025", "05 Tháng 06 2025"
_VI_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,|\s+năm|\s)\s*(\d{4})(?!\d)",
                     re.I)
_YMD = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
# "24/12/12": slashes only (dashes and dots in short numbers are too often something else)
_DMY2 = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
_AGO = re.compile(r"(?<!\d)(\d{1,3})\s*(giây|phút|giờ|tiếng|ngày|tuần|tháng|năm)\s+trước\b", re.I)
_AGO_UNIT = {"giây": timedelta(seconds=1), "phút": timedelta(minutes=1),
             "giờ": timedelta(hours=1), "tiếng": timedelta(hours=1),
             "ngày": timedelta(days=1), "tuần": timedelta(weeks=1),
             "tháng": timedelta(days=30), "năm": timedelta(days=365)}
_CLOCK_UNITS = {"giây", "phút", "giờ", "tiếng"}     # "N <unit> trước" also gives the time of day
_DAY_WORD = re.compile(r"\b(hôm nay|hôm qua|hôm kia)\b", re.I)
_DAYS_BACK = {"hôm nay": 0, "hôm qua": 1, "hôm kia": 2}
_HM = re.compile(r"(?<!\d)(\d{1,2})[:hg](\d{2})(?::(\d{2}))?(?!\d)"
                 r"(?:\s*([AaPp])\.?[Mm]\b|\s*(sáng|trưa|chiều|tối|đêm)\b)?", re.I)
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


def parse_printed(value: str, formats: tuple[str, ...] = (),
                  now: datetime | None = None) -> datetime | None:
    """A date as printed on a Vietnamese page (see the module's list), time optional.
    `now`: when the page was fetched, for relative dates (default: the current time)."""
    value = (value or "").strip()
    for fmt in formats:
        try:
            return localize(datetime.strptime(value, fmt))
        except ValueError:
            continue
    match = _day_match(value)
    if match is None:
        return _relative(value, now) or parse_iso(value)
    (day, month, year), span = match
    rest = value[:span[0]] + " " + value[span[1]:]
    hour, minute, second = _clock(_HM.search(rest))
    try:
        return localize(datetime(year, month, day, hour, minute, second))
    except ValueError:
        return None


def _day_match(value: str):
    """((day, month, year), span) of the first absolute calendar date in the text, or None."""
    for pattern, order in ((_DMY, (0, 1, 2)), (_VI_DMY, (0, 1, 2)), (_YMD, (2, 1, 0)),
                           (_DMY2, (0, 1, 2))):
        match = pattern.search(value)
        if match:
            groups = [int(g) for g in match.groups()]
            day, month, year = (groups[i] for i in order)
            if pattern is _DMY2:
                year += 2000            # news sites printing "dd/mm/yy" started after 2000
            return (day, month, year), match.span()
    return None


def _relative(value: str, now: datetime | None) -> datetime | None:
    """"2 giờ trước" / "Hôm qua 08:30" against the fetch time, in Vietnamese time."""
    now = localize(now) if now else datetime.now(VN_TZ)
    ago = _AGO.search(value)
    if ago:
        moment = now - int(ago.group(1)) * _AGO_UNIT[ago.group(2).lower()]
        return moment if ago.group(2).lower() in _CLOCK_UNITS else _midnight(moment)
    word = _DAY_WORD.search(value)
    if not word:
        return None
    day = _midnight(now - timedelta(days=_DAYS_BACK[word.group(1).lower()]))
    hour, minute, second = _clock(_HM.search(value))
    return day.replace(hour=hour % 24, minute=minute % 60, second=second % 60)


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


# Parts of the day printed after a time, as the hours they add to a 12-hour clock reading
# ("sáng" morning, "trưa" noon, "chiều" afternoon, "tối" evening, "đêm" night).
_AFTERNOON = {"trưa", "chiều", "tối"}


def _clock(match) -> tuple[int, int, int]:
    """(hour, minute, second) of a time match; "12:05 AM" is 00:05, "01:30 PM" is 13:30,
    "04:00 chiều" 16:00, "11:05 tối" 23:05, "11:30 đêm" 23:30 but "1:00 đêm" 01:00."""
    if not match:
        return 0, 0, 0
    hour, minute, second = (int(g or 0) for g in match.groups()[:3])
    half = (match.group(4) or "").lower()
    part = (match.group(5) or "").lower()
    if half and hour <= 12:
        hour = hour % 12 + (12 if half == "p" else 0)
    elif hour < 12 and (part in _AFTERNOON and not (part == "trưa" and hour >= 11)
                        or part == "đêm" and hour >= 6):
        hour += 12
    return hour, minute, second


def has_clock(value: str) -> bool:
    """True when a printed date also gives the time of day."""
    value = value or ""
    match = _day_match(value)
    rest = value[:match[1][0]] + " " + value[match[1][1]:] if match else value
    ago = _AGO.search(value)
    return bool(_HM.search(rest)) or bool(ago and ago.group(2).lower() in _CLOCK_UNITS)


# Words a printed date line may carry besides its numbers ("Thứ Hai, 24/12/2012, 03:04 AM
# (GMT+7)", "Cập nhật lúc 08:30 ngày 12/6/2025").
_DATE_WORDS = frozenset("thứ hai ba tư năm sáu bảy chủ nhật cn ngày tháng lúc giờ phút sáng "
                        "chiều tối am pm gmt utc cập đăng xuất bản hôm nay qua".split())
_LETTERS = re.compile(r"[^\W\d_]+")
DATE_LINE_MAX_WORDS = 12


def is_date_line(line: str) -> bool:
    """The line prints a date and nothing else (weekday, time, "cập nhật" words aside):
    page furniture above or below a body, never a paragraph."""
    words = _LETTERS.findall(line.casefold())
    if len(line.split()) > DATE_LINE_MAX_WORDS or any(w not in _DATE_WORDS for w in words):
        return False
    return _day_match(line) is not None


def without_label(line: str) -> str:
    """A date line without the label words before it ("Published on 03-08-2011 01:00 AM"
    -> "03-08-2011 01:00 AM"); date words ("Cập nhật thứ hai, ngày ...") stay."""
    words = line.split()
    while words and not any(c.isdigit() for c in words[0]) \
            and not all(w in _DATE_WORDS for w in _LETTERS.findall(words[0].casefold())):
        words.pop(0)
    return " ".join(words) or line


def clean_printed(value: str | None) -> str | None:
    """A printed date without the separators pages put around it ("- 07/03/2026 08:47")."""
    value = _EDGE.sub("", value or "")
    return value or None


def parse_any(value: str, formats: tuple[str, ...] = (),
              now: datetime | None = None) -> datetime | None:
    """ISO first (machine-readable attributes), then the printed day-first forms."""
    if value and _ISO.fullmatch(value.strip()):
        return parse_iso(value)
    return parse_printed(value, formats, now)


def localize(value: datetime) -> datetime:
    """Naive times on Vietnamese pages are local time; aware ones are converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)
