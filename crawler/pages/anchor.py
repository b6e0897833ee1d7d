"""Anchor the generic extractor's paragraphs to the page they came from.

trafilatura finds the article well but works on text: on Vietnamese CMS pages it drops the
body's subheadings (<h2> between paragraphs, even with its fallback extractors) and keeps
link lists from beside the article ("TIN LIÊN QUAN", most-read boxes). Once each paragraph
is located in the DOM, the element holding most of the text is the article's container:
lines from outside it go, and headings inside it that trafilatura skipped come back.
"""
from __future__ import annotations

import itertools
from bisect import bisect_right
from dataclasses import dataclass, field
from os.path import commonprefix

from crawler.pages.bylines import looks_like_byline, names_a_list
from crawler.pages.html_text import (BLOCK_TAGS, LOOSE_TEXT, SKIP_TAGS, SUBHEADINGS,
                                     block_holders, element_lines, element_text, text_key)
from crawler.pages.link_lists import (card_lists, headline_keys, in_link_list,
                                      is_card_teaser, story_link_lines)

CONTAINER_SHARE = 0.8        # the container holds this share of the located text
PREFIX_CHARS = 15            # a line and a block sharing this many key chars are one...
HEADING_MAX_WORDS = 30
LINK_SHARE = 0.5             # a heading mostly made of a link is a related-news title
NOT_CONTENT = frozenset({"a", "figure", "figcaption", "table", "aside", "nav", "header",
                         "footer"} | SKIP_TAGS)


@dataclass
class Anchored:
    """The body lines, the article's container (None when the lines could not be located),
    and each line's place in the container's document order."""
    lines: list[str]
    container: object = None
    positions: list[float] = field(default_factory=list)
    order: dict = field(default_factory=dict)
    opening: list = field(default_factory=list)   # (block, line) of the first located lines
    nodes: list = field(default_factory=list)     # each line's element (None: not placed at one)

    def start(self, title: str | None = None):
        """The block printing the body's first line that is not the headline."""
        key = text_key(title)
        return next((b for b, line in self.opening if not key or text_key(line) != key), None)

    def with_blocks(self, blocks: list, texts: list[str]) -> list[str]:
        """The lines with these blocks of the container (captions of a photo story) put
        in at their places; lines equal to one of the texts are not repeated."""
        keys = {text_key(t) for t in texts}
        placed = [(p, line) for p, line in zip(self.positions, self.lines)
                  if text_key(line) not in keys]
        placed += [(self.order[b], t) for b, t in zip(blocks, texts) if b in self.order]
        return [line for _, line in sorted(placed, key=lambda pair: pair[0])]


def anchor_lines(lines: list[str], tree) -> list[str]:
    """Lines inside the article's container, with its missing headings put back."""
    return anchor(lines, tree).lines


def anchor(lines: list[str], tree, known: dict[int, object] | None = None,
           page_url: str | None = None) -> Anchored:
    """`known`: line index -> the element printing it, where the caller knows (table rows);
    `page_url`: the page's own address (a link to it is no link to another story)."""
    blocks = leaf_blocks(tree)
    located = {**(known or {}), **locate(lines, blocks)}
    container = find_container(located, lines)
    if container is None:
        return Anchored(lines)
    order = {node: i for i, node in enumerate(container.iter())}
    unlocated = len(located) < len(lines)
    navigation = navigation_keys(tree) if unlocated else set()
    headline_rows = headline_keys(tree, page_url, {}) if unlocated else set()
    cards = card_lists(container)
    located_blocks = set(located.values())   # a <br> block prints many lines: look once
    listed, before_lists = link_list_blocks(blocks, order, container, cards)
    skipped = listed | rating_blocks(located_blocks) | form_labels(located_blocks)
    inside = {n: b for n, b in located.items() if b in order}
    skipped |= outside_body(teaser_cards(inside, container, page_url), inside, lines, order)
    headlines = card_headlines(cards)
    skipped |= cards                      # a table row the caller located may be a card
    skipped_lines = link_lines(located, lines, page_url) | list_title_lines(
        located, lines, before_lists)
    lines_kept = [(n, line) for n, line in enumerate(lines) if located.get(n) not in skipped
                  and n not in skipped_lines
                  and (n in located or not (
                      _listed_elsewhere(text_key(line), navigation, headlines)
                      or run_of_headlines(line, headline_rows)))]
    located = {i: located[n] for i, (n, _) in enumerate(lines_kept) if n in located}
    kept = [line for _, line in lines_kept]
    placed = merge(kept, located, order, blocks, skipped)
    opening = sorted(((b, kept[i]) for i, b in located.items() if b in order),
                     key=lambda pair: order[pair[0]])[:OPENING_LINES]
    return Anchored([line for _, line, _ in placed], container, [p for p, _, _ in placed],
                    order, opening, [node for _, _, node in placed])


OPENING_LINES = 3


def leaf_blocks(tree) -> list:
    """Block elements holding no other block, in page order (where paragraphs live)."""
    body = tree.find("body")
    root = body if body is not None else tree
    inner = block_holders(root)
    return [n for n in root.iter(*BLOCK_TAGS) if n not in inner and not _skipped(n)]


def _skipped(node) -> bool:
    return any(a.tag in SKIP_TAGS for a in node.iterancestors())


def locate(lines: list[str], blocks: list) -> dict[int, object]:
    """line index -> the block printing it (same text, or same first words), page order
    preferred: the next unused match after the previous line's block. A block that sets
    its paragraphs apart with <br> (`text<br><br>text`, as older CMSs print a whole story
    in one element) prints each of them: every one is a place a line may match."""
    places = [(block, text_key(part)) for block in blocks for part in _printed_parts(block)]
    index: dict[str, list[int]] = {}
    for i, (_, key) in enumerate(places):
        index.setdefault(key[:PREFIX_CHARS], []).append(i)
    located, used, last = {}, set(), -1
    for n, line in enumerate(lines):
        key = text_key(line)
        i = _next_match(index.get(key[:PREFIX_CHARS], ()), last, used,
                        lambda c: same_start(key, places[c][1]))
        if i is None:
            continue
        located[n], last = places[i][0], i
        used.add(i)
    return located


def _printed_parts(block) -> list[str]:
    """The block's text, then, when <br> breaks it into lines, each line after the first
    (the first is where the whole text starts)."""
    text = element_text(block)
    if block.find(".//br") is None:
        return [text]
    return [text, *element_lines(block)[1:]]


def _next_match(candidates: list[int], last: int, used: set, matches) -> int | None:
    """The first unused matching candidate after `last`, else the first before it.
    Candidates are in page order; scanning from `last` finds the next paragraph at once
    where a page's paragraphs share their opening words (a list of "Bước 1: ..."), which
    trying every candidate for every line made quadratic."""
    start = bisect_right(candidates, last)
    for c in itertools.chain(candidates[start:], candidates[:start]):
        if c not in used and matches(c):
            return c
    return None


MATCH_CHARS = 40             # ... unless one goes on differently before this many


def same_start(line_key: str, block_key: str) -> bool:
    """The line and the block print the same text at first: one starts with the other, or
    they share MATCH_CHARS key characters. (A caption and the standfirst beside it may
    well open with the same three words.)"""
    shared = len(commonprefix([line_key, block_key]))
    return shared >= min(len(line_key), len(block_key), MATCH_CHARS)


NAVIGATION_TAGS = ("nav", "header", "footer", "aside", "form", "button", "select")
NAVIGATION_MAX_WORDS = 12


def navigation_keys(tree) -> set[str]:
    """Keys of the short texts printed inside navigation elements (menus, header, footer,
    side boxes, forms): a line trafilatura returns that is printed only there ("Trang chủ")
    is demonstrably not article text."""
    keys = set()
    for node in tree.iter(*NAVIGATION_TAGS):
        for part in node.iter():
            text = element_text(part) if isinstance(part.tag, str) else ""
            if text and len(text.split()) <= NAVIGATION_MAX_WORDS:
                keys.add(text_key(text))
    return keys


def find_container(located: dict[int, object], lines: list[str]):
    """The deepest element holding CONTAINER_SHARE of the located text, or, deeper, one
    holding PROSE_SHARE of its sentence lines and PROSE_HOLDER_SHARE of its text that is
    not link text. When trafilatura returns a whole layout page, the story is where the
    prose is: menus (links) weigh nothing there, and addresses or keyword lists beside the
    story stay out; a list of data items as long as the prose beside it stays in. A page
    whose prose is scarce (a video page, a profile) keeps the wider element."""
    weight, unlinked, prose_weight, link_shares = {}, {}, {}, {}
    prose_lines = {n for n in located if is_prose(lines[n])}
    for n, block in located.items():
        size = len(lines[n])
        if block not in link_shares:           # a <br> block prints many lines: read it once
            link_shares[block] = _link_share(block)
        own = size * (1.0 - link_shares[block])
        prose = size if n in prose_lines else 0
        for node in (block, *block.iterancestors()):
            weight[node] = weight.get(node, 0) + size
            unlinked[node] = unlinked.get(node, 0) + own
            prose_weight[node] = prose_weight.get(node, 0) + prose
    total = sum(len(lines[n]) for n in located)
    unlinked_total = sum(unlinked[b] for b in set(located.values()))
    prose_total = sum(len(lines[n]) for n in prose_lines)
    holders = [node for node, w in weight.items() if total and w >= CONTAINER_SHARE * total]
    if len(prose_lines) >= PROSE_MIN_LINES:
        holders += [node for node, w in prose_weight.items() if w >= PROSE_SHARE * prose_total
                    and unlinked[node] >= PROSE_HOLDER_SHARE * unlinked_total]
    found = max(holders, key=lambda node: sum(1 for _ in node.iterancestors()), default=None)
    if found is not None and found.get(LOOSE_TEXT) is not None:
        return found.getparent()       # the run of loose text stands for the block printing it
    return found


def _link_share(block) -> float:
    """Share of the block's text that is link text."""
    text = len(element_text(block))
    linked = sum(len(element_text(a)) for a in block.iter("a"))
    return min(linked / text, 1.0) if text else 0.0


PROSE_SHARE = 0.95
PROSE_HOLDER_SHARE = 0.5
PROSE_MIN_LINES = 3          # fewer sentences say nothing of where an article is


def is_prose(line: str) -> bool:
    """A paragraph of sentences: PROSE_MIN_WORDS words or more, ending like a sentence."""
    return len(line.split()) >= PROSE_MIN_WORDS and line.rstrip(_CLOSING_QUOTES).endswith(
        tuple(_SENTENCE_END))


LIST_TITLE_MAX_WORDS = 8


def _listed_elsewhere(key: str, navigation: set[str], headlines: tuple[str, ...]) -> bool:
    """An unlocated line printed only in navigation, or opening with a card's headline."""
    return key in navigation or key.startswith(headlines)


def run_of_headlines(line: str, headlines: set[str]) -> bool:
    """An unlocated line that runs several of the page's headline rows together, most of
    its text ("TIN MỚI Lừa đảo hàng chục tỉ đồng(19/12) Hai con cá lớn dạt vào
    bờ(19/12) ...": trafilatura's one line for a box of stories, which no block prints).
    A sentence must be nearly all headlines: the story may name other stories."""
    key = text_key(line)
    if len(key) < RUN_MIN_CHARS:
        return False
    spans = sorted((at, at + len(h)) for h in headlines if (at := key.find(h)) >= 0)
    if len(spans) < RUN_MIN_HEADLINES:
        return False
    covered, end = 0, 0
    for start, stop in spans:               # the union of the spans: keys may overlap
        covered += max(0, stop - max(start, end))
        end = max(end, stop)
    share = RUN_SENTENCE_SHARE if is_prose(line) else RUN_HEADLINE_SHARE
    return covered >= share * len(key)


RUN_MIN_CHARS = 60
RUN_MIN_HEADLINES = 2
RUN_HEADLINE_SHARE = 0.5
RUN_SENTENCE_SHARE = 0.8


def card_headlines(cards: set) -> tuple[str, ...]:
    """Keys of the headlines of card lists' cards. A headline printed beside block children
    (<td>headline link<p>teaser</p></td>) is in no leaf block, so its line (alone, or run
    into the teaser) is not located: it goes with its card by its link's text."""
    keys = {text_key(element_text(a)) for card in cards for a in card.iter("a")}
    return tuple(key for key in keys if len(key) >= HEADLINE_MIN_CHARS)


HEADLINE_MIN_CHARS = 12


def link_lines(located: dict[int, object], lines: list[str], page_url: str | None) -> set:
    """Lines a <br> block prints that are each one link to another story of the site (see
    link_lists.story_link_lines): the related stories an older CMS sets under the story in
    its paragraph (">> Headline<br>"), as a list of links is in a newer one."""
    links, sizes, found = {}, {}, set()
    for n, block in located.items():
        if block not in links:            # (a <br> block prints many lines: read it once)
            links[block] = (story_link_lines(block, page_url, sizes), text_key(
                element_text(block))) if block.find(".//br") is not None else None
        if links[block] is None:
            continue
        keys, whole = links[block]
        key = text_key(lines[n])
        if key and key in keys and key != whole:
            found.add(n)
    return found


def teaser_cards(located: dict[int, object], container, page_url: str | None) -> set:
    """Located blocks that are the teaser of a lone card (link_lists.is_card_teaser)."""
    sizes: dict = {}
    return {b for b in set(located.values()) if is_card_teaser(b, container, sizes, page_url)}


def outside_body(blocks: set, located: dict[int, object], lines: list[str], order: dict) -> set:
    """The blocks printed before the first sentence line of the body that is none of them,
    or after its last: a box of stories above or below the body. Between those lines they
    are the page's own text (a listing's cards, the stories of a live page). `located`: the
    lines located inside the container."""
    prose = [order[b] for n, b in located.items() if b not in blocks and is_prose(lines[n])]
    if not prose:
        return set()
    first, last = min(prose), max(prose)
    return {b for b in blocks if not first < order[b] < last}


def link_list_blocks(blocks: list, order: dict, container, cards: set) -> tuple[set, set]:
    """The container's blocks that list links to other articles (crawler.pages.link_lists;
    `cards`: its card lists' cards), with the short block just before each list (its title:
    "Các tin khác"); and the blocks just before a list (whose last line may title it)."""
    inside = [b for b in blocks if b in order]
    listed = {b for b in inside if in_link_list(b, cards)}
    before = {b for b, after in zip(inside, inside[1:]) if after in listed and b not in listed}
    titles = {b for b in before if _list_title(element_text(b))}
    return listed | titles, before - titles


def _list_title(text: str) -> bool:
    """A few words, not the story's byline above the list."""
    return 0 < len(text.split()) <= LIST_TITLE_MAX_WORDS and not looks_like_byline(text)


def list_title_lines(located: dict[int, object], lines: list[str], before_lists: set) -> set:
    """Lines that are the last <br> line of a block just before a list and name a list:
    the list's title printed in the story's block ("...last sentence.<br><br>TIN KHÁC"; a
    source credit or a short last sentence there is the story's)."""
    last_keys = {}
    for block in before_lists:
        if block.find(".//br") is not None:
            last = element_lines(block)[-1:]
            last_keys[block] = text_key(last[0]) if last and _list_title(last[0]) \
                and names_a_list(last[0]) else None
    return {n for n, block in located.items()
            if last_keys.get(block) and text_key(lines[n]) == last_keys[block]}


# schema.org microdata of a reader poll or counter ("(6816 bình chọn, 9/10 điểm)", "1.2k
# lượt xem"): the standard vocabulary marks them, whatever the CMS.
_COUNTER_PROPS = frozenset({"aggregaterating", "ratingvalue", "ratingcount", "reviewcount",
                            "bestrating", "interactionstatistic", "interactioncount"})


def rating_blocks(located) -> set:
    """Located blocks printed inside a rating or counter widget."""
    return {b for b in located
            if any((n.get("itemprop") or "").lower() in _COUNTER_PROPS
                   for n in (b, *b.iterdescendants(), *b.iterancestors()))}


FORM_LABEL_MAX_WORDS = 8
_CONTROLS = ("input", "textarea", "select")


def form_labels(located) -> set:
    """Located blocks that label a form's fields (a comment box's "Tên của bạn (*)",
    "Mã xác nhận", a row of radio buttons "Off Telex VNI VIQR"): a short line that is no
    sentence, no subheading and no byline, and holds a field or opens a row whose next
    block is a field's own small box. Whatever the CMS calls the form, a field's label is
    no article text."""
    return {b for b in located if b.tag not in SUBHEADINGS and _short_label(b) and (
        _has_field(b) or (_field_box(_next_element(b)) and _opens_its_parent(b)
                          and not looks_like_byline(element_text(b))))}


def _opens_its_parent(block) -> bool:
    """Nothing printed before the block in its parent: a field's row opens with its label,
    while an article's last line before a comment box follows the article's paragraphs."""
    return not any(element_text(s) for s in block.itersiblings(preceding=True)
                   if isinstance(s.tag, str))


def _field_box(node) -> bool:
    """The node is a field's own box: it holds a field and prints a label's words at most."""
    return node is not None and len(element_text(node).split()) <= FORM_LABEL_MAX_WORDS \
        and _has_field(node)


def _short_label(block) -> bool:
    text = element_text(block)
    return (0 < len(text.split()) <= FORM_LABEL_MAX_WORDS and not is_prose(text)
            and not text.rstrip(_CLOSING_QUOTES).endswith((".", "!", "?", "…")))


def _has_field(node) -> bool:
    """The node is or holds a form field a reader fills in (not a hidden one)."""
    if node is None:
        return False
    fields = [node] if node.tag in _CONTROLS else node.iter(*_CONTROLS)
    return any((f.get("type") or "").lower() not in _NOT_FILLED for f in fields)


_NOT_FILLED = {"hidden", "submit", "button", "image", "reset"}


def _next_element(node):
    return next((s for s in node.itersiblings() if isinstance(s.tag, str)), None)


def merge(lines: list[str], located: dict[int, object], order: dict, blocks: list,
          link_lists: set = frozenset()) -> list[tuple]:
    """(position, line, element) in page order: located lines inside the container
    (`order`: its elements' document order), unlocated ones where they stood (element
    None), and the container's headings between the first and the last located line (none
    of `link_lists`)."""
    placed, position = [], -1.0
    first_inside = min((n for n, b in located.items() if b in order), default=len(lines))
    last_inside = max((n for n, b in located.items() if b in order), default=-1)
    left = False                           # a line printed outside came after the article
    texts, places = {}, {}                 # per block: a <br> block prints many lines
    previous = None                        # the block of the last line placed at a block
    for n, line in enumerate(lines):
        block = located.get(n)
        if block is None and left:
            continue                       # unlocated, after a line printed outside that
                                           # came after the article's last line
        if block is not None and block not in order:
            left = 0 <= last_inside < n
            if block not in places:
                places[block] = _prose_place(block)
            if not (n < first_inside and places[block] and _prose_line(block, line)):
                continue                   # printed outside the article
            line, block = printed(block, line, texts), None   # the opening: kept where it stood
        if block is None or block is previous:
            position += STEP               # where it stood: after the line before it
        else:
            position = order[block]
        if block is not None:
            previous = block
        placed.append((position, printed(block, line, texts), block))
    inside = [order[b] for b in located.values() if b in order]
    if inside:
        first, last = min(inside), max(inside)
        taken = set(located.values())
        opening = opening_heading(blocks, order, first)
        inside_blocks = [b for b in blocks if b in order]
        container = next(iter(order))           # order: the container's elements, from it
        placed += [(order[h], element_text(h), h) for i, h in enumerate(inside_blocks)
                   if h not in taken and (first < order[h] < last or h is opening)
                   and h not in link_lists and is_heading(h, container)
                   and heads_text(inside_blocks, i, taken, container)]
        placed += closing_byline([b for b in blocks if b not in link_lists], order, last)
    return sorted(placed, key=lambda pair: pair[0])


# Lines between two elements' places: a <br> block's lines, and the pieces trafilatura
# breaks a paragraph into at its links, keep their order (far below one element's step).
STEP = 1e-6
PROSE_MIN_WORDS = 10
_SENTENCE_END = ".!?…:;"
_CLOSING_QUOTES = "\"'”’»)]"


def opening_prose(block, line: str) -> bool:
    """A line trafilatura gives before any line of the container that reads as a paragraph
    of prose (sentences, few links, not in navigation or a figure): the standfirst or the
    opening paragraphs, printed outside the element holding most of the text (which may
    even be a comment thread), or a point of the story's highlights (an unlinked list item
    of a sentence's length). Not demonstrably boilerplate, so it stays."""
    return _prose_line(block, line) and _prose_place(block)


def _prose_line(block, line: str) -> bool:
    return is_prose(line) or _highlight(block, line)


def _prose_place(block) -> bool:
    """The block is where a story's prose may stand: few links, not in navigation or a
    figure."""
    return not any(a.tag in OUTSIDE_PROSE for a in block.iterancestors()) \
        and _link_share(block) <= PROSE_LINK_SHARE


def _highlight(block, line: str) -> bool:
    return (block.tag == "li" and len(line.split()) >= PROSE_MIN_WORDS
            and block.find(".//a") is None)


PROSE_LINK_SHARE = 0.3
# Where prose is not the article's (a <header> may hold the standfirst, so it is not here).
OUTSIDE_PROSE = frozenset({"nav", "aside", "footer", "form", "figure", "figcaption"})


def printed(block, line: str, texts: dict | None = None) -> str:
    """The block's own text for a line that is all of it (trafilatura writes list items
    as "- item"), so both extractors give the same lines. `texts`: block -> its text and
    key, read once per block."""
    if block is None or block.tag == "tr":
        return line
    texts = {} if texts is None else texts
    if block not in texts:
        text = element_text(block)
        texts[block] = text, text_key(text)
    text, key = texts[block]
    return text if text and key == text_key(line) else line


def closing_byline(blocks: list, order: dict, last: int) -> list[tuple]:
    """The container's first text after the last located line when it is a byline (which
    trafilatura often drops): the page builder takes it as the author."""
    after = (b for b in blocks if order.get(b, -1) > last and element_text(b))
    block = next(after, None)
    text = element_text(block) if block is not None else ""
    return [(order[block], text, block)] if text and looks_like_byline(text) else []


def heads_text(blocks: list, i: int, taken: set, container=None) -> bool:
    """Whether the heading blocks[i] opens text the article keeps: the next block printing
    anything (a figure or one more heading skipped) is one of the located lines. A run of
    headings over text trafilatura left out ("Topics:", "Bookmark:", "About this blog" in
    the boxes below a post) heads nothing of the article."""
    for block in blocks[i + 1:]:
        if block in taken:
            return True
        if not element_text(block) or is_heading(block, container) or _in_figure(block):
            continue
        return False
    return False


def _in_figure(block) -> bool:
    return any(a.tag in ("figure", "figcaption") for a in (block, *block.iterancestors()))


def opening_heading(blocks: list, order: dict, first: int):
    """The container's block just before the first located one (empty blocks skipped): a
    heading there opens the body (trafilatura drops it too)."""
    before = [b for b in blocks if order.get(b, first) < first and element_text(b)]
    return before[-1] if before else None


def is_heading(node, container=None) -> bool:
    """A subheading of the article: <h2>-<h6>, short, not a link, not in a figure or box
    inside the container (the tables an old page lays itself out with, around the
    container, do not count)."""
    text = element_text(node)
    if node.tag not in SUBHEADINGS or not text or len(text.split()) > HEADING_MAX_WORDS:
        return False
    for ancestor in node.iterancestors():
        if ancestor is container:
            break
        if ancestor.tag in NOT_CONTENT:
            return False
    return _link_share(node) <= LINK_SHARE
