"""The Article item: the only thing that travels from the spider to the corpus."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    """One news article. Every field is documented here, where it is declared."""

    url: str                                  # canonical URL (rel=canonical when on the same site)
    site: str                                 # registry id ("generic" for --start-url crawls)
    title: str = ""                           # headline as printed
    text: str = ""                            # lead + body paragraphs, one paragraph per line
    lead: str | None = None                   # sapo / standfirst, also the first line of `text`
    captions: list[str] = field(default_factory=list)  # each distinct image caption once
    author: str | None = None                 # byline as printed
    published_at: datetime | None = None      # tz-aware, Asia/Ho_Chi_Minh
    published_raw: str | None = None          # the date string as found on the page
    category: str | None = None               # section
    tags: list[str] = field(default_factory=list)
    province: str | None = None               # province of the paper (registry)
    province_before_2025: str | None = None   # its province before the 2025 merger (63 provinces)
    fetched_url: str | None = None            # URL the page was fetched from (may differ from url)
    tokens: str | None = None                 # underthesea segmentation, one sentence per line
    n_words: int | None = None
    n_sentences: int | None = None
    lang: str | None = None                   # "vi", or "other" (quality gate's detector)
    vi_share: float | None = None             # share of words with a Vietnamese-only letter
    content_hash: str | None = None           # hash of the normalised text (exact-duplicate key)
    crawled_at: datetime | None = None        # UTC fetch time
    run_id: str | None = None                 # the crawl run that produced the row
    extraction: str | None = None             # "site-rules" or "generic": which extractor made it
    layout: str = "article"                   # "photo_story": the captions are the body
    warc_file: str | None = None              # WARC file holding the raw response (see _warc/)
    warc_offset: int | None = None            # byte offset of its record in warc_file
