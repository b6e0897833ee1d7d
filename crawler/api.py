"""The Python API: what the command line does, as functions that return values and raise
typed exceptions (the CLI is a thin face over these).

    from crawler.api import extract, process, crawl
    from corpus import load, load_polars

- extract(html, url)  -> Article          raises NoArticle, UndecodableError
- process(article)    -> Article          cleaned and tokenised; raises an ArticleDrop
- crawl(sites, out)   -> dict             the run's manifest (DIR/_runs/<run_id>.json)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from crawler.items import Article
from crawler.pages import NoArticle, extract_article
from crawler.sites.registry import Site, get_site, site_for_url
from pipelines.chain import clean_article, clean_and_tokenize
from pipelines.drops import (ArticleDrop, DuplicateContent, DuplicateURL, NotAnArticle,
                             NotVietnamese, TooShort, Undecodable)
from pipelines.encoding import UndecodableError, decode_html

__all__ = ["Article", "ArticleDrop", "CrawlFailed", "DuplicateContent", "DuplicateURL",
           "NoArticle", "NotAnArticle", "NotVietnamese", "TooShort", "Undecodable",
           "UndecodableError", "crawl", "extract", "process"]


def extract(html: bytes | str, url: str, site: str | Site | None = None, *,
            rules: bool = True, fetched_at: datetime | None = None) -> Article:
    """One page -> Article (title, lead, text, captions, author, dates, category, tags).

    `html`: the response bytes (decoded as the crawler does: declared charset, legacy
    Vietnamese encodings and mojibake repaired) or already decoded text. `site`: a registry
    id or Site; default: the registered site owning the URL, else the rule-free extractor.
    `rules=False` forces the rule-free extractor. `fetched_at` resolves relative dates
    ("2 giờ trước"; default now). Raises NoArticle (with the reason) or UndecodableError."""
    if isinstance(html, bytes):
        html = decode_html(html)[0]
    site = get_site(site) if isinstance(site, str) else site or site_for_url(url)
    article = extract_article(html, url, site, use_rules=rules, fetched_at=fetched_at)
    article.site = site.id if site else "generic"
    article.province = site.province if site else None
    article.province_before_2025 = site.province_before_2025 if site else None
    return article


def process(article: Article, *, tokenize: bool = True, site_phrases: tuple[str, ...] | None = None
            ) -> Article:
    """Clean an Article as a crawl does (normalise, strip boilerplate and caption copies,
    quality gate, content hash), then word-segment it (`tokens`, `n_words`, `n_sentences`).
    `site_phrases`: extra boilerplate phrases (default: the registered site's). Raises the
    ArticleDrop subclass a crawl would drop it with (TooShort, NotVietnamese, ...)."""
    if site_phrases is None:
        from crawler.sites.registry import boilerplate_phrases
        site_phrases = boilerplate_phrases(article.site)
    step = clean_and_tokenize if tokenize else clean_article
    return step(article, site_phrases)


class CrawlFailed(RuntimeError):
    """The crawl could not run (bad arguments, output locked or unwritable): the CLI's line."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def crawl(sites: list[str] | tuple[str, ...] = (), out: str | Path = "corpus-out", *,
          start_url: str | None = None, max_articles: int = 0, since: str | None = None,
          base_url: str | None = None, max_runtime: int = 0,
          settings: dict[str, object] | None = None) -> dict:
    """Crawl registered sites (or an unregistered one from `start_url`) into the corpus `out`
    and return the run's manifest (status, exit_code, per-site reports, drops by reason).

    The crawl runs in a child process (`python -m crawler crawl`), so a notebook can call it
    again (Scrapy's reactor starts once per process) and a crash cannot take the caller
    down. A run that finishes partially is returned, not raised: read `manifest["status"]`.
    Raises CrawlFailed when no run took place."""
    args = [sys.executable, "-m", "crawler", "crawl", *sites, "--out", str(out),
            "--max-articles", str(max_articles), "--max-runtime", str(max_runtime)]
    for flag, value in (("--start-url", start_url), ("--since", since), ("--base-url", base_url)):
        if value:
            args += [flag, value]
    for name, value in (settings or {}).items():
        args += ["-s", f"{name}={value}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH"))))}
    before = _manifests(Path(out))
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    new = sorted(_manifests(Path(out)) - before)
    if not new:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise CrawlFailed(lines[-1] if lines else f"exit {done.returncode}", done.returncode)
    return json.loads(new[-1].read_text("utf-8"))


def _manifests(out: Path) -> set[Path]:
    return set((out / "_runs").glob("*.json")) if (out / "_runs").is_dir() else set()
