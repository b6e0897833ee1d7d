"""Lists of links to other articles printed inside the article's container: "Các tin khác",
"Tin liên quan", a row of two related headlines at the top of the body. trafilatura keeps
them when they sit in the element that holds the body; they are demonstrably not article
text, recognised from structure alone (no class names):

- a card list: 3+ sibling elements built alike (same tag and classes, numbers aside), each
  linking one other page by a headline (a link text or title of HEADLINE_MIN_WORDS words or
  more; its other links, a section or an author, are short) that opens the card and is no
  sentence's subject, each a different page. Everything in such a card goes: headline, date
  line, teaser;
- a link row: one block whose text is mostly (LINK_ROW_SHARE) the text of 2+ links to
  other pages, each a headline;
- a teaser card standing alone (the lead story of a box): a small element whose headline
  block, before the teaser, is a heading linking another page; or whose headline, in any
  tag, is followed in its box by a list of further headlines.

A paragraph holding one link, or a list of short links (sources, documents), stays.
"""
from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urldefrag, urljoin, urlsplit

from crawler.pages.bylines import looks_like_byline
from crawler.pages.html_text import BLOCK_TAGS, SUBHEADINGS, element_text, text_key
from crawler.pages.urls import is_file

HEADLINE_MIN_WORDS = 4
CARDS_MIN = 3
# Cards numbered in their class ("item n-1", "item n-2") are built alike all the same.
_DIGITS = re.compile(r"\d+")
LINK_ROW_SHARE = 0.8
_NOT_A_PAGE = ("#", "javascript:", "mailto:", "tel:")


def targets(node) -> dict[str, int]:
    """Pages the node links to -> the most words any of its links gives that page. Links
    differing only in their fragment are one page: the posts of a forum thread each open
    with a link to their own anchor ("Topic title: post #3"), which is no other article."""
    found: dict[str, int] = {}
    for a in node.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(_NOT_A_PAGE):
            continue
        href = urldefrag(href).url
        words = max(len(a.text_content().split()), len((a.get("title") or "").split()))
        found[href] = max(found.get(href, 0), words)
    return found


def card_lists(container) -> set:
    """The cards of every card list under the container."""
    cards = set()
    for parent in container.iter():
        if not isinstance(parent.tag, str) or len(parent) < CARDS_MIN:
            continue
        alike = defaultdict(list)
        for child in parent:
            if isinstance(child.tag, str):
                alike[(child.tag, _DIGITS.sub("", child.get("class") or ""))].append(child)
        for group in alike.values():
            if len(group) >= CARDS_MIN and _one_headline_each(group):
                cards.update(group)
    return cards


def _one_headline_each(group: list) -> bool:
    """Each card links exactly one page by a headline (its other links, a section or an
    author, are short labels) that opens the card, and no two cards the same page."""
    pages = []
    for card in group:
        headlines = [page for page, words in targets(card).items() if words >= HEADLINE_MIN_WORDS]
        if len(headlines) != 1 or not _opens(card, headlines[0]):
            return False
        pages.append(headlines[0])
    return len(set(pages)) == len(pages)


CARD_LABEL_MAX_WORDS = 5     # a section label or a time may stand before a card's headline


def _opens(card, page: str) -> bool:
    """The headline link comes first in the card (after a label at most): a list item of
    prose that links a source mid-sentence ("... John Tierney has the scoop in the Post:
    ..."), or a feature card whose "Learn more about X" link closes it, is no news card."""
    text = element_text(card)
    link = max((" ".join(a.text_content().split()) for a in card.iter("a")
                if (a.get("href") or "").strip() == page), key=len, default="")
    at = text.find(link) if link else -1
    return (at >= 0 and len(text[:at].split()) <= CARD_LABEL_MAX_WORDS
            and not _sentence_goes_on(card, page))


SENTENCE_TAIL_MIN_WORDS = 6


def _sentence_goes_on(card, page: str) -> bool:
    """The link is the subject of a sentence its block goes on with ("<a>Luật Đất đai 2024
    sửa đổi</a> có hiệu lực từ ngày 1/8, ..."): an item of the article's own list, not a
    headline above a teaser (which opens a block of its own, with a capital)."""
    for a in card.iter("a"):
        if (a.get("href") or "").strip() != page:
            continue
        tail = (a.tail or "").split()
        if len(tail) >= SENTENCE_TAIL_MIN_WORDS and tail[0][:1].islower():
            return True
    return False


def is_link_row(block) -> bool:
    """A block that is mostly the headlines of 2+ links to other pages."""
    linked = targets(block)
    if len(linked) < 2 or min(linked.values()) < HEADLINE_MIN_WORDS:
        return False
    text = element_text(block)
    link_text = sum(len(" ".join(a.text_content().split())) for a in block.iter("a"))
    return bool(text) and link_text >= LINK_ROW_SHARE * len(text)


def in_link_list(block, cards: set) -> bool:
    """The block is a link row, or sits in a card of a card list."""
    if is_link_row(block):
        return True
    return any(node in cards for node in (block, *block.iterancestors()))


TEASER_CARD_MAX_WORDS = 120   # headline, time and teaser of one story; an article is longer
BOX_MAX_WORDS = 240           # a lead story's card and a list of headlines after it
CARD_DEPTH = 4                # ancestors of a teaser looked at for its card


def is_card_teaser(block, container, sizes: dict | None = None,
                   page_url: str | None = None) -> bool:
    """The block is the teaser of a card standing alone: a small element (below the
    container, holding no <h1>: that is the page's own headline) holding it links one other
    page by a headline (not `page_url` itself), and that headline is a heading block of its
    own before it, or the card shows that page's thumbnail before it (a link inside a
    paragraph of prose, a forum post's title link, is no card), or the card leads a box
    of stories (_lead_of_box). `sizes`: element -> its word count, shared by the calls for
    one page."""
    sizes = {} if sizes is None else sizes
    for card in _small_cards(block, container, sizes, BOX_MAX_WORDS):
        headlines = _other_headlines(card, block, page_url, sizes)
        if len(headlines) > 1:
            return _lead_of_box(card, block, page_url, sizes)
        if sizes[card] > TEASER_CARD_MAX_WORDS:
            return False
        if headlines and (_headline_block_before(card, block, headlines[0])
                          or _thumbnail_before(card, block, headlines[0])):
            return True     # else the card's thumbnail may stand one level up
    return False


def _small_cards(block, container, sizes: dict, max_words: int = TEASER_CARD_MAX_WORDS):
    """The block's ancestors that may be a card, nearest first: below the container, holding
    no <h1>, at most `max_words` words; the first that is not ends the walk."""
    for card in list(block.iterancestors())[:CARD_DEPTH]:
        if card is container or card.find(".//h1") is not None:
            return
        if card not in sizes:
            sizes[card] = len(card.text_content().split())
        if sizes[card] > max_words:
            return
        yield card


BOX_LIST_MIN = 2    # headline rows after a lead story that make its card a box of stories


def _lead_of_box(box, block, page_url: str | None, sizes: dict) -> bool:
    """The block is the teaser of a box's lead story: the box's child holding it links one
    other page, by a block before the teaser that is mostly that link (its headline, set in
    any tag) or by that page's thumbnail in the box; every child after it is a headline row
    (mostly the headline of one other page), BOX_LIST_MIN of them or more. A lead card and
    its list ("Tin cùng chuyên mục"); what the heading rule alone would miss. (A short
    headline, "Gia thế" in a series, may stand in the list: every child after the lead is
    mostly link text, BOX_LIST_MIN of them headline rows.)"""
    children = [child for child in box if isinstance(child.tag, str)]
    lead = next((child for child in children
                 if child is block or child in block.iterancestors()), None)
    if lead is None or lead is block:
        return False
    own = _other_headlines(lead, block, page_url, sizes)
    if len(own) != 1 or not (_link_block_before(lead, block, own[0]) is not None
                             or _thumbnail_before(box, block, own[0])):
        return False
    # The lead card prints its headline, a label or time at most, and this teaser: an
    # article's own paragraphs around a "Xem thêm:" link are no card.
    card_words = targets(lead)[own[0]] + CARD_LABEL_MAX_WORDS + len(element_text(block).split())
    if len(element_text(lead).split()) > card_words:
        return False
    rest = children[children.index(lead):]
    if any((child.tail or "").strip() for child in rest):
        return False                # text between the rows: no list of headlines alone
    after = [child for child in rest[1:] if element_text(child)]
    rows = [child for child in after if _headline_row(child, page_url, sizes)]
    return len(rows) >= BOX_LIST_MIN and all(_mostly_link(child) for child in after)


def _headline_row(node, page_url: str | None, sizes: dict) -> bool:
    """A block that is mostly the headline of one other page."""
    headlines = _other_headlines(node, node, page_url, sizes)
    return len(headlines) == 1 and _mostly_link(node, headlines[0])


def _other_headlines(card, block, page_url: str | None, sizes: dict) -> list[str]:
    """Pages other than this one that the card links by a headline."""
    own = _own_pages(block, page_url, sizes)
    return [page for page, words in targets(card).items()
            if words >= HEADLINE_MIN_WORDS and _page_key(page, page_url) not in own]


def headline_keys(root, page_url: str | None, sizes: dict) -> set[str]:
    """Keys of the page's headline rows' links: link texts of HEADLINE_MIN_WORDS words or
    more to pages other than this one, each most of the block it stands in (a box's list;
    not a link inside a sentence, which names another story in the story's own words)."""
    own = _own_pages(root, page_url, sizes)
    keys = set()
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(_NOT_A_PAGE):
            continue
        text = element_text(link)
        if len(text.split()) < HEADLINE_MIN_WORDS or \
                _page_key(urldefrag(href).url, page_url) in own:
            continue
        block = next((a for a in link.iterancestors() if a.tag in BLOCK_TAGS), None)
        if block is None or len(text) >= ROW_LINK_SHARE * len(element_text(block)):
            keys.add(text_key(text))
    return keys


ROW_LINK_SHARE = 0.6     # a headline row: its link and a date, a label, a comment count


def story_link_lines(block, page_url: str | None, sizes: dict) -> set[str]:
    """Keys of the lines of a <br> block that are each one link, alone on its line, to
    another story of the site: a headline's length, no byline (an author's page), no file
    (a plan's PDF), no link inside a line of text (a tag)."""
    own = _own_pages(block, page_url, sizes)
    host = _page_key(page_url or "", None)[0]
    keys = set()
    for link in block.iter("a"):
        href = (link.get("href") or "").strip()
        text = element_text(link)
        if (not href or href.startswith(_NOT_A_PAGE) or len(text.split()) < HEADLINE_MIN_WORDS
                or looks_like_byline(text) or is_file(href)
                or not _alone_on_its_line(link)):
            continue
        page = _page_key(href, page_url)
        if page not in own and page[0] == host:
            keys.add(text_key(text))
    return keys


def _alone_on_its_line(link) -> bool:
    """Nothing but whitespace between the link (or the bold or span wrapping only it) and
    the <br> or block edge on either side."""
    node = link
    while True:
        parent = node.getparent()
        if parent is None or parent.tag in BLOCK_TAGS or len(parent) != 1 \
                or (parent.text or "").strip() or (node.tail or "").strip():
            break
        node = parent
    before, after = node.getprevious(), node.getnext()
    if (node.tail or "").strip() or (after is not None and after.tag != "br"):
        return False
    if before is None:
        parent = node.getparent()
        return parent is None or not (parent.text or "").strip()
    return before.tag == "br" and not (before.tail or "").strip()


def is_card_headline(block, container, sizes: dict | None = None,
                     page_url: str | None = None) -> bool:
    """The block is the heading of a card standing alone: a heading whose text is mostly a
    link to one other page, in a small element (below the container, holding no <h1>)
    linking no other page by a headline. trafilatura may print such a card's teaser on
    its headline's line: the line is placed at the heading."""
    if block.tag not in SUBHEADINGS:
        return False
    sizes = {} if sizes is None else sizes
    own = _own_pages(block, page_url, sizes)
    text = element_text(block)
    linked = sum(len(element_text(a)) for a in block.iter("a")
                 if (a.get("href") or "").strip()
                 and _page_key(a.get("href").strip(), page_url) not in own)
    if not text or linked < LINK_ROW_SHARE * len(text):
        return False
    for card in _small_cards(block, container, sizes):
        if len(card) > 1:           # the heading's own wrapper is no card: its parent may be
            return len(_other_headlines(card, block, page_url, sizes)) == 1
    return False


_OWN = "own pages"      # the key of the page's own URLs in a `sizes` dict


def _own_pages(block, page_url: str | None, sizes: dict) -> frozenset:
    """Keys of the page's own URLs: where it was fetched, and its declared canonical URL (a
    forum thread's title link, fetched under another URL, is no other story); computed
    once per page and kept in the page's `sizes` dict."""
    if _OWN not in sizes:
        root = block.getroottree().getroot()
        canonical = [link.get("href") for link in root.iter("link")
                     if "canonical" in (link.get("rel") or "").lower().split()][:1]
        sizes[_OWN] = frozenset(_page_key(url, page_url) for url in [page_url] + canonical if url)
    return sizes[_OWN]


def _page_key(href: str, base: str | None) -> tuple[str, str]:
    """Host and path of a link, resolved against the page (a page's link to itself may be
    relative, absolute, with or without a trailing slash)."""
    parts = urlsplit(urljoin(base or "", href))
    return parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/")


def _headline_block_before(card, block, page: str) -> bool:
    """A heading of the card before `block` whose text is mostly the link to `page`."""
    node = _link_block_before(card, block, page)
    return node is not None and _is_heading(node)


def _link_block_before(card, block, page: str):
    """The first block of the card before `block` whose text is mostly the link to `page`,
    or None."""
    for node in card.iter():
        if node is block:
            return None
        if not isinstance(node.tag, str) or node.tag == "a" or block in node.iterdescendants():
            continue
        if _mostly_link(node, page):
            return node
    return None


def _mostly_link(node, page: str | None = None) -> bool:
    """The node's text is mostly (LINK_ROW_SHARE) the text of its links to `page` (of any
    links, without one)."""
    text = element_text(node)
    linked = sum(len(element_text(a)) for a in node.iter("a")
                 if page is None or urldefrag((a.get("href") or "").strip()).url == page)
    return bool(text) and linked >= LINK_ROW_SHARE * len(text)


def _thumbnail_before(card, block, page: str) -> bool:
    """A link to `page` showing an image, before `block` in the card, and a link to it
    printing its headline: a story's thumbnail (the headline may be set in a plain <div>;
    a forum post's title link has no picture). A picture linking to an image file (a
    lightbox) or named only by its title is a photo of this article, not another story."""
    if _IMAGE_FILE.search(urlsplit(page).path):
        return False
    if not any(len(element_text(a).split()) >= HEADLINE_MIN_WORDS for a in card.iter("a")
               if urldefrag((a.get("href") or "").strip()).url == page):
        return False
    for node in card.iter():
        if node is block:
            return False            # a picture after the teaser shows no card before it
        if node.tag != "a":
            continue
        if node in block.iterancestors():
            return False            # a link around the teaser
        if urldefrag((node.get("href") or "").strip()).url == page and node.find(".//img") is not None:
            return True
    return False


_IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|bmp|svg|avif)$", re.I)


def _is_heading(node) -> bool:
    """A story's headline is set as a heading (a forum post's title link or a listing's
    row is not): the block is one, or holds one."""
    return node.tag in SUBHEADINGS or any(True for _ in node.iterdescendants(*SUBHEADINGS))
