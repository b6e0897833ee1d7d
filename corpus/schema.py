"""Schema v2 of the corpus (v1 had int32 counts and no province_before_2025, lang, vi_share,
layout, warc_file, warc_offset). Every column is nullable and present in every file, so that
pandas, pyarrow, polars, DuckDB and Hugging Face datasets read all files as one table."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone

import pyarrow as pa

from crawler.items import Article

SCHEMA_VERSION = "2"
VN_TZ = "Asia/Ho_Chi_Minh"

# (name, type, meaning): the meaning is printed in the README and the data card.
FIELDS = [
    ("url", pa.string(), "canonical URL of the article on its own site"),
    ("site", pa.string(), "registry id of the site (crawler/sites/<id>.toml); 'generic' for --start-url"),
    ("province", pa.string(), "province of the paper (registry), null for national papers"),
    ("province_before_2025", pa.string(), "the paper's province among the 63 before the July 2025 merger (registry), null for national papers"),
    ("title", pa.string(), "headline"),
    ("lead", pa.string(), "sapo / standfirst; also the first line of text"),
    ("text", pa.string(), "lead + body, one paragraph per line; no title, captions, bylines, related links, navigation"),
    ("captions", pa.list_(pa.string()), "each distinct image caption once"),
    ("author", pa.string(), "byline as printed"),
    ("published_at", pa.timestamp("us", tz=VN_TZ), "publication time, Asia/Ho_Chi_Minh"),
    ("published_raw", pa.string(), "the publication date as printed or declared by the page"),
    ("category", pa.string(), "section"),
    ("tags", pa.list_(pa.string()), "tags printed with the article"),
    ("tokens", pa.string(), "underthesea word segmentation of text: one sentence per line, syllables of a word joined by _"),
    ("n_words", pa.int64(), "number of words (punctuation excluded) in tokens"),
    ("n_sentences", pa.int64(), "number of sentences (lines) in tokens"),
    ("lang", pa.string(), "language of text: vi, or other (kept only when QUALITY_MIN_VI_SHARE is lowered)"),
    ("vi_share", pa.float32(), "share of the words of text with a letter or tone mark only Vietnamese uses (news prose: 0.6-0.8)"),
    ("content_hash", pa.string(), "hash of the normalised text: the exact-duplicate key"),
    ("crawled_at", pa.timestamp("us", tz="UTC"), "time the page was fetched"),
    ("run_id", pa.string(), "id of the crawl run that wrote the row (see _runs/)"),
    ("fetched_url", pa.string(), "URL the crawler requested, as linked (before redirects), on the site's own domain"),
    ("extraction", pa.string(), "which extractor produced the text: site-rules or generic"),
    ("layout", pa.string(), "article, or photo_story: captions carry most of the prose, so they are the body and stay in text too"),
    ("dup_of", pa.string(), "url of the near-duplicate cluster's canonical member (null for the canonical and for unique articles)"),
    ("dup_cluster", pa.string(), "near-duplicate cluster id: content_hash of its canonical member (null for unique articles)"),
    ("warc_file", pa.string(), "WARC file holding the raw response the row was made from (relative to the corpus directory when inside it; null when the crawl archived nothing)"),
    ("warc_offset", pa.int64(), "byte offset of that response record in warc_file (a gzip member: seek there and read one record)"),
]
SCHEMA = pa.schema([pa.field(n, t, nullable=True) for n, t, _ in FIELDS],
                   metadata={"vnnews.schema_version": SCHEMA_VERSION})
COLUMNS = [n for n, _, _ in FIELDS]


def article_row(article: Article) -> dict:
    """The parquet row of an article (the same dict `extract` prints, with ISO times)."""
    data = asdict(article)
    row = {name: data.get(name) for name in COLUMNS}
    row["captions"] = list(row["captions"] or [])
    row["tags"] = list(row["tags"] or [])
    return row


def rows_to_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def json_row(article: Article) -> dict:
    """article_row with datetimes as ISO strings, for JSON output."""
    row = article_row(article)
    for key in ("published_at", "crawled_at"):
        if isinstance(row[key], datetime):
            row[key] = row[key].isoformat()
    return row


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
