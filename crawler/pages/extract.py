"""extract_article(): HTML of one page -> Article, or NoArticle with a one-line reason."""
from __future__ import annotations

from importlib import import_module

from crawler.items import Article
from crawler.pages.article_page import ArticlePage, NoArticle
from crawler.sites.registry import Site

__all__ = ["NoArticle", "extract_article", "page_class_for"]


def page_class_for(site: Site | None) -> type[ArticlePage]:
    if site is None or not site.page_class:
        return ArticlePage
    module, _, name = site.page_class.rpartition(".")
    return getattr(import_module(module), name)


def extract_article(html: str, url: str, site: Site | None = None,
                    use_rules: bool = True, fetched_at=None) -> Article:
    """Extract one article. `use_rules=False` forces the generic extractor (evaluation);
    `fetched_at` (aware datetime, default now) resolves relative dates ("2 giờ trước")."""
    if not html or not html.strip():
        raise NoArticle("not an article: empty page")
    page = page_class_for(site)(html, url, site, use_rules=use_rules, fetched_at=fetched_at)
    return page.to_item()
