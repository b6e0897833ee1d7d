"""ArticlePage: one method per field; site selectors first, generic fallbacks after.

A site that needs real logic names a subclass in its TOML (`page_class`) and overrides the
methods it must; everything else keeps working.
"""
from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from crawler.items import Article
from crawler.pages import generic
from crawler.pages.dates import parse_any, parse_iso, parse_printed
from crawler.pages.html_text import element_lines, element_text, parse_html, remove_element
from crawler.pages.metadata import (canonical_url, first_time_element, json_ld_article,
                                    ld_author, meta, meta_all)
from crawler.registry import Site

# Caption containers used by Vietnamese CMSs, on top of a site's own `captions` selectors.
DEFAULT_CAPTIONS = ("figcaption", ".PhotoCMS_Caption", ".image-caption", ".image_caption",
                    ".img-caption", ".caption", "td.image_desc", ".fig-caption", ".expNoEdit")


class NoArticle(Exception):
    """The page holds no article; `str(exc)` is the one-line reason."""


class ArticlePage:
    def __init__(self, html: str, url: str, site: Site | None = None, use_rules: bool = True):
        self.url_fetched = url
        self.site = site
        self.rules = site.selectors if (site and use_rules) else {}
        self.tree = parse_html(html)
        self.html = html

    # -- helpers -----------------------------------------------------------------
    def select(self, key: str, root=None) -> list:
        """Elements of the first selector of rules[key] that matches anything."""
        for css in self.rules.get(key, ()):
            found = (root if root is not None else self.tree).cssselect(css)
            if found:
                return found
        return []

    def select_text(self, key: str) -> str | None:
        for node in self.select(key):
            text = element_text(node)
            if text:
                return text
        return None

    def same_site(self, url: str) -> bool:
        if self.site and self.site.owns(url):
            return True
        return urlsplit(url).netloc == urlsplit(self.url_fetched).netloc

    @cached_property
    def ld(self) -> dict:
        return json_ld_article(self.tree)

    # -- fields ------------------------------------------------------------------
    def url(self) -> str:
        return canonical_url(self.tree, self.url_fetched, self.same_site)

    def title(self) -> str | None:
        title = self.select_text("title") or meta(self.tree, "og:title")
        if not title:
            h1 = self.tree.xpath("//h1")
            title = element_text(h1[0]) if h1 else None
        return title or generic.title_from_head(self.tree)

    @cached_property
    def body_nodes(self) -> list:
        """Top-level elements matched by the body selector, with `drop` parts removed."""
        nodes = self.select("body")
        nodes = [n for n in nodes if not any(a in nodes for a in n.iterancestors())]
        for node in nodes:
            for css in self.rules.get("drop", ()):
                for junk in node.cssselect(css):
                    remove_element(junk)
        return nodes

    @cached_property
    def caption_list(self) -> list[str]:
        """Distinct captions, in order; the caption elements are removed from the body."""
        captions: list[str] = []
        selectors = self.rules.get("captions", ()) + DEFAULT_CAPTIONS
        roots = self.body_nodes or [self.tree]
        for root in roots:
            for css in selectors:
                for node in root.cssselect(css):
                    text = element_text(node)
                    if text and text not in captions:
                        captions.append(text)
                    if self.body_nodes:
                        remove_element(node)
        return captions

    def captions(self) -> list[str]:
        return self.caption_list

    def lead(self) -> str | None:
        nodes = self.select("lead")
        if nodes:
            text = element_text(nodes[0])
            for node in nodes:          # a lead inside the body must not be read twice
                remove_element(node)
            return text or None
        return generic.find_lead(self.tree, self.rules)

    def body_lines(self) -> tuple[list[str], str]:
        """Body paragraphs and which extractor produced them."""
        self.caption_list  # collect (and remove) captions before reading the text
        if self.body_nodes:
            lines = [line for node in self.body_nodes for line in element_lines(node)]
            if lines:
                return lines, "site-rules"
        return generic.body_lines(self.html, self.url_fetched), "generic"

    def author(self) -> str | None:
        return (self.select_text("author") or ld_author(self.ld)
                or meta(self.tree, "author", "article:author", "dable:author"))

    def published(self) -> tuple:
        """(datetime | None, raw string | None)."""
        formats = self.site.date_formats if self.site else ()
        for node in self.select("date"):
            machine = node.get("datetime") or node.get("content") or node.get("title")
            printed = element_text(node)
            when = (parse_any(machine, formats) if machine else None) or parse_printed(printed, formats)
            if when:
                return when, printed or machine
        for raw in (meta(self.tree, "article:published_time", "datePublished", "pubdate",
                         "og:article:published_time"), self.ld.get("datePublished")):
            if isinstance(raw, str) and parse_iso(raw):
                return parse_iso(raw), raw
        found = first_time_element(self.tree)
        if found and parse_any(found[0]):
            return parse_any(found[0]), found[1] or found[0]
        return None, None

    def category(self) -> str | None:
        section = self.ld.get("articleSection")
        if isinstance(section, list):
            section = section[0] if section else None
        return self.select_text("category") or meta(self.tree, "article:section") or section

    def tags(self) -> list[str]:
        tags = [element_text(n) for n in self.select("tags")] or meta_all(self.tree, "article:tag")
        return list(dict.fromkeys(t.strip().strip(",") for t in tags if t.strip().strip(",")))

    # -- assembly ----------------------------------------------------------------
    def to_item(self) -> Article:
        title = self.title()
        lead = self.lead()
        lines, how = self.body_lines()
        lines = _without_repeats(lines, title, lead)
        if not lines:
            raise NoArticle("not an article: no body text")
        when, raw = self.published()
        return Article(
            url=self.url(), site=self.site.id if self.site else "generic", title=title or "",
            lead=lead, text="\n".join(([lead] if lead else []) + lines),
            captions=self.captions(), author=self.author(), published_at=when,
            published_raw=raw, category=self.category(), tags=self.tags(),
            province=self.site.province if self.site else None,
            fetched_url=self.url_fetched, extraction=how)


def _without_repeats(lines: list[str], title: str | None, lead: str | None) -> list[str]:
    """Drop a leading copy of the title and copies of the lead inside the body."""
    def key(s):
        return re.sub(r"\W+", " ", s or "").strip().casefold()
    if lines and title and key(lines[0]) == key(title):
        lines = lines[1:]
    return [line for line in lines if not lead or key(line) != key(lead)]
