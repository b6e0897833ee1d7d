"""ArticlePage: one method per field; site selectors first, generic fallbacks after.

A site that needs real logic names a subclass in its TOML (`page_class`) and overrides the
methods it must; everything else keeps working.
"""
from __future__ import annotations

from functools import cached_property
from urllib.parse import urlsplit

from crawler.items import Article
from crawler.pages import generic
from crawler.pages.captions import caption_nodes, is_photo_story
from crawler.pages.bylines import author_name, is_publisher, looks_like_byline, split_byline
from crawler.pages.dates import (clean_printed, has_clock, is_date_line, parse_any, parse_iso,
                                 parse_printed, without_label)
from crawler.pages.page_kind import listing_reason
from crawler.pages.html_text import (element_lines, element_text, paragraphs_of_loose_text,
                                     parse_page, remove_element, text_key)
from crawler.pages.metadata import (canonical_url, first_time_element, json_ld_article,
                                    json_ld_objects, ld_author, ld_breadcrumb, meta, meta_all,
                                    printed_author_texts, printed_breadcrumb, printed_date_texts,
                                    section_from_url, trail_above)
from crawler.sites.registry import Site

class NoArticle(Exception):
    """The page holds no article; `str(exc)` is the one-line reason."""


class ArticlePage:
    def __init__(self, html: str, url: str, site: Site | None = None, use_rules: bool = True,
                 fetched_at=None):
        self.url_fetched = url
        self.fetched_at = fetched_at        # "2 giờ trước" is read against it (default: now)
        self.site = site
        self.rules = site.selectors if (site and use_rules) else {}
        self.tree, self.html = parse_page(html)
        if not self.rules:       # (a site's selectors were written for the page as served)
            paragraphs_of_loose_text(self.tree)   # before any reading: one tree for all

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
    def ld_objects(self) -> list[dict]:
        return json_ld_objects(self.tree)

    @cached_property
    def ld(self) -> dict:
        return json_ld_article(self.ld_objects)

    @cached_property
    def publishers(self) -> list[str]:
        """Names the paper goes by: an "author" equal to one of them is no byline."""
        names = [meta(self.tree, "og:site_name"), meta(self.tree, "application-name"),
                 urlsplit(self.url_fetched).hostname]
        if self.site:
            names += [self.site.name, *self.site.domains]
        return [n for n in names if n]

    # -- fields ------------------------------------------------------------------
    def url(self) -> str:
        return canonical_url(self.tree, self.url_fetched, self.same_site)

    def title(self) -> str | None:
        return (self.select_text("title") or generic.headline(self.tree)
                or generic.heading_before(self.tree, self.generic_body.lines))

    @cached_property
    def byline(self) -> str | None:
        """The site's byline element, read before the body is cleaned (it may sit inside)."""
        return self.select_text("author")

    def author(self) -> str | None:
        """The first byline that is not the paper itself (JSON-LD and meta tags often name
        the paper as the author) nor a placeholder label ("Tác giả")."""
        return next((c for c in map(author_name, self._author_candidates())
                     if c and not is_publisher(c, self.publishers)), None)

    def _author_candidates(self):
        """Site byline, JSON-LD, a printed byline (author classes), meta tags; lazily."""
        yield self.byline
        yield ld_author(self.ld)
        yield next((t for t in printed_author_texts(self.tree) if looks_like_byline(t)), None)
        yield meta(self.tree, "author", "article:author", "dable:author")

    @cached_property
    def body_nodes(self) -> list:
        """Top-level body elements without their `drop` parts and the byline."""
        nodes = self.select("body")
        nodes = [n for n in nodes if not any(a in nodes for a in n.iterancestors())]
        self.byline  # noqa: B018 -- read it before it is removed below
        drop = self.rules.get("drop", ())
        junk = [j for node in nodes for css in drop for j in node.cssselect(css)]
        junk += [b for b in self.select("author") if any(a in nodes for a in b.iterancestors())]
        for node in junk:
            remove_element(node)
        return nodes

    @cached_property
    def caption_elements(self) -> list:
        """Caption elements (crawler/pages/captions.py, plus the site's own `captions`
        selectors): inside the site's body nodes, else inside the article container the
        generic extractor found, else page-wide."""
        if self.body_nodes:
            roots = self.body_nodes
        else:
            container = self.generic_body.container
            roots = [container if container is not None else self.tree]
        found = []
        for root in roots:
            own = [n for css in self.rules.get("captions", ()) for n in root.cssselect(css)]
            found += caption_nodes(root, own)
        return found

    @cached_property
    def caption_list(self) -> list[str]:
        """Distinct captions, in order."""
        return list(dict.fromkeys(t for t in map(element_text, self.caption_elements) if t))

    def captions(self) -> list[str]:
        return self.caption_list

    def lead(self) -> str | None:
        nodes = self.select("lead")
        if nodes:
            text = element_text(nodes[0])
            for node in nodes:          # a lead inside the body must not be read twice
                remove_element(node)
            return text or None
        title = self.title()
        start = self.body_nodes[0] if self.body_nodes else self.generic_body.start(title)
        return generic.find_lead(self.tree, title, start)

    def body_lines(self) -> tuple[list[str], str]:
        """Body paragraphs, caption copies included (`layout` decides whether they stay),
        and which extractor produced them."""
        if self.body_nodes:
            self.caption_list  # noqa: B018 -- read the captions before they are flattened
            for node in self.caption_elements:
                as_one_line(node)        # so that each caption is one whole line
            lines = [line for node in self.body_nodes for line in element_lines(node)]
            if lines:
                return lines, "site-rules"
        return self.generic_body.lines, "generic"

    @cached_property
    def generic_body(self):
        return generic.body(self.html, self.url_fetched, self.tree)

    def layout(self, lines: list[str], how: str) -> tuple[str, list[str]]:
        """("photo_story", lines with every caption at its place) when captions carry most
        of the prose, else ("article", lines without caption copies)."""
        if not is_photo_story(lines, self.caption_list):
            keys = {text_key(c) for c in self.caption_list}
            return "article", [line for line in lines if text_key(line) not in keys]
        if how == "generic":
            nodes = self.caption_elements
            lines = self.generic_body.with_blocks(nodes, [element_text(n) for n in nodes])
        return "photo_story", lines

    def published(self) -> tuple:
        """(datetime | None, the date as printed on the page, else as declared)."""
        formats = self.site.date_formats if self.site else ()
        for node in self.select("date"):
            machine = node.get("datetime") or node.get("content") or node.get("title")
            printed = clean_printed(element_text(node))
            when = ((parse_any(machine, formats, self.fetched_at) if machine else None)
                    or parse_printed(printed, formats, self.fetched_at))
            if when:
                return when, printed or machine
        when, declared = self.declared_date()
        if when is None:
            return self.first_printed_date()
        if not has_clock(declared):         # a day without its time: the page may print it
            for text in self.dates_printed_in(when.year):
                printed = parse_printed(text, now=self.fetched_at)
                if printed and printed.date() == when.date() and has_clock(text):
                    return printed, clean_printed(text)
        return when, self.printed_as(when) or declared

    def declared_date(self) -> tuple:
        """(datetime, raw) from meta tags, JSON-LD or the first <time datetime>."""
        for raw in (meta(self.tree, "article:published_time", "datePublished", "pubdate",
                         "og:article:published_time"), self.ld.get("datePublished")):
            if isinstance(raw, str) and parse_iso(raw):
                return parse_iso(raw), raw
        found = first_time_element(self.tree)
        if found and parse_any(found[0]):
            return parse_any(found[0]), found[1] or found[0]
        return None, None

    def printed_as(self, when) -> str | None:
        """How the page prints a declared time (to the minute): `published_raw` is what
        readers see, like a site's date selector gives."""
        minute = when.replace(second=0, microsecond=0)
        for text in self.dates_printed_in(when.year):
            parsed = parse_printed(text, now=self.fetched_at)
            if parsed and parsed.replace(second=0) == minute:
                return clean_printed(text)
        return None

    def dates_printed_in(self, year: int):
        """Short printed texts that may be the page's date: those of the date elements first
        (classes, <time>), then any short text printing the year (an unnamed <span> under
        the headline: "Chủ nhật, 26/01/2025 - 15:29"), and the short element holding it
        when the time of day is printed in an element beside it ("<span>07:18</span> |
        <span>05/07/2023</span>")."""
        yield from printed_date_texts(self.tree)
        for node in self.tree.xpath("//body//*[contains(text(), $year)]", year=str(year)):
            if node.tag in ("script", "style") or len(node.text_content()) > DATE_TEXT_MAX:
                continue
            yield element_text(node)
            holder = node.getparent()
            if holder is not None and len(holder.text_content()) <= DATE_TEXT_MAX:
                yield element_text(holder)

    def first_printed_date(self) -> tuple:
        """For pages declaring no date: the first printed date that has a time of day, in
        an element named for dates, else the dateline between the headline and the body."""
        for text in printed_date_texts(self.tree):
            when = parse_printed(text, now=self.fetched_at)
            if when and has_clock(text):
                return when, clean_printed(text)
        return self.dateline_under_headline()

    def dateline_under_headline(self) -> tuple:
        """A short unlinked text with a date and a time after the <h1> printing the title,
        before the first paragraph of body length ("Published on 03-08-2011 01:00 AM" in
        an unnamed block): later dates belong to comments and related stories."""
        heading = self.printed_headline
        if heading is None:
            return None, None
        for node in heading.xpath("following::*"):
            text = (node.text or "").strip()
            if _starts_body(node, text):
                break
            if not text or node.xpath(_LINK_OR_CODE):
                continue
            for line in (line.strip() for line in text.splitlines()):
                when = parse_printed(line, now=self.fetched_at) if len(line) <= DATE_TEXT_MAX \
                    else None
                if when and has_clock(line):
                    return when, clean_printed(without_label(line))
        return None, None

    @cached_property
    def printed_headline(self):
        """The element printing the title: an <h1>, else the first element of the body
        whose whole text it is (a page without <h1>, or one whose <h1> is its breadcrumb),
        found from the elements whose own text holds the title's longest word. Never a link,
        nor an item of a list or a box (a "most read" link to this very page)."""
        title = self.title()
        key = text_key(title)
        if not key:
            return None
        heading = next((h for h in self.tree.iter("h1") if text_key(element_text(h)) == key),
                       None)
        if heading is not None:
            return heading
        word = max(title.split(), key=len)
        most = HEADLINE_HOLDER_CHARS + 2 * len(title)
        for node in self.tree.xpath("//body//*[contains(text(), $word)]", word=word):
            holder = node
            while holder.tag in _INLINE and holder.getparent() is not None:
                holder = holder.getparent()          # <div><span>headline</span></div>
            if holder.tag in _NOT_A_HEADLINE or holder.xpath(_IN_A_LIST_OR_BOX) \
                    or len(holder.text_content()) > most:
                continue
            if text_key(element_text(holder)) == key:
                return holder
        return None

    def category(self) -> str | None:
        section = self.ld.get("articleSection")
        if isinstance(section, list):
            section = section[0] if section else None
        return (self.select_text("category") or ld_breadcrumb(self.ld_objects, self.url_fetched)
                or meta(self.tree, "article:section") or section
                or printed_breadcrumb(self.tree, self.title())
                or section_from_url(self.tree, self.url_fetched, self.same_site)
                or self.section_above_headline())

    def section_above_headline(self) -> str | None:
        heading = self.printed_headline
        return trail_above(heading, self.url_fetched, self.same_site) \
            if heading is not None else None

    def tags(self) -> list[str]:
        tags = ([element_text(n) for n in self.select("tags")]
                or meta_all(self.tree, "article:tag") or meta_all(self.tree, "news_keywords")
                or meta_all(self.tree, "keywords"))
        tags = (t.strip().strip(",").lstrip("#").strip() for t in tags)
        return list(dict.fromkeys(t for t in tags if t))

    # -- assembly ----------------------------------------------------------------
    def to_item(self) -> Article:
        # Metadata first: reading the body removes nodes (drop rules, byline, captions, lead).
        title, author, (when, raw) = self.title(), self.author(), self.published()
        category, tags = self.category(), self.tags()
        lead = self.lead()
        lines, how = self.body_lines()
        layout, lines = self.layout(lines, how)
        lines = _without_repeats(lines, title, lead)
        if lead and _inside_a_line(lead, lines):
            lead = None                  # the body prints it already, within a paragraph
        lines, author = split_byline(lines, author, self.publishers)
        if not lines:
            raise NoArticle("not an article: no body text")
        listing = listing_reason(self.tree, lines, self.url(), self.site)
        if listing:
            raise NoArticle(listing)
        return Article(
            url=self.url(), site=self.site.id if self.site else "generic", title=title or "",
            lead=lead, text="\n".join(([lead] if lead else []) + lines),
            captions=self.captions(), author=author, published_at=when,
            published_raw=raw, category=category, tags=tags,
            province=self.site.province if self.site else None,
            province_before_2025=self.site.province_before_2025 if self.site else None,
            fetched_url=self.url_fetched, extraction=how, layout=layout)


EDGE_LINES = 2      # a line printing only a date is furniture within this many of either end
DATE_TEXT_MAX = 80  # characters of a printed date line ("Cập nhật thứ hai, ngày 24/12/12 11:05 tối")
BODY_PARAGRAPH_WORDS = 30   # a paragraph this long is the body: the dateline is above it
HEADLINE_HOLDER_CHARS = 40   # what a headline element prints beyond its title (spacing)
_INLINE = frozenset({"a", "span", "b", "strong", "font", "em", "i"})
_NOT_A_HEADLINE = frozenset({"a", "script", "style", "option", "title", "textarea", "li"})
_IN_A_LIST_OR_BOX = "ancestor::*[self::li or self::nav or self::aside or self::footer]"
_LINK_OR_CODE = "ancestor-or-self::*[self::a or self::script or self::style or self::option]"


def _starts_body(node, own_text: str) -> bool:
    """The node is a paragraph of body length (its own text, or a <p>'s whole text)."""
    if len(own_text.split()) >= BODY_PARAGRAPH_WORDS:
        return True
    return node.tag == "p" and len(node.text_content().split()) >= BODY_PARAGRAPH_WORDS


def _without_repeats(lines: list[str], title: str | None, lead: str | None) -> list[str]:
    """Drop a leading copy of the title, copies of the lead inside the body, and lines
    printing only a date at the body's edges (the dateline above it, "Cập nhật ..." below)."""
    lines = _after_headline(lines, title)
    edge = lambda n: n < EDGE_LINES or n >= len(lines) - EDGE_LINES  # noqa: E731
    return [line for n, line in enumerate(lines)
            if (not lead or text_key(line) != text_key(lead))
            and not (edge(n) and is_date_line(line))]


HEADLINE_WITHIN = 3      # the body's first lines where a printed headline is looked for
LABEL_MAX_WORDS = 8      # a line above the headline this short is a label ("Back", section)


def _after_headline(lines: list[str], title: str | None) -> list[str]:
    """The body after its copy of the headline, when one of its first lines prints it and
    the lines above are labels (a "Back to news" link, the section's name): what is printed
    above a headline is not the article."""
    key = text_key(title)
    for n, line in enumerate(lines[:HEADLINE_WITHIN]):
        if key and text_key(line) == key:
            return lines[n + 1:]
        if len(line.split()) > LABEL_MAX_WORDS:
            break
    return lines


def _inside_a_line(text: str, lines: list[str]) -> bool:
    """The text is part of one of the lines (a generic lead that the body's first paragraph
    also prints, with more after it: adding it would print it twice)."""
    key = text_key(text)
    return bool(key) and any(key in text_key(line) for line in lines)


def as_one_line(node) -> None:
    """Replace an element by a <p> printing its text on one line (tail kept)."""
    line = node.makeelement("p", {})
    line.text, line.tail = element_text(node), node.tail
    if node.getparent() is not None:
        node.getparent().replace(node, line)
