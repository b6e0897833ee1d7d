"""Generic extraction for pages without site rules: trafilatura for the main text, anchored
to the page (see anchor), our own headline and lead detection (captions are collected
page-wide by ArticlePage)."""
from __future__ import annotations

import copy
import re

import trafilatura

from crawler.pages.anchor import (Anchored, anchor, is_prose, leaf_blocks, locate,
                                  opening_prose)
from crawler.pages.captions import names_caption
from crawler.pages.dates import is_date_line
from crawler.pages.embedded import embedded_body
from crawler.pages.bylines import looks_like_byline
from crawler.pages.html_text import (BLOCK_TAGS, LOOSE_TEXT, SKIP_TAGS, element_lines,
                                     element_text, remove_element, text_key, word_count)
from crawler.pages.link_lists import is_card_headline, is_card_teaser
from crawler.pages.metadata import meta

# Generic words for a standfirst, as whole words of a class or id ("detail-sapo" and
# "article__sapo" match through "sapo"; no one CMS's names).
_LEAD_HINT = re.compile(r"(^|[-_ ])(sapo|lead|chapeau|summary|description|excerpt|intro)"
                        r"([-_ ]|$)", re.I)
LEAD_MIN_CHARS, LEAD_MAX_CHARS = 40, 1200


def body(html: str, url: str, tree=None) -> Anchored:
    """trafilatura's paragraphs, with its default settings (its output is our floor: tables
    and comment separation as a user of trafilatura gets them); anchored to the page's own
    tree when given (see anchor). When that gives fewer than RESCUE_WORDS words of
    sentences that are no other story's teaser, the page's names may have misled
    trafilatura: see rescued. (ArticlePage hands it the page's tree with its loose text
    made paragraphs, html_text.paragraphs_of_loose_text, when no site rules read it.)"""
    text = trafilatura_text(html, url)
    if tree is None:
        return Anchored([cell for line in text.splitlines() for cell in table_row(line.strip())])
    found = anchored(text, tree, url)
    if story_words(found, url) >= RESCUE_WORDS:
        return _visible(found, tree, url)
    found = rescued(found, tree, url)
    if word_count(found.lines) >= RESCUE_WORDS:
        return found
    # Nothing printed: a page its scripts render holds the story in their state.
    state = embedded_body(tree, [meta(tree, "og:title"), _head_text(tree),
                                 title_from_head(tree), headline(tree)])
    return Anchored(state) if state else found


def _visible(found: Anchored, tree, url: str) -> Anchored:
    """A reading printed mostly inside a dialog the page hides (an inline `display:none` or
    the `hidden` attribute on an element near the top of the page, or in a block of the
    page's top level apart from its headline's: a sign-up dialog's terms of use, a payment
    pop-up's bank details) is no story a reader sees: read the page again without its
    hidden elements, and take that reading when it has RESCUE_WORDS words of its own
    sentences and shares no line with the first; when it has not, the dialog was all
    trafilatura found (the page's names misled it): read again as `rescued` does, the dialog
    counting as nothing. An article whose end is hidden behind a "read more" button reads
    again as its opening only, and keeps its first reading; an article body hidden until a
    script shows it sits in the headline's column, and is left alone."""
    nodes = list(_line_nodes(found).values())
    headlined = set(_headline_holders(tree))
    if not nodes or sum(_in_hidden_dialog(n, headlined) for n in nodes) * 2 <= len(nodes):
        return found
    shown = copy.deepcopy(tree)
    for node in [n for n in shown.iter() if isinstance(n.tag, str) and _hides(n)]:
        remove_element(node)            # its tail is visible text
    retry = anchored(trafilatura_text(shown, url), tree, url)
    if set(retry.lines) & set(found.lines):
        return found
    if story_words(retry, url) >= RESCUE_WORDS:
        return retry if _under_headline(retry, headlined) else found
    rescue = rescued(retry, tree, url, shown)
    return rescue if (rescue is not retry and not set(rescue.lines) & set(found.lines)
                      and _under_headline(rescue, headlined)) else found


def _under_headline(reading: Anchored, headlined: set) -> bool:
    """Most of the reading's located lines sit in a top-level block holding an <h1> (any
    reading, on a page without one)."""
    nodes = list(_line_nodes(reading).values())
    if not headlined:
        return True
    return sum(_top(n) in headlined for n in nodes) * 2 > len(nodes)


def _top(node):
    """The node's top-level block: its outermost ancestor below the page level (or itself)."""
    wrappers = [a for a in (node, *node.iterancestors()) if not _page_level(a)]
    return wrappers[-1] if wrappers else node


def _page_level(node) -> bool:
    return node.tag in ("html", "body", "form") or node.get("data-vnnews-form") is not None


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hides(node) -> bool:
    return node.get("hidden") is not None or bool(_HIDDEN_STYLE.search(node.get("style") or ""))


DIALOG_MAX_DEPTH = 2      # wrappers between <body> (or an ASP.NET page's <form>) and a dialog


def _in_hidden_dialog(node, headlined: set) -> bool:
    """The element sits in a hidden element near the top of the page, or in a top-level
    block of the page that holds no <h1> when another one does (`headlined`: the elements
    holding an <h1>): a pop-up appended to the page, not the article's column."""
    for element in (node, *node.iterancestors()):
        if _hides(element):
            wrappers = [a for a in element.iterancestors() if not _page_level(a)]
            return len(wrappers) <= DIALOG_MAX_DEPTH or (
                bool(headlined) and _top(element) not in headlined)
    return False


def _headline_holders(tree) -> list:
    """The elements that hold one of the page's <h1>s (their ancestors)."""
    return [a for h1 in tree.iter("h1") for a in (h1, *h1.iterancestors())]


def anchored(text: str, tree, url: str | None = None) -> Anchored:
    lines, rows = table_lines(text.splitlines(), tree)
    return anchor(lines, tree, rows, url) if lines else Anchored(lines)


def trafilatura_text(page, url: str) -> str:
    """trafilatura's main text of a page (HTML, or a tree it copies before cleaning)."""
    doc = trafilatura.bare_extraction(page, url=url, with_metadata=False)
    return (doc.text if doc is not None else "") or ""


# A body of fewer words of its own sentences calls for a second reading (the cleaning
# chain keeps no row under 80 words by default).
RESCUE_WORDS = 80
RESCUE_GAIN = 2        # the second reading must give this many times those words
# Names kept in the second reading: the generic words for a page's furniture, on any site.
_KEPT_NAMES = re.compile(r"footer|menu|nav|sidebar|comment|copyright", re.I)


def rescued(found: Anchored, tree, url: str, page=None) -> Anchored:
    """trafilatura deletes, unread, elements whose class or id it takes for boilerplate
    ("slide", "meta", "infinite-scroll", ...) and every <figure>; on a page that names its
    article box so, or lays a photo story out in <figure>s, it finds little or nothing, or
    reads the footer or another box instead: the first reading's words of its own
    sentences (story_words) are under RESCUE_WORDS. Read again with the names removed and
    figures made plain blocks: structure alone, but for the generic names of the page's
    furniture (_KEPT_NAMES, unless the element wraps the article) and the <aside>, <footer>
    and <nav> tags: boilerplate lives there, and a footer's licence lines must not pad a
    short page. The second reading is anchored like the first and taken only when its own
    sentences reach RESCUE_WORDS words and its sentences, teasers or not, RESCUE_GAIN times
    the first's, or when it goes on from the first (_goes_on): what calls it is the first
    reading's want of its own sentences, what takes it is plainly more prose or the rest of
    the first reading's own box, or more prose where the first reading was nothing but
    other stories' teasers, so an article whose sections head with links (its sentences
    read as teasers) is not traded for a shorter author bio. `page`: the tree to
    read, when not `tree` itself (the page without its hidden dialogs, see _visible)."""
    retry = anchored(trafilatura_text(_nameless(tree if page is None else page), url), tree, url)
    if _better(found, retry, tree, url):
        return retry
    if page is None and story_words(found, url) == 0:
        # Nothing of the story's own in either reading: what the page's blocks print.
        retry = prose_reading(tree, url)
        if retry is not None and _better(found, retry, tree, url):
            return retry
    return found


def _better(found: Anchored, retry: Anchored, tree, url: str) -> bool:
    """The second reading has RESCUE_WORDS words of its own sentences, and plainly more
    prose than the first, or goes on from it (see rescued)."""
    if story_words(retry, url) < RESCUE_WORDS:
        return False
    gained, had = prose_words(retry.lines), prose_words(found.lines)
    return gained >= RESCUE_GAIN * had or _goes_on(found, retry) or (gained > had and (
        _standfirst_before(found, retry, tree) or story_words(found, url) == 0))


def prose_reading(tree, url: str) -> Anchored | None:
    """The page read without trafilatura, for when neither of its readings finds a word of
    the story's own (both may take a box of other stories' teasers for it on a page of
    unnamed <div> paragraphs): the element whose own child blocks print the most words of sentences,
    not in navigation, a figure or a side box, not other stories' teasers, under the
    page's headline; its lines anchored like trafilatura's."""
    body = tree.find("body")
    body = tree if body is None else body
    words: dict = {}
    sizes: dict = {}
    for block in leaf_blocks(tree):
        text = element_text(block)
        if not is_prose(text) or not opening_prose(block, text) \
                or is_card_teaser(block, body, sizes, url):
            continue
        parent = block.getparent()
        words[parent] = words.get(parent, 0) + len(text.split())
    holder = max(words, key=words.get, default=None)
    if holder is None or words[holder] < RESCUE_WORDS:
        return None
    reading = anchor(element_lines(holder), tree, page_url=url)
    return reading if _under_headline(reading, set(_headline_holders(tree))) else None


def _standfirst_before(first: Anchored, retry: Anchored, tree) -> bool:
    """The first reading is what stands before the second's text and none of it: trafilatura,
    the article box deleted, kept only the standfirst printed above it (the page's lead,
    which is found on its own: see find_lead)."""
    first_nodes, retry_nodes = _line_nodes(first), _line_nodes(retry)
    if not first_nodes or not retry_nodes or set(first.lines) & set(retry.lines):
        return False
    order = {node: i for i, node in enumerate(tree.iter())}
    return max(order.get(n, -1) for n in first_nodes.values()) < min(
        order.get(n, -1) for n in retry_nodes.values())


def _goes_on(first: Anchored, retry: Anchored) -> bool:
    """The second reading is the first one and the rest of its text: it keeps every line of
    the first, and each line it adds is a block beside one of the first's, in the same
    parent element (a box trafilatura deleted after keeping its opening paragraph). A box
    of its own (an author's bio, a newsletter pitch), inside the article's wrapper or beside
    it, is not; nor is a sentence anchoring could not place."""
    first_nodes, retry_nodes = _line_nodes(first), _line_nodes(retry)
    if not first_nodes or set(first.lines) - set(retry.lines):
        return False
    added = [line for line in retry.lines if line not in first_nodes]
    if any(line not in retry_nodes and is_prose(line) for line in added):
        return False
    holders = {node.getparent() for node in first_nodes.values()} - {None}
    holders = {node for node in holders if node.tag not in ("body", "html")}
    return bool(holders) and all(retry_nodes[line].getparent() in holders
                                 for line in added if line in retry_nodes)


def _line_nodes(found: Anchored) -> dict:
    """Each located line's block on the page (lines anchoring could not place: none)."""
    return {line: node for line, node in zip(found.lines, found.nodes) if node is not None}


def prose_words(lines: list[str]) -> int:
    """Words of the lines that are sentences (not menus, headlines, addresses)."""
    return sum(len(line.split()) for line in lines if is_prose(line))


def story_words(found: Anchored, url: str) -> int:
    """Words of the sentences of a reading that are no other story's teaser (a card with a
    heading linking another page; link_lists.is_card_teaser): trafilatura, its article box
    deleted, may return a box of related stories, sentences every one. (An article whose
    sections head with links reads so too: rescued weighs all sentences before it trades.)"""
    if not found.nodes or found.container is None:    # lines not located on the page
        return prose_words(found.lines)
    sizes: dict = {}
    return sum(len(line.split()) for line, node in zip(found.lines, found.nodes)
               if is_prose(line) and not (node is not None and _in_card(node, found, sizes, url)))


def _in_card(node, found: Anchored, sizes: dict, url: str) -> bool:
    """The line is a card's teaser, or a card's headline with its teaser printed on the
    same line (what the heading prints alone is no sentence of a story either)."""
    return (is_card_teaser(node, found.container, sizes, url)
            or is_card_headline(node, found.container, sizes, url))


def _nameless(tree):
    """A copy of the page without class and id names but its furniture's, and with
    <figure> made a plain block."""
    nameless = copy.deepcopy(tree)
    page_chars = _printed_chars(nameless)
    headline = nameless.find(".//h1") is not None
    for node in nameless.iter():
        if not isinstance(node.tag, str):
            continue
        if not _furniture(node, page_chars, headline):
            node.attrib.pop("class", None)
            node.attrib.pop("id", None)
        if node.tag == "figure":
            node.tag = "div"
    return nameless


WRAPPER_MIN_SHARE = 0.5     # a furniture-named wrapper holds more of the page than this


def _furniture(node, page_chars: int, page_has_h1: bool) -> bool:
    """Named as the page's furniture (_KEPT_NAMES), and no wrapper of the article: a
    layout names the box around the headline, the article and its sidebar
    "content-sidebar-wrap" or "wrapper-footer" as readily as its footer. A wrapper holds
    most of the page's text and its <h1>, if it has one; a sidebar of long reader comments
    beside a short article holds the text but not the headline, and stays furniture."""
    if not _KEPT_NAMES.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
        return False
    holds_headline = not page_has_h1 or node.find(".//h1") is not None
    return not (holds_headline and _printed_chars(node) > WRAPPER_MIN_SHARE * page_chars)


def _printed_chars(node) -> int:
    """Characters of text the element prints (not its scripts' or styles')."""
    return sum(len(t) for t in node.xpath(".//text()[not(ancestor::script or ancestor::style)]"))


def table_lines(text_lines: list[str], tree) -> tuple[list[str], dict[int, object]]:
    """trafilatura's lines with its table rows read back from the page: a layout cell that
    holds the whole article (old pages) becomes that cell's own paragraphs, and a data row
    is tied to its <tr>, so that a row outside the article (a calendar widget) is dropped
    like any other line from outside it. -> (lines, line index -> its <tr>)."""
    lines, rows = [], {}
    cells = None
    for raw in text_lines:
        raw = raw.strip()
        parts = table_row(raw)
        if parts == [raw] or not parts:         # prose, or an empty row
            lines.extend(parts)
            continue
        if cells is None:
            cells = _table_cells(tree)
        for part in parts:
            lines.extend(cell_paragraphs(part, cells))
        row = cells.get(("tr", _packed(parts[0]))) if len(parts) == 1 else None
        if row is not None:
            rows[len(lines) - 1] = row
    return lines, rows


def _table_cells(tree) -> dict[tuple[str, str], object]:
    """("tr" or "cell", packed text) -> the first row or cell printing it (its raw text: a
    layout page nests tables deep, and our block walk of every cell would cost more than
    the page)."""
    found: dict[tuple[str, str], object] = {}
    for node in tree.iter("tr", "td", "th"):
        kind = "tr" if node.tag == "tr" else "cell"
        found.setdefault((kind, _packed(node.text_content())), node)
    return found


def _packed(text: str) -> str:
    """The text key without spaces: raw text runs blocks together ("busesThe")."""
    return text_key(text).replace(" ", "")


CELL_ENDS_CHARS = 40          # a cell is found by the first key chars of the line
CELL_COVERED = 0.8            # the cell's paragraphs must give back this share of the line


def cell_paragraphs(line: str, cells: dict[tuple[str, str], object]) -> list[str]:
    """A table cell's line as the paragraphs it was printed in: the paragraphs of the
    smallest cell holding the line's start whose text the line prints (what
    trafilatura left out of the cell stays out). The line itself when no cell fits."""
    if len(line.split()) < 2 * CELL_PARAGRAPH_WORDS:
        return [line]
    key = _packed(line)
    start = key[:CELL_ENDS_CHARS]
    holders = [(len(k), node) for (kind, k), node in cells.items()
               if kind == "cell" and start in k]
    if not holders:
        return [line]
    cell = min(holders, key=lambda pair: pair[0])[1]
    own = [p for p in element_lines(cell) if (k := _packed(p)) and k in key]
    covered = sum(len(_packed(p)) for p in own)
    return own if len(own) > 1 and covered >= CELL_COVERED * len(key) else [line]


_CELL_SPLIT = re.compile(r"(?<!\\)\|")
CELL_PARAGRAPH_WORDS = 12    # a table cell this long is a layout cell holding prose


def table_row(line: str) -> list[str]:
    """trafilatura prints a table row as "| cell | cell |" (a "|" inside a cell as "\\|").
    A row with a prose cell belongs to a layout table (old pages lay the whole page out in
    one): each non-empty cell becomes a line of its own, as the paragraph it is. A data row
    stays one line, "cell | cell", without its empty cells."""
    if not (line.startswith("|") and line.endswith("|")):
        return [line] if line else []
    cells = [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line[1:-1])]
    cells = [c for c in cells if c]
    if any(len(c.split()) >= CELL_PARAGRAPH_WORDS for c in cells):
        return cells
    return [" | ".join(cells)] if cells else []


def find_lead(tree, title: str | None = None, body_start=None) -> str | None:
    """The sapo: an element whose class or id names it so, else the printed meta description.
    With the title given, a sapo is printed after the headline: an element above it (the
    site's tagline in the banner, "site-description") is not the article's. With the body's
    first block given, it is printed before that block: a description printed below the
    body (a footer's "About us") is not the article's either."""
    order = {node: i for i, node in enumerate(tree.iter())}
    follows = _follows_headline(tree, title, order)
    end = order.get(body_start, len(order))

    def placed(node) -> bool:
        return (order.get(node, -1) <= end and follows(node) and not _out_of_the_page(node)
                and not _under_another_heading(node, title, order))
    return _hinted_lead(tree, placed) or _described_lead(tree, placed)


def _follows_headline(tree, title: str | None, order: dict):
    """node -> whether it comes after the first element printing the title (True for every
    node when no element prints it); `order`: the tree's document order."""
    key = text_key(title)
    if not key:
        return lambda node: True
    # A node whose raw text (C-fast) is far longer than the title holds more than the title
    # (the page's wrappers): skip it before the costly walk. The slack covers indentation
    # and a small script beside a headline.
    longest = 4 * len(title) + 100
    printing = (n for n in tree.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span",
                                     "td", "a", "strong", "b")
                if len(n.text_content()) <= longest and text_key(element_text(n)) == key)
    first = next(printing, None)
    if first is None:
        return lambda node: True
    return lambda node: order.get(node, -1) > order[first]


TEASER_REPEATS = 3    # a class printed this often is the teaser of list cards, not a sapo


def _hinted_lead(tree, follows=lambda node: True) -> str | None:
    """First element whose class or id names it a sapo and whose text is a plausible lead
    (an article has one sapo: a class repeated down the page marks the teasers of cards)."""
    seen: dict[str, int] = {}
    for node in tree.xpath("//*[@class]"):
        seen[node.get("class")] = seen.get(node.get("class"), 0) + 1
    for node in tree.xpath("//*[@class or @id]"):
        if node.tag in ("meta", "body", "html", "article", "main", "section"):
            continue
        if seen.get(node.get("class"), 0) >= TEASER_REPEATS:
            continue
        label = f"{node.get('class', '')} {node.get('id', '')}"
        if _LEAD_HINT.search(label) and not is_caption_like(node) and follows(node):
            text = element_text(_prose_part(node))
            if LEAD_MIN_CHARS <= len(text) <= LEAD_MAX_CHARS:
                return text
    return None


def _prose_part(node):
    """The part of a box named "summary" that holds its prose: such a box may hold the
    byline, an e-mail address, the time and a share bar above the sapo. Go down while one
    child block alone prints a paragraph of sentences, the box has no text of its own, and
    every other child that prints something is a block of furniture above it (a dateline,
    "(TTXVN)", highlights after it or an unpunctuated first line are the sapo's)."""
    while True:
        children = [c for c in node if isinstance(c.tag, str) and c.tag not in SKIP_TAGS]
        prose = [c for c in children if is_prose(element_text(c))]
        own_text = (node.text or "").strip() or any(
            (c.tail or "").strip() or c.get(LOOSE_TEXT) is not None for c in children)
        others = [c for c in children if element_text(c) and (not prose or c is not prose[0])]
        if len(prose) != 1 or own_text or prose[0].tag not in BLOCK_TAGS or not all(
                c.tag in BLOCK_TAGS and children.index(c) < children.index(prose[0])
                and _furniture_above_sapo(c) for c in others):
            return node
        node = prose[0]


_DATE_OR_TIME = re.compile(r"\d{1,2}[/:.-]\d{1,2}|@")
FURNITURE_LABEL_MAX_WORDS = 3      # "Chia sẻ", "Nghe bài viết"


def _furniture_above_sapo(node) -> bool:
    """A block above the sapo that is the byline, a time, an e-mail or a share bar: it holds
    a link, a date or time, an e-mail address, names only, or a label of a few words (an
    unpunctuated first line of the sapo is longer, and no name)."""
    text = element_text(node)
    return (node.find(".//a") is not None or bool(_DATE_OR_TIME.search(text))
            or looks_like_byline(text) or len(text.split()) <= FURNITURE_LABEL_MAX_WORDS)


_NOT_LEAD_PLACES = SKIP_TAGS | {"aside", "footer"}


def _out_of_the_page(node) -> bool:
    """In a form, a side box, the footer or the page's banner, or hidden: a newsletter
    box's or a sign-in dialog's "description" is no standfirst."""
    chain = (node, *node.iterancestors())
    return any(a.tag in _NOT_LEAD_PLACES or _hides(a) or _page_banner(a, chain) for a in chain)


def _page_banner(node, chain) -> bool:
    """A <header> outside any <article>/<main> that prints no <h1> is the site's banner
    (menus, sign-in dialogs); an article's <header> holds its headline and sapo."""
    return (node.tag == "header" and not any(a.tag in ("article", "main") for a in chain)
            and next(node.iter("h1"), None) is None)


_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")   # SUBHEADINGS: body subheadings only


def _under_another_heading(node, title: str | None, order: dict) -> bool:
    """The nearest heading before the candidate, in the smallest box around it that has
    one, names something else than the headline: the candidate describes that item (a
    video card's "description" under the clip's own title), not the article."""
    if not title:
        return False
    start, around = order.get(node, -1), set(node.iterancestors())
    for box in node.iterancestors():
        before = [h for h in box.iter(*_HEADING_TAGS) if order.get(h, -1) < start
                  and h not in around]
        if before:
            text = element_text(before[-1])
            return bool(text) and _shared_words(text, title) < NAMES_MOST \
                and _shared_words(title, text) < NAMES_MOST
        if box.tag in ("article", "main", "body"):
            return False
    return False


def is_caption_like(node) -> bool:
    """A caption is no sapo, nor is the box holding the lead photo and its caption: the
    element names a caption, sits in a <figure>, or holds a figure or a caption."""
    if any(a.tag in ("figure", "figcaption") for a in (node, *node.iterancestors())):
        return True
    return any(d.tag in ("figure", "figcaption") or names_caption(d) for d in node.iter())


def _described_lead(tree, follows=lambda node: True) -> str | None:
    """The element printing the meta description (which CMSs fill with the sapo, often cut
    short or with the paper's name appended): its text starts like the description."""
    description = meta(tree, "og:description", "description") or ""
    prefix = text_key(description)[:80]
    if len(prefix) < LEAD_MIN_CHARS:
        return None
    for node in tree.xpath("//body//*[starts-with(normalize-space(text()), $start)]",
                           start=description.strip()[:20]):
        text = _first_line_like(node, prefix)
        if (text_key(text).startswith(prefix) and len(text) <= 1.5 * len(description) + 40
                and follows(node)):
            return text
    return None


def _first_line_like(node, prefix: str) -> str:
    """The node's text, or its first line when <br> sets it apart and it starts like the
    description (a block printing the sapo and the story's paragraphs one per line)."""
    text = element_text(node)
    lines = element_lines(node) if node.find(".//br") is not None else []
    if len(lines) > 1 and text_key(lines[0]).startswith(prefix):
        return lines[0]
    return text


def headline(tree) -> str | None:
    """The headline as printed: the <h1> that og:title (or <title>) also names, since sites
    rewrite og:title for search and social; else og:title, else the first <h1>. An <h1>
    naming only a small part of the declared title (a blog's banner printing the site name)
    gives way to a heading that names most of it."""
    declared = meta(tree, "og:title") or _head_text(tree)
    printed = [text for text in (element_text(h) for h in tree.xpath("//h1")) if text]
    if not declared:
        return printed[0] if printed else None
    h1 = next((h for h in printed if _shared_words(h, declared) >= 0.6), None)
    covered = _shared_words(declared, h1) if h1 else 0.0
    if covered < NAMES_MOST:
        better = _heading_naming(tree, declared, covered)
        if better:
            return better
    return h1 or meta(tree, "og:title") or title_from_head(tree)


NAMES_MOST = 0.5     # share of the declared title's words an <h1> prints to be kept
NAMES_LEAST = 0.4    # ... and that another heading must print to replace it
WITHIN_TITLE = 0.75  # share of a heading's words the declared title holds


def _heading_naming(tree, declared: str, than: float) -> str | None:
    """The heading (<h1>-<h3>, or a bold run on pages older than heading tags) that names
    more of the declared title than `than` (and at least NAMES_LEAST of it) with nearly all
    of its own words in it: "Blog name: Headline", "Site - Headline - Section - Site"."""
    best, most = None, max(than, NAMES_LEAST - 1e-9)
    for node in tree.iter("h1", "h2", "h3", "b", "strong"):
        text = element_text(node)
        if not text or len(text.split()) > HEADING_MAX_WORDS:
            continue
        if _shared_words(text, declared) >= WITHIN_TITLE:
            share = _shared_words(declared, text)
            if share > most:
                best, most = text, share
    return best


def _shared_words(text: str, other: str) -> float:
    """Share of text's words that other also has."""
    words, others = text_key(text).split(), set(text_key(other).split())
    return sum(w in others for w in words) / len(words) if words else 0.0


HEADING_MAX_WORDS = 30


OPENING_LINES = 3


def heading_before(tree, lines: list[str]) -> str | None:
    """For a page declaring no title and printing no <h1>: one of the body's first lines
    when it is a heading (trafilatura often opens with the headline, after a "Back" link or
    a section name), else the heading closest above the body: where a headline sits. A heading is an <h2>-<h4>, or on pages older than
    heading tags, a short text set in bold (<b>, <strong>, <big>) or in an element whose class
    or id calls it a title, not a link, not a date."""
    blocks = leaf_blocks(tree)
    located = locate(lines[:OPENING_LINES], blocks)
    if not located:
        return None
    headings = [element_text(located[n]) if _looks_like_heading(located[n]) else lines[n]
                for n in sorted(located)
                if _looks_like_heading(located[n]) or _bold_line(located[n], lines[n])]
    if headings:
        return headings[-1]                 # the nearest the body (a banner may open)
    first, last = located[min(located)], None
    for node in tree.iter():
        if node is first:
            break
        if _looks_like_heading(node):
            last = node
    return element_text(last) if last is not None else None


_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d\d(?!\d)")
_NUMBER = re.compile(r"\d+")
DATE_MAX_WORDS = 6


def _is_a_date(text: str) -> bool:
    """A date line in Vietnamese, or in any language: a few words, a year and a day."""
    return is_date_line(text) or (len(text.split()) <= DATE_MAX_WORDS and bool(_YEAR.search(text))
                                  and len(_NUMBER.findall(text)) >= 2)


def _all_bold(node, text: str) -> bool:
    """The block prints nothing but one bold run (<p><strong>Headline</strong></p>)."""
    key = text_key(text)
    return any(text_key(element_text(b)) == key for b in node.iter(*_BOLD))


def _bold_line(node, line: str) -> bool:
    """One of the lines a block sets apart with <br> is a bold run alone, a heading's
    length, no date and no link ("date<br><b>Headline</b><br><br>story...")."""
    key = text_key(line)
    return (2 <= len(line.split()) <= HEADING_MAX_WORDS and not _is_a_date(line)
            and any(text_key(element_text(b)) == key and b.find(".//a") is None
                    for b in node.iter(*_BOLD)))


_TITLE_LABEL = re.compile(r"(^|[-_ ])(title|headline|heading|header)([-_ ]|$)", re.I)
_BOLD = ("b", "strong", "big")


def _looks_like_heading(node) -> bool:
    if node.tag in ("h2", "h3", "h4"):
        return 0 < len(element_text(node).split()) <= HEADING_MAX_WORDS
    labelled = _TITLE_LABEL.search(f"{node.get('class') or ''} {node.get('id') or ''}")
    if node.tag not in _BOLD and not labelled and next(node.iter(*_BOLD), None) is None:
        return False
    text = element_text(node)
    if not 2 <= len(text.split()) <= HEADING_MAX_WORDS or _is_a_date(text):
        return False
    if node.tag not in _BOLD and not labelled and not _all_bold(node, text):
        return False
    linked = next(node.iter("a"), None) is not None
    return not linked and not any(a.tag == "a" for a in node.iterancestors())


def _head_text(tree) -> str | None:
    """The whole <title> of the head. (element_text skips <title>, which is never body
    text, so its text is read directly.)"""
    nodes = tree.xpath("//head/title") or tree.xpath("//title")
    if not nodes:
        return None
    return " ".join(nodes[0].text_content().split()) or None


def title_from_head(tree) -> str | None:
    """The <title> of the head, without the site name."""
    text = _head_text(tree)
    if not text:
        return None
    # "Headline - Site name" / "Headline | Site": keep the headline part.
    return re.split(r"\s+[|–-]\s+", text)[0] or None
