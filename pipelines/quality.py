"""Quality gate: an article needs a title, enough words, and Vietnamese text.

Language detection is offline and cheap: the share of words carrying a letter or tone mark
that only Vietnamese uses (ă â đ ê ô ơ ư and the tone-marked vowels). Vietnamese news
prose scores 0.6-0.8; English and other Latin-script languages stay near 0."""
from __future__ import annotations

import re
from datetime import date

from pipelines.drops import NotAnArticle, NotVietnamese, OutsideWindow, TooShort
from pipelines.items import any_item

_VI_LETTERS = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
_VI_LETTERS |= {c.upper() for c in _VI_LETTERS}
_WORD = re.compile(r"[^\W\d_]+")

MIN_WORDS = 80
MIN_VI_SHARE = 0.3
VI_LANG_SHARE = 0.3        # lang="vi" at or above it (the default gate)


def vietnamese_share(text: str) -> float:
    """Share of alphabetic words that contain a Vietnamese-only letter."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if not _VI_LETTERS.isdisjoint(w)) / len(words)


def check_article(article, min_words: int = MIN_WORDS, min_vi_share: float = MIN_VI_SHARE,
                  since: date | None = None) -> None:
    """Raise the typed drop that applies, or return None for a good article."""
    if not article.text.strip():
        raise NotAnArticle("not an article: no body text left after cleaning")
    if not article.title.strip():
        raise NotAnArticle("not an article: no title")
    words = len(article.text.split())
    if words < min_words:
        raise TooShort(f"too short: {words} words < {min_words}")
    share = vietnamese_share(article.text)
    article.vi_share = round(share, 4)
    article.lang = "vi" if share >= VI_LANG_SHARE else "other"
    if share < min_vi_share:
        raise NotVietnamese(f"not Vietnamese: {share:.0%} Vietnamese words < {min_vi_share:.0%}")
    if since and article.published_at and article.published_at.date() < since:
        raise OutsideWindow(f"published {article.published_at.date()} before {since}")


class QualityPipeline:
    """Scrapy step: QUALITY_MIN_WORDS, QUALITY_MIN_VI_SHARE, VNNEWS_SINCE (YYYY-MM-DD)."""

    def __init__(self, min_words: int, min_vi_share: float, since: date | None):
        self.min_words, self.min_vi_share, self.since = min_words, min_vi_share, since

    @classmethod
    def from_crawler(cls, crawler):
        since = crawler.settings.get("VNNEWS_SINCE")
        return cls(crawler.settings.getint("QUALITY_MIN_WORDS", MIN_WORDS),
                   crawler.settings.getfloat("QUALITY_MIN_VI_SHARE", MIN_VI_SHARE),
                   date.fromisoformat(since) if since else None)

    @any_item
    def process_item(self, item):
        check_article(item, self.min_words, self.min_vi_share, self.since)
        return item
