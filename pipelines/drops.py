"""Typed drop reasons. Scrapy counts each as item_dropped_reasons_count/<ClassName>."""
from scrapy.exceptions import DropItem


class ArticleDrop(DropItem):
    """Base class of every expected drop: logged at INFO, counted by class name."""

    def __init__(self, message: str):
        super().__init__(message, log_level="INFO")


class NotAnArticle(ArticleDrop):
    """The page has no article body (listing, gallery, video, empty shell)."""


class Undecodable(ArticleDrop):
    """Legacy or broken encoding that could not be repaired; never stored as mojibake."""


class TooShort(ArticleDrop):
    """Fewer words than QUALITY_MIN_WORDS after cleaning."""


class NotVietnamese(ArticleDrop):
    """Too few Vietnamese syllables: another language or garbage."""


class DuplicateURL(ArticleDrop):
    """The canonical URL is already in the corpus or earlier in this run."""


class DuplicateContent(ArticleDrop):
    """The same normalised text is already in the corpus (exact duplicate)."""


class OutsideWindow(ArticleDrop):
    """Published before --since."""


class OverLimit(ArticleDrop):
    """The site already has --max-articles articles in this run."""
