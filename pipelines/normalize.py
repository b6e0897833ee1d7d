"""Text normalisation: one policy for every text field, applied before anything else reads it.

Policies (this text goes into the data card):

- Unicode NFC.
- Invisible characters are removed: zero-width space/non-joiner/joiner (U+200B-U+200D),
  word joiner (U+2060), BOM (U+FEFF), soft hyphen (U+00AD), bidirectional marks and every
  other format character (category Cf), combining grapheme joiner, and control characters.
- No-break and typographic spaces (U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F, U+3000)
  and tabs become an ASCII space; vertical tab, form feed, CR, NEL, U+2028 and U+2029 are line
  breaks.
- Icelandic eth is read as the Vietnamese letter it was typed for: Ð (U+00D0) -> Đ (U+0110),
  ð (U+00F0) -> đ (U+0111). NFC does not do it and underthesea does, so without it `text`
  and `tokens` would disagree.
- Fullwidth ASCII forms (U+FF01-U+FF5E) become ASCII.
- Kept as printed: curly quotes and dashes, letter case, and the tone-mark placement
  (old-style "hoà", "thuỷ" and new-style "hòa", "thủy" are not unified in `text`).
- Layout: spaces are collapsed inside a line, lines are stripped, blank lines are removed:
  `text` holds one paragraph per line. One-line fields (title, author, caption) hold no line
  break at all.
- The exact-duplicate key (`content_hash`) is the BLAKE2b-128 hex digest of the normalised
  text, case-folded, with every run of whitespace and punctuation collapsed to one space.
- Legacy encodings are repaired first (pipelines.encoding.repair_text): TCVN3 writes ư as the
  soft hyphen that this step would delete.

All functions are idempotent.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from itertools import chain

from pipelines.encoding import UndecodableError, repair_text
from pipelines.items import any_item

_SPACES = "\t\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_INVISIBLE_EXTRA = "\u034f"  # combining grapheme joiner: a mark, not a format character


def _translation() -> dict[int, str | None]:
    """One str.translate table for every character-level rule (built once at import)."""
    table: dict[int, str | None] = {}
    for cp in chain(range(0x10000), range(0xE0000, 0xE0080)):
        category = unicodedata.category(chr(cp))
        if category == "Cf" or (category == "Cc" and chr(cp) not in "\n"):
            table[cp] = None
    table.update({ord(c): None for c in _INVISIBLE_EXTRA})
    table.update({ord(c): " " for c in _SPACES})
    table.update({ord(c): "\n" for c in _BREAKS})
    table.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)})
    table.update({0xD0: "\u0110", 0xF0: "\u0111"})
    return table


_TABLE = _translation()
_SPACE_RUN = re.compile(" {2,}")
_LINE_BREAK = re.compile(r"[ \n]*\n[ \n]*")
_NON_WORD = re.compile(r"[\W_]+")


def normalize_text(text: str) -> str:
    """Normalised multi-paragraph text: one paragraph per line, no empty line."""
    # NFC after the table: deleting a zero-width character can bring a base letter and its
    # combining mark together.
    text = unicodedata.normalize("NFC", text.translate(_TABLE))
    return _LINE_BREAK.sub("\n", _SPACE_RUN.sub(" ", text)).strip(" \n")


def normalize_inline(text: str) -> str:
    """Normalised one-line field (title, author, caption): line breaks become spaces."""
    return normalize_text(text).replace("\n", " ")


def content_hash(text: str) -> str:
    """Exact-duplicate key: copies differing in case, spacing or punctuation collide."""
    key = _NON_WORD.sub(" ", normalize_text(text).casefold()).strip()
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def _clean(value: str | None, inline: bool = True) -> str | None:
    if value is None:
        return None
    repaired, _ = repair_text(value)
    return normalize_inline(repaired) if inline else normalize_text(repaired)


def _clean_field(value: str | None) -> str | None:
    """A short field (a tag, a caption, the author) with a broken character the body does
    not have ("Pakistan\ufffds military" among 26 tags): the value goes, not the article;
    the garbage share of a 19-character string says nothing about the page."""
    try:
        return _clean(value)
    except UndecodableError:
        return None


def normalize_article(article):
    """Repair and normalise every text field of an Article in place.

    Raises UndecodableError when the body holds text that cannot be repaired; a field
    that cannot be repaired beside a clean body is left out (a title keeps its readable
    characters)."""
    article.text = _clean(article.text, inline=False) or ""
    title = article.title
    article.title = _clean_field(title)
    if article.title is None:
        article.title = normalize_inline(_BROKEN.sub("", title or ""))
    for name in ("lead", "author", "category"):
        setattr(article, name, _clean_field(getattr(article, name)) or None)
    article.captions = [c for c in map(_clean_field, article.captions) if c]
    article.tags = [t for t in map(_clean_field, article.tags) if t]
    return article


_BROKEN = re.compile(r"[\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f]")


class NormalizePipeline:
    """Scrapy step: repair and normalise the text fields; unrepairable text is dropped."""

    @any_item
    def process_item(self, item):
        try:
            return normalize_article(item)
        except UndecodableError as exc:
            from pipelines.drops import Undecodable  # Scrapy only where Scrapy runs
            raise Undecodable(f"undecodable: {exc}") from None
