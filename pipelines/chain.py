"""The cleaning chain outside Scrapy (used by `extract`, evaluation, batch rebuilds and
`rebuild` from the archive): the same pure steps, in the same order, as the Scrapy pipelines
in crawler/settings.py."""
from __future__ import annotations

from pipelines import boilerplate, captions, normalize, quality
from pipelines.tokenize import tokenize_article_text


def clean_article(article, site_phrases: tuple[str, ...] = (),
                  min_words: int = quality.MIN_WORDS, min_vi_share: float = quality.MIN_VI_SHARE):
    """normalize -> boilerplate -> captions -> quality -> hash, in place: the article as the
    duplicate check sees it. `site_phrases`: the site's own boilerplate phrases
    (crawler.sites.registry).

    Raises the typed drop (pipelines.drops) that would drop the article in a crawl, or
    pipelines.encoding.UndecodableError."""
    normalize.normalize_article(article)
    boilerplate.clean_article(article, site_phrases)
    captions.clean_article(article)
    quality.check_article(article, min_words, min_vi_share)
    article.content_hash = normalize.content_hash(article.text)
    return article


def clean_and_tokenize(article, site_phrases: tuple[str, ...] = (),
                       min_words: int = quality.MIN_WORDS,
                       min_vi_share: float = quality.MIN_VI_SHARE):
    """clean_article, then the word segmentation (tokens, n_words, n_sentences), in place."""
    clean_article(article, site_phrases, min_words, min_vi_share)
    article.tokens, article.n_words, article.n_sentences = tokenize_article_text(article.text)
    return article
