"""Where the article URLs come from: listing pages, RSS/Atom feeds, sitemaps.

Pure functions over page text; the spider decides what to request.

A site with URL rules (`[urls] article`, `article_links` selectors) is read by its rules.
A site without them is read rule-free, by URL shape and page structure:

- a link is an article when its URL looks like one (slug + numeric id, -post123.html,
  .chn, date paths) and is not a tag, author, video, gallery or print page; or when its URL
  has a template (sections, slug, id) with an id that six or more of the page's headline
  links share: a CMS names all its articles alike, so a shape nobody listed is learned from
  the page (sitemaps likewise, from their own URLs);
- on a listing page the main list comes first: links in the header, menus, footer,
  sidebars and "most read" boxes are left out of it, and so is everything after the list's
  pagination (other sections' boxes, long-form strips); the article links of sidebars and
  boxes, header and footer follow it, ranked after (`ListingLinks.side`: a sidebar's name on
  a block is weak evidence, and a theme that names its main column so must not lose the
  list), but never those of a <nav>, breadcrumbs or a tag strip, nor ids two thirds the
  main list's length or less (topic and event pages);
- a link whose shape (id-less slug) differs from the page's dominant article shape is a
  section or topic page, not an article; so is a URL no link names with a headline (a
  category page with a slug and an id, linked by a two-word menu label);
- the class-word reading is checked against structure: the main list is the largest run
  of repeated sibling cards (headline and summary); when the class words lost most of it,
  that run and the cards built like it are the list;
- section pages to walk are the menu links that are not articles;
- feeds come from <link rel=alternate> (else common feed paths), sitemaps from robots.txt.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urldefrag, urlsplit

from lxml import etree

from crawler.pages.dates import localize, parse_iso
from crawler.pages.html_text import element_text, parse_html
from crawler.pages.urls import (NOT_ARTICLE, has_id, id_first_only, is_article_url,
                                learnable, learned_templates, looks_like_article,
                                never_article, template_groups, url_template)
from crawler.sites.registry import Site
from crawler.spiders.traps import canonical_url

_NEXT_WORDS = re.compile(r"^(trang sau|sau|tiếp|xem tiếp|next|»|›|>>?)$", re.I)

# Class/id words of the blocks around the main list: header, menus, footer, sidebars,
# most-read boxes, tag strips, banners. Right-hand columns are named "box-right",
# "container__right"...; a lone "right" is often a utility class ("text-right", "dt-right-0").
_SIDE_BLOCK = re.compile(
    r"(^|[\s_-])(header|footer|menu|submenu|megamenu|nav|navbar|navigation|breadcrumbs?|"
    r"sidebar|aside|widget|most-?views?|most-?read|popular|trending|xem-?nhieu|doc-?nhieu|"
    r"tags?|topics?|events?)(?=[\s_-]|$)")
# Words of blocks that hold no list of articles (share bars, sign-in, comments, ad banners):
# such a word on a block that does hold one names something else ("blog-col-left-share" is a
# layout column, "banner-news" a lead slider), so it marks a side block only without a list.
_UTILITY_BLOCK = re.compile(r"(^|[\s_-])(banner|login|share|social|comments?)(?=[\s_-]|$)")
LIST_MIN_ARTICLES = 3         # distinct articles that make a block a list
_RIGHT_COLUMN = re.compile(
    r"(col|column|box|container|side|block|content|zone|area|cot)[_-]*(right|phai)(?=[\s_-]|$)"
    r"|(^|[\s_-])right[_-]*(col|column|side|sidebar|box|content|block|zone)(?=[\s_-]|$)")
_SIDE_TAGS = {"header", "footer", "nav", "aside"}
_MENU_BLOCK = re.compile(r"(^|[\s_-])(header|menu|submenu|megamenu|nav|navbar|navigation)"
                         r"(?=[\s_-]|$)")
# Where a main list ends: its pagination, or a load-more button (a link to a section page
# saying "Xem thêm" under a home-page box is not one).
_LIST_END = re.compile(r"(^|[\s_-])(pagination|pagation|paging|pager|phan-?trang|page-?nav|"
                       r"page-?numbers)(?=[\s_-]|$)")
_LOAD_MORE = re.compile(r"(^|[\s_-])(load-?more|view-?more|xem-?them)(?=[\s_-]|$)")
MIN_GRID_PATHS = 3            # a box template: header links, a lead card, a list (see _grid_half)
LIST_MIN_BEFORE_END = 3       # a pagination block above the list does not end it
MIN_HEADLINE_WORDS = 5        # "Kinh tế - Xã hội" is a menu label, headlines run 10-25 words
CARD_WORDS_CAP = 60
_WORD = re.compile(r"\w+")
MAX_MENU_SECTIONS = 60
_NOT_PAGE = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|xml|rss|json|js|css|mp4|mp3|zip)$", re.I)

FEED_TYPES = ("application/rss+xml", "application/atom+xml")
# Tried, in this order, on a site that declares no feed; an HTML page at /rss is the
# index of section feeds many Vietnamese papers publish.
COMMON_FEED_PATHS = ("/rss", "/rss.xml", "/feed", "/rss/home.rss")
COMMON_SITEMAP_PATHS = ("/sitemap.xml",)


@dataclass(frozen=True)
class Link:
    url: str
    published: datetime | None = None


def rule_free(site: Site) -> bool:
    """No article rules: the page structure decides which links are the list."""
    return not site.urls.article and not site.selectors.get("article_links")


# -- listing pages ----------------------------------------------------------------------
def _anchors(tree, selectors: tuple[str, ...]):
    if not selectors:
        return tree.xpath("//a[@href]")
    for css in selectors:
        found = [a for node in tree.cssselect(css)
                 for a in ([node] if node.tag == "a" else node.xpath(".//a[@href]"))]
        if found:
            return found
    return []


def _resolve(href: str, page_url: str) -> str | None:
    """The absolute URL of a link, without tracking and session parameters: a path with
    `;jsessionid=` would not have the article shape its page has."""
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    url = urldefrag(urljoin(page_url, href))[0]
    return canonical_url(url) if url.startswith("http") else None


@dataclass(frozen=True)
class ListingLinks:
    """What a listing page links, in the order the spider asks for it."""
    main: list[str]          # the main list's articles (and featured items), page order
    side: list[str]          # the page's other article links: side boxes, ranked after it
    listings: list[str]      # pagination and section pages to walk

    @property
    def articles(self) -> list[str]:
        return self.main + self.side


def listing_links(html: str, page_url: str, site: Site, on_site) -> tuple[list[str], list[str]]:
    """(main-list article URLs, listing/pagination URLs) of a listing page, in page order.

    `on_site(url)` says whether a URL belongs to the crawl (the spider knows mirrors)."""
    links = listing_page_links(html, page_url, site, on_site)
    return links.main, links.listings


def listing_page_links(html: str, page_url: str, site: Site, on_site) -> ListingLinks:
    """The main list, the side boxes' articles after it (class words that call a block a
    sidebar are weak evidence: a theme may name its main column so, and then the list is
    still reached), and the pages to walk."""
    tree = parse_html(html)
    if rule_free(site):
        main, side = _main_and_side(tree, page_url, site, on_site)
    else:
        main, side = _rule_links(tree, page_url, site, on_site), []
    listings, articles = [], set(main) | set(side)
    for url in next_pages(tree, page_url, site) + section_pages(tree, page_url, site, on_site):
        if on_site(url) and url not in listings and url not in articles and url != page_url:
            listings.append(url)
    return ListingLinks(main, side, listings)


def _rule_links(tree, page_url: str, site: Site, on_site) -> list[str]:
    articles = []
    for a in _anchors(tree, site.selectors.get("article_links", ())):
        url = _resolve(a.get("href"), page_url)
        if url and on_site(url) and is_article_url(url, site) and url not in articles:
            articles.append(url)
    return articles


def _main_and_side(tree, page_url: str, site: Site, on_site) -> tuple[list[str], list[str]]:
    """Rule-free: (the main list's article links, the other article links outside the page's
    navigation), each in page order."""
    links = [(a, url) for a in tree.xpath("//a[@href]")
             if (url := _resolve(a.get("href"), page_url)) and on_site(url)
             and not never_article(url, site)]
    shaped = {url for _, url in links if looks_like_article(url)}
    learned = _learned_shape([(a, url) for a, url in links if url not in shaped])
    found = [(a, url) for a, url in links if url in shaped or url in learned]
    found = _dominant_shape(_with_headlines(found), learned)
    lists = _list_holders(found)
    labelled = _side_check(found, lists)
    side = _unless_column_named_side(found, labelled, lists)
    main = _main_list(tree, found, side)
    if side is not labelled:
        # The column's stories come first, and no link leaves the list: a harvest stops
        # walking a section once its main list is all known, so a link the class words
        # put there (even their every-link reading of a page of side blocks) stays.
        in_main = set(main)
        main += [url for url in _main_list(tree, found, labelled) if url not in in_main]
    in_main, usual = set(main), _usual_id_digits(main)
    others = dict.fromkeys(url for a, url in found
                           if url not in in_main and not in_navigation(a)
                           and not _short_id(url, usual))
    return main, list(others)


def _main_list(tree, found: list, side) -> list[str]:
    """The main list's URLs as the side check `side` reads the page."""
    kept = [(a, url) for a, url in found if not side(a)]
    kept = _with_boxes_beside_lead(found, kept, side)
    kept = _before_list_end(tree, kept)
    # A page whose every link sits in a "side" block (odd markup): better all than none.
    by_labels = list(dict.fromkeys(url for _, url in (kept or found)))
    return _checked_by_cards(_before_list_end(tree, found), by_labels, side)


_DIGIT_RUN = re.compile(r"\d+")


def _id_digits(url: str) -> int:
    """Digits of the longest number in the URL's last segment (0: none)."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return max((len(run) for run in _DIGIT_RUN.findall(last)), default=0)


def _usual_id_digits(urls: list[str]) -> int:
    """The median id length of the main list's links (ids: four digits or more), or 0 when
    most of them carry none there (a date path, an id in a folder: a number in one slug
    says nothing of the site's ids)."""
    lengths = sorted(n for n in map(_id_digits, urls) if n >= 4)
    return lengths[len(lengths) // 2] if len(lengths) * 2 > len(urls) else 0


def _short_id(url: str, usual: int) -> bool:
    """An id of two thirds of the main list's length or less: a CMS numbers its topics and
    events (/event/ky-hop-quoc-hoi-1561.ldo beside ...-912345.ldo) in a series of their own,
    far below its articles'. (Ids that are timestamps vary by a digit or two.)"""
    digits = _id_digits(url)
    return digits >= 3 and digits * 3 <= usual * 2


def _side_check(found: list, lists: set, column=None):
    """in_side_block for this page's links, each element judged once (the same links are
    asked about again when boxes and card groups are weighed); `lists`: _list_holders of
    the page; `column`: a block whose own class words are not read (see
    _unless_column_named_side)."""
    judged: dict = {}

    def side(node) -> bool:
        if node not in judged:
            judged[node] = in_side_block(node, lists, column)
        return judged[node]
    return side


COLUMN_MARGIN = 1.5     # how much more a "sidebar" must hold than the rest to be the column


def _unless_column_named_side(found: list, side, lists: set):
    """The side check, unless a theme's layout word ("sidebar", "aside", "widget") names a
    block that holds COLUMN_MARGIN times the page's stories (card words, as _story_words
    counts them) that every link outside the side blocks holds together: a sidebar stands
    beside the column it serves and is smaller than it, so there the word names the layout
    (a "has-sidebar" section, a widget area that holds the list). Then that block's own
    words are not read; side boxes inside it, and side tags or menus around it, still are.
    (A thin list beside a sidebar of as many words, a last page, stays apart from it.)"""
    url_of = {a: url for a, url in found}
    cards = [(a, url, _card(a, url, url_of)) for a, url in found]
    outside = COLUMN_MARGIN * _story_words([card for card in cards if not side(card[0])])
    boxes: dict = {}
    for card in cards:
        box = _outer_layout_block(card[0]) if side(card[0]) else None
        if box is not None:
            boxes.setdefault(box, []).append(card)
    for box, inside in sorted(boxes.items(), key=lambda item: -_story_words(item[1])):
        if _story_words(inside) <= outside:
            break
        unsided = _side_check(found, lists, column=box)
        if _story_words([card for card in inside if not unsided(card[0])]) > outside:
            return unsided
    return side


_LAYOUT_SIDE = re.compile(r"(^|[\s_-])(sidebar|aside|widget)(?=[\s_-]|$)")


def _outer_layout_block(anchor):
    """The outermost block below <body> above the link that a layout word calls a side
    column (not a numbered layout column), or None. (<body>'s own class, "right-sidebar"
    on many themes, names the page's layout, and in_side_block does not read it.)"""
    box = None
    for node in anchor.iterancestors():
        if node.tag in ("body", "html"):
            break
        label = _box_label(node)
        if _LAYOUT_SIDE.search(label) and not _numbered_column(node, label):
            box = node
    return box


def _story_words(cards: list) -> int:
    """Words of the (anchor, url, card) cards, headline and teaser, per distinct article,
    capped (one long teaser does not outweigh a list)."""
    words: dict[str, int] = {}
    for a, url, card in cards:
        text = max(_headline_words(a), len(_WORD.findall(element_text(card))))
        words[url] = max(words.get(url, 0), min(text, CARD_WORDS_CAP))
    return sum(words.values())


def _list_holders(found: list) -> set:
    """Elements holding links to LIST_MIN_ARTICLES or more distinct articles."""
    under: dict = {}
    for a, url in found:
        for node in a.iterancestors():
            under.setdefault(node, set()).add(url)
    return {node for node, urls in under.items() if len(urls) >= LIST_MIN_ARTICLES}


def _with_boxes_beside_lead(found: list, kept: list, side) -> list:
    """Add the links of a box named like a side box ("trending", "popular") that stands in
    one row with the lead story: the lead block and the box are siblings, and the lead
    block holds few of the list's links (a page-wide sidebar stands beside the main column,
    which holds most of them). Home pages put their newest stories there."""
    if not kept:
        return kept
    lead_anchor, urls = kept[0][0], {url for _, url in kept}
    beside: dict = {}        # box -> whether it stands beside the lead (one check per box)
    extra = set()
    for a, _ in found:
        box = _side_box(a, side)
        if box is not None and box not in beside:
            beside[box] = _beside_lead(box, lead_anchor, urls)
        if box is not None and beside[box]:
            extra.add(a)
    if not extra:
        return kept
    return [(a, url) for a, url in found if a in extra or not side(a)]


def _side_box(anchor, side):
    """The box that makes a link a side link, when only its class words do (no side tag,
    menu or right column around it): else None."""
    for node in anchor.iterancestors():
        label = _box_label(node)
        if _SIDE_BLOCK.search(label):
            if _MENU_BLOCK.search(label) or node.tag in _SIDE_TAGS or side(node):
                return None
            return node
        if node.tag in _SIDE_TAGS or _RIGHT_COLUMN.search(label):
            return None
    return None


def _beside_lead(box, lead_anchor, urls: set) -> bool:
    row = box.getparent()
    if row is None or row.tag in ("body", "html"):
        return False
    lead = next((n for n in lead_anchor.iterancestors() if n.getparent() is row), None)
    if lead is None or _next_block(lead) is not box:
        return False
    in_lead = {a.get("href") for a in lead.iter("a")}
    return len(in_lead) * 2 < len(urls)


def _next_block(node):
    """The next sibling element that shows something (scripts and styles skipped)."""
    for sibling in node.itersiblings():
        if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style", "noscript"):
            return sibling
    return None


def _headline_words(anchor) -> int:
    """Words of what the link says: its text, its title, or its image's alt text."""
    alts = " ".join(img.get("alt") or "" for img in anchor.iter("img"))
    return max(len(_WORD.findall(text)) for text in
               (element_text(anchor), anchor.get("title") or "", alts))


def _with_headlines(found: list) -> list:
    """Keep URLs that some link names with a headline: a category page whose URL has an
    article's shape (slug + id) is linked by a one-to-four-word menu label, an article by
    its headline (in the text of one of its links, or a title or alt text). A short headline
    ("Giữ trọn niềm tin") passes when its card stands in a run of cards that mostly carry
    long ones: menus are runs of short labels."""
    words: dict[str, int] = {}
    for a, url in found:
        words[url] = max(words.get(url, 0), _headline_words(a))
    named = {url for url, n in words.items() if n >= MIN_HEADLINE_WORDS}
    for group in card_groups(found):
        urls = {url for _, url, _ in group}
        if len(urls) >= 3 and len(urls & named) * 2 > len(urls):
            named |= urls
    kept = [(a, url) for a, url in found if url in named]
    # No headline anywhere (image-only cards without alt text): nothing to tell them apart by.
    return kept or found


def _checked_by_cards(found: list, by_labels: list[str], side) -> list[str]:
    """The class-word reading of the page, checked against its structure: the main list is
    the largest run of repeated sibling cards with headlines. When the class words kept
    most of that run, they stand (they also catch the featured items above the list);
    when they lost it (a main column named like a side box, side boxes with plain names),
    the run and the cards built like it come first, then what the class words kept (a
    featured story has markup of its own; a side box's links are still articles)."""
    groups = card_groups(found)
    if not groups:
        return by_labels
    main = max(groups, key=lambda group: _group_weight(group, side))
    main_urls = list(dict.fromkeys(url for _, url, _ in main))
    if sum(url in set(by_labels) for url in main_urls) * 2 >= len(main_urls):
        return by_labels
    shape = _signature(main[0][2])
    like_main = {url for group in groups if group is main or (
                 _signature(group[0][2]) == shape and not _mostly_side(group, side))
                 for _, url, _ in group}
    first = [url for url in dict.fromkeys(url for _, url in found) if url in like_main]
    return first + [url for url in by_labels if url not in like_main]


def card_groups(found: list) -> list[list]:
    """Links grouped into lists: each link's card (its largest ancestor holding links to
    that article only) keyed by the tag-and-class path from the card up to the root, so
    the items of one list, even split over several blocks of the same markup, meet."""
    url_of = {a: url for a, url in found}
    groups: dict[tuple, list] = {}
    for a, url in found:
        card = _card(a, url, url_of)
        key = tuple(_signature(n) for n in (card, *card.iterancestors()))
        groups.setdefault(key, []).append((a, url, card))
    return list(groups.values())


def _card(anchor, url: str, url_of: dict):
    card = anchor
    for node in anchor.iterancestors():
        if any(url_of.get(a, url) != url for a in node.iter("a")):
            return card
        card = node
    return card


def _signature(node) -> str:
    classes = sorted(re.sub(r"\d+", "", c) for c in (node.get("class") or "").split())
    return f"{node.tag}.{'.'.join(classes)}"


def _mostly_side(group: list, side) -> bool:
    return sum(side(a) for a, _, _ in group) * 2 > len(group)


def _group_weight(group: list, side) -> float:
    """Words of the group's cards, headline and teaser, per distinct article (capped, so
    one long teaser does not outweigh a list): a main list's cards carry a summary, a
    box's only a headline. A group mostly inside side blocks counts half: class words are
    weak evidence, a column of summaries under a "right" name is still the list."""
    return _story_words(group) * (0.5 if _mostly_side(group, side) else 1.0)


def _learned_shape(unknown: list) -> set[str]:
    """URLs of an article shape no rule knows (`unknown`: the page's links of no known
    shape), learned from this page: the templates that many links named with headlines
    share, with an id in them (urls.learned_templates); every link of such a template,
    image links of the same cards included."""
    named = {url for a, url in unknown if _headline_words(a) >= MIN_HEADLINE_WORDS}
    templates = learned_templates(named)
    return {url for _, url in unknown if templates and url_template(url) in templates}


def _dominant_shape(found: list, learned: set[str] = frozenset()) -> list:
    """Drop id-less slug links when most links carry an id: they are sections or topics
    ("/xe/tu-van-mua-xe.htm" beside "...-20260307075519174.htm"). Likewise a number opening
    a slug is no id when most ids stand elsewhere: "/chuyen-de/230000-ty-lam-duong" (a topic
    titled "230,000 billion") beside ".../slug-3296398/"."""
    urls = {url for _, url in found}
    with_id = {url for url in urls if url in learned or has_id(url)}
    if len(with_id) * 2 < len(urls):
        return found
    leading = {url for url in with_id if id_first_only(url)}
    if len(leading) * 2 < len(with_id):
        with_id -= leading
    return [(a, url) for a, url in found if url in with_id]


def _label(node) -> str:
    """Class and id of an element, camelCase split ("loadMostViewTop" -> load-most-view-top)."""
    raw = f"{node.get('class') or ''} {node.get('id') or ''}"
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", raw).lower()


_UI_CLASSES = re.compile(r"(^|\s)ui-[\w-]+")


def _box_label(node) -> str:
    """The label without a UI toolkit's own classes: jQuery UI marks every tab panel
    "ui-widget-content" wherever it stands, so its words say nothing about the box."""
    return _UI_CLASSES.sub(" ", _label(node))


def in_side_block(anchor, lists=frozenset(), column=None) -> bool:
    """The link sits in a header, menu, footer, sidebar, most-read box or tag strip (or a
    share bar, sign-in box, comments, a banner, unless that block is in `lists`: it holds a
    list of articles, see _list_holders). `column`'s class words are not read."""
    ancestors = [n for n in anchor.iterancestors() if n.tag not in ("body", "html")]
    for i, node in enumerate(ancestors):
        # <header>/<footer> inside an <article> teaser are part of the item
        teaser = node.tag in ("header", "footer") and any(
            a.tag == "article" for a in ancestors[i + 1:])
        label = "" if node is column else _box_label(node)
        if node.tag in _SIDE_TAGS and not teaser:
            return True
        if _SIDE_BLOCK.search(label) and not _numbered_column(node, label):
            return True
        if _UTILITY_BLOCK.search(label) and node not in lists:
            return True
        if _RIGHT_COLUMN.search(label) and not _grid_half(node):
            return True
    return False


# Blocks that link sections and tag pages, never a list of stories: <nav>, breadcrumbs and tag
# strips (a tag page has an article's URL shape on some CMSs). Headers, footers, menus and
# "topic" or "event" boxes hold real stories often enough (a mega-menu's previews, a topic
# box's list) that their side links stay; topic and event pages with an article's shape are
# told by their ids (_short_id).
_NAVIGATION_BLOCK = re.compile(r"(^|[\s_-])(breadcrumbs?|tags?)(?=[\s_-]|$)")


def in_navigation(anchor) -> bool:
    """The link sits in a <nav>, breadcrumbs or a tag strip."""
    return any(node.tag == "nav" or _NAVIGATION_BLOCK.search(_box_label(node))
               for node in anchor.iterancestors())


_NUMBERED_SIDE = re.compile(r"(?:^|[\s_-])(sidebar|aside|widget)[_-]?(\d+)(?=[\s_-]|$)")


def _numbered_column(node, label: str) -> bool:
    """One of a row's columns that the template numbers with a side word ("sidebar_1",
    "sidebar_2"): every sibling holding links carries that word with a number of its own, so
    the word names the layout, not a side box: one of the columns holds the main list. (Two
    numbered sidebars beside an unnamed content column stay sidebars.)"""
    match = _NUMBERED_SIDE.search(label)
    if match is None or _SIDE_BLOCK.search(_NUMBERED_SIDE.sub(" ", label)):
        return False                    # no numbered column, or another side word too
    word, numbers = match.group(1), {match.group(2)}
    siblings = [s for s in (*node.itersiblings(preceding=True), *node.itersiblings())
                if isinstance(s.tag, str) and s.find(".//a") is not None]
    for sibling in siblings:
        own = [m.group(2) for m in _NUMBERED_SIDE.finditer(_box_label(sibling))
               if m.group(1) == word]
        if not own:
            return False
        numbers.add(own[0])
    return bool(siblings) and len(numbers) == len(siblings) + 1


def _grid_half(node) -> bool:
    """A "right" column that repeats the template of a sibling before it (the tag paths down
    to the links of one are all paths of the other, several of them: one box may lack its
    sub-section links) is the second half of a row of section boxes inside the main column,
    not a sidebar: a sidebar's boxes are not copies of the main column's."""
    shape = _link_paths(node)
    for sibling in node.itersiblings(preceding=True):
        if sibling.tag == node.tag:
            other = _link_paths(sibling)
            if len(min(shape, other, key=len)) >= MIN_GRID_PATHS and (shape <= other or other <= shape):
                return True
    return False


def _link_paths(node) -> frozenset:
    """The tag paths from `node` down to each of its links."""
    paths = set()
    for a in node.iter("a"):
        steps = [a.tag]
        for ancestor in a.iterancestors():
            if ancestor is node:
                break
            steps.append(ancestor.tag)
        paths.add("/".join(reversed(steps)))
    return frozenset(paths)


def _before_list_end(tree, kept: list) -> list:
    """Links before the end of the first pagination (or load-more) block that follows the
    start of the list: what comes after it are other sections' boxes."""
    if not kept:
        return kept
    order = {node: i for i, node in enumerate(tree.iter())}
    positions = sorted(order[a] for a, _ in kept)
    for start, end in _list_ends(tree, order):
        if sum(p < start for p in positions) >= LIST_MIN_BEFORE_END:
            return [(a, url) for a, url in kept if order[a] < end]
    return kept


def _list_ends(tree, order: dict):
    """(first, last) document positions of pagination and load-more blocks, in order. An
    empty one (no link, no text) is a slider's dots, filled by script: no list ends there."""
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in ("body", "html"):
            continue
        label = _label(node)
        ends = _LIST_END.search(label)
        if ends and _empty(node):
            continue
        if ends or (_LOAD_MORE.search(label) and not _real_links(node)):
            last = max(order.get(n, 0) for n in node.iter())
            yield order[node], last


def _empty(node) -> bool:
    return not node.xpath(".//a") and not "".join(node.itertext()).strip()


def _real_links(node) -> bool:
    anchors = [node] if node.tag == "a" else node.xpath(".//a")
    return any(_resolve(a.get("href"), "http://x/") for a in anchors)


def next_pages(tree, page_url: str, site: Site) -> list[str]:
    """Pagination links: the site's `next_page` selectors, else rel=next / "Trang sau"."""
    nodes = []
    for css in site.selectors.get("next_page", ()):
        nodes = tree.cssselect(css)
        if nodes:
            break
    if not nodes:
        nodes = [a for a in tree.xpath("//a[@href]")
                 if a.get("rel") == "next" or _NEXT_WORDS.match(element_text(a))]
        nodes += tree.xpath('//link[@rel="next"][@href]')
    urls = [_resolve(n.get("href"), page_url) for n in nodes]
    return [u for u in dict.fromkeys(urls) if u and not site.is_denied(u)]


def section_pages(tree, page_url: str, site: Site, on_site=None) -> list[str]:
    """Section pages: links matching the site's listing patterns; rule-free, menu links."""
    if not site.urls.listing:
        return menu_sections(tree, page_url, site, on_site) if rule_free(site) else []
    urls = (_resolve(a.get("href"), page_url) for a in tree.xpath("//a[@href]"))
    return [u for u in dict.fromkeys(urls)
            if u and site.is_listing_url(u) and not site.is_denied(u)]


def menu_sections(tree, page_url: str, site: Site, on_site=None) -> list[str]:
    """Rule-free sections: on-site menu links that are neither articles nor utility pages
    (search, login, tags, feeds, files), at most two path segments deep."""
    on_site = on_site or site.owns
    found = []
    for a in tree.xpath("//a[@href]"):
        url = _resolve(a.get("href"), page_url)
        if url and url not in found and _is_section(url, site, on_site) and _in_menu(a):
            found.append(url)
    return found[:MAX_MENU_SECTIONS]


def _is_section(url: str, site: Site, on_site) -> bool:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    return (on_site(url) and 0 < len(segments) <= 2 and not parts.query
            and not looks_like_article(url) and not NOT_ARTICLE.search(parts.path)
            and not _NOT_PAGE.search(parts.path) and not site.is_denied(url))


def _in_menu(anchor) -> bool:
    return any(node.tag == "nav" or _MENU_BLOCK.search(_label(node))
               for node in anchor.iterancestors() if node.tag not in ("body", "html"))


# -- feeds ------------------------------------------------------------------------------
def page_feeds(html_or_tree, page_url: str) -> list[str]:
    """Feeds a page declares: <link rel="alternate" type="application/rss+xml|atom+xml">."""
    tree = parse_html(html_or_tree) if isinstance(html_or_tree, str) else html_or_tree
    urls = []
    for link in tree.xpath("//link[@href][@type]"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and link.get("type").strip().lower() in FEED_TYPES:
            url = _resolve(link.get("href"), page_url)
            if url and url not in urls:
                urls.append(url)
    return urls


def feed_index_links(html: str, page_url: str, on_site) -> list[str]:
    """Feeds listed by an HTML feed index (the /rss page): links to .rss files or under /rss/."""
    tree = parse_html(html)
    urls = page_feeds(tree, page_url)
    for a in tree.xpath("//a[@href]"):
        url = _resolve(a.get("href"), page_url)
        path = urlsplit(url).path.lower() if url else ""
        if url and on_site(url) and url != page_url and url not in urls and (
                path.endswith((".rss", ".atom")) or "/rss/" in path or path.endswith("/feed")):
            urls.append(url)
    return urls


def origin_urls(page_url: str, paths) -> list[str]:
    """Absolute URLs of root paths on the page's origin (robots.txt, common feed paths)."""
    return [urljoin(page_url, path) for path in paths]


class TooLarge(ValueError):
    """A compressed sitemap or feed inflates past XML_MAX_BYTES."""


# The sitemap protocol's own limit for one uncompressed file; feeds are far smaller.
XML_MAX_BYTES = 50 * 1024 * 1024


def inflate(body: bytes, limit: int = XML_MAX_BYTES) -> bytes:
    """A gzip file's content (sitemap.xml.gz is served as a file, not with Content-Encoding,
    so Scrapy leaves it compressed), inflated at most to `limit` bytes: a gzip bomb raises
    TooLarge instead of filling memory. Other bodies are returned as they are."""
    if body[:2] != b"\x1f\x8b":
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        return b""                   # not really gzip: no links, like any unreadable XML
    if len(data) > limit or inflater.unconsumed_tail:
        raise TooLarge(f"inflates past {limit // (1024 * 1024)} MB")
    return data


def _xml(body: bytes):
    body = inflate(body)
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=False)
    root = etree.fromstring(body.strip() or b"<empty/>", parser)
    return root


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _feed_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return localize(parsedate_to_datetime(text.strip()))
    except (TypeError, ValueError, IndexError):
        return parse_iso(text)


def looks_like_html(body: bytes) -> bool:
    """An HTML page (a feed index, an error page) rather than an XML feed or sitemap."""
    if body[:2] == b"\x1f\x8b":
        return False
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex")):
        return False
    return b"<html" in head or head.startswith(b"<!doctype html")


def feed_links(body: bytes, feed_url: str) -> list[Link]:
    """Article links of an RSS 2.0 or Atom feed, with their dates when given."""
    root = _xml(body)
    if root is None:
        return []
    links = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        fields = {_local(c.tag): c for c in item}
        href = None
        if "link" in fields:
            node = fields["link"]
            href = node.get("href") or (node.text or "").strip()
        if not href and "guid" in fields:
            href = (fields["guid"].text or "").strip()
        date = next((fields[k].text for k in ("pubDate", "published", "updated", "date")
                     if k in fields), None)
        url = _resolve(href, feed_url)
        if url:
            links.append(Link(url, _feed_date(date)))
    return links


# -- sitemaps ---------------------------------------------------------------------------
def sitemap_links(body: bytes, sitemap_url: str) -> tuple[list[Link], list[str]]:
    """(page links with lastmod / news publication date, child sitemap URLs)."""
    root = _xml(body)
    if root is None:
        return [], []
    pages, children = [], []
    for node in root:
        kind = _local(node.tag)
        loc, date = None, None
        for field in node.iter():
            name = _local(field.tag)
            if name == "loc" and loc is None:
                loc = _resolve((field.text or "").strip(), sitemap_url)
            elif name in ("publication_date", "lastmod") and field.text and date is None:
                date = parse_iso(field.text.strip())
        if loc and kind == "sitemap":
            children.append(loc)
        elif loc and kind == "url":
            pages.append(Link(loc, date))
    return pages, children


def sitemap_articles(pages: list[Link], site: Site, on_site) -> list[Link]:
    """A sitemap's article pages: those of an article shape, and on a site without URL rules
    also those of a template with an id that many of its URLs share (sitemaps list a CMS's
    articles by the hundred, its sections without ids: urls.learned_templates)."""
    pages = [p for p in pages if on_site(p.url) and not never_article(p.url, site)]
    if not rule_free(site):
        return [p for p in pages if is_article_url(p.url, site)]
    unknown = template_groups(p.url for p in pages if not looks_like_article(p.url))
    learned = {url for template, urls in unknown.items() if learnable(template, len(urls))
               for url in urls}
    return [p for p in pages if p.url in learned or looks_like_article(p.url)]


def robots_sitemaps(robots_txt: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in robots_txt.splitlines()
            if line.lower().startswith("sitemap:")]
