"""Turn an lxml element into paragraphs: one line per block, inline markup flattened."""
from __future__ import annotations

import functools
import re

from lxml import html as lxml_html
from lxml.etree import Comment, ProcessingInstruction

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote figure figcaption table tr td th "
    "section article header footer pre address hr tbody thead caption center main".split())
# Never article text, wherever they sit: scripts, widgets, forms (comment boxes), navigation.
SKIP_TAGS = frozenset(
    "script style noscript iframe form button input select textarea nav svg template "
    "object embed video audio canvas map head title".split())
_SPACE = re.compile(r"\s+")
SUBHEADINGS = frozenset("h2 h3 h4 h5 h6".split())   # <h1> is the page's own headline
_NON_WORD = re.compile(r"[\W_]+")


# libxml2 stops at 256 nested elements and silently drops everything deeper: a page of
# 10,000 nested <div>s loses its innermost paragraphs. Such pages are flattened to this depth.
MAX_NESTING = 200
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_TEXT_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li blockquote pre figcaption td th".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def parse_html(text: str) -> lxml_html.HtmlElement:
    return parse_page(text)[0]


def parse_page(text: str) -> tuple[lxml_html.HtmlElement, str]:
    """(tree, the HTML the tree was parsed from): flattened when it nests too deep for
    libxml2, which callers handing the HTML to another parser (trafilatura) must use."""
    # lxml refuses str input carrying an XML encoding declaration: strip it.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text) or "<html></html>"
    parser = lxml_html.HTMLParser()
    tree = lxml_html.document_fromstring(text, parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        text = flatten_nesting(text)
        tree = lxml_html.document_fromstring(text)
    unwrap_page_forms(tree)
    return tree, text


PAGE_FORM_SHARE = 0.5    # a <form> holding this share of the page's text wraps the page


def unwrap_page_forms(tree) -> None:
    """A <form> that holds most of the page (ASP.NET WebForms wrap the whole body in one,
    as many Vietnamese CMSs do) is the page's wrapper, not a form widget whose text is
    never article text: it becomes a <div> (marked data-vnnews-form) so that the rest of
    the page reading sees its content."""
    forms = [f for f in tree.iter("form")]
    if not forms:
        return
    body = tree.find("body")
    total = _visible_chars(body if body is not None else tree)
    for form in forms:
        if total and _visible_chars(form) >= PAGE_FORM_SHARE * total:
            form.tag = "div"
            form.set("data-vnnews-form", "page")


def paragraphs_of_loose_text(tree) -> None:
    """Text a block prints beside its child blocks, not in one (`<div>text<br><br><table>
    photo</table><span>text</span><br><br>...</div>`, as older CMSs lay out a whole story
    in one element), becomes paragraphs: each run of it between two child blocks is
    wrapped in a <p>. The page prints the same lines (the child blocks broke them there
    already); most lines now sit in a block holding no other, where anchoring looks for
    paragraphs."""
    body = tree.find("body")
    root = body if body is not None else tree
    holders = block_holders(root)
    # Every element holding a block, inline ones too: a <font> or <span> around a story's
    # paragraphs and tables (as old editors wrote) holds its loose text as a <div> would.
    # Only block children break a run: an inline one's text runs on from its parent's, so
    # an inline holder's first and last runs are not its own to wrap.
    for holder in [node for node in root.iter() if node in holders]:
        children = list(holder)                # a list: wrapping moves the inline ones
        breaks = [isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in children]
        _wrap_runs(holder, children, breaks,
                   edges=holder is root or holder.tag in BLOCK_TAGS)


LOOSE_TEXT = "data-vnnews-loose"     # marks the paragraphs made of a block's loose text


def block_holders(root) -> set:
    """Every element under `root` holding a block element, and `root`'s ancestors (one walk
    up from each block, stopping where an earlier walk passed)."""
    holders: set = set()
    for node in root.iter(*BLOCK_TAGS):
        for ancestor in node.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return holders


def _wrap_runs(block, children: list, breaks: list[bool], edges: bool) -> None:
    """Wrap each run of the block's text and inline children between two of its block
    children (`breaks`), and, with `edges`, the runs before the first and after the last."""
    runs, before, inline = [], None, []        # (the child block before, inline children)
    for child, is_block in zip(children, breaks):
        if is_block:
            runs.append((before, inline))
            before, inline = child, []
        else:
            inline.append(child)
    runs.append((before, inline))
    if not edges:
        runs = [(b, i) for b, i in runs[:-1] if b is not None]
    for before, inline in runs:
        text = (block.text if before is None else before.tail) or ""
        if not text.strip() and not any(_prints_text(node) for node in inline):
            continue
        paragraph = block.makeelement("p", {LOOSE_TEXT: ""})
        paragraph.text = text
        if before is None:
            block.text = None
            block.insert(0, paragraph)
        else:
            before.tail = None
            before.addnext(paragraph)
        for node in inline:
            paragraph.append(node)             # its tail moves with it: the run's text


def _prints_text(node) -> bool:
    """The node, or its tail, prints text that is no link's (a lone link beside a block,
    "Share" above a menu of sharing sites, stays as it was)."""
    return bool((node.tail or "").strip()) or (
        isinstance(node.tag, str) and node.tag not in SKIP_TAGS and node.tag != "a"
        and any(text.strip() for text in node.xpath(_UNLINKED_TEXT)))


_UNLINKED_TEXT = ".//text()[not(ancestor::a)]"


def _visible_chars(node) -> int:
    """Characters of text, without scripts and styles (a page's inline JSON may outweigh
    its prose)."""
    hidden = sum(len(s.text_content()) for s in node.iter("script", "style"))
    return len(node.text_content()) - hidden


def flatten_nesting(text: str, most: int = MAX_NESTING) -> str:
    """The HTML without the tags of wrappers nested deeper than `most` (their text kept);
    paragraphs and headings there keep their tags, so extractors still see them as text."""
    parts, kept, depth, last = [], [], 0, 0   # kept: per open element, was its tag kept?
    for tag in _TAG.finditer(text):
        closing, name, self_closing = tag.groups()
        name = name.lower()
        if self_closing or name in _VOID:
            continue
        if closing:
            keep = kept.pop() if kept else True
            depth -= keep and depth > 0
        else:
            keep = depth < most or (name in _TEXT_BLOCKS and depth < most + 40)
            kept.append(keep)
            depth += keep
        if not keep:
            parts.append(text[last:tag.start()])
            last = tag.end()
    parts.append(text[last:])
    return "".join(parts)


def element_lines(element) -> list[str]:
    """Paragraph lines of an element, in reading order, whitespace collapsed."""
    lines: list[str] = []
    current: list[str] = []

    def flush():
        line = _SPACE.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(node, root=False):
        tag = node.tag if isinstance(node.tag, str) else None
        if node.tag in (Comment, ProcessingInstruction) or tag in SKIP_TAGS:
            current.append(node.tail or "")
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        current.append(node.text or "")
        for child in node:
            walk(child)
        if block:
            flush()
        if not root:    # the element's own tail is outside it
            current.append(node.tail or "")

    walk(element, root=True)
    flush()
    return lines


def element_text(element) -> str:
    """An element's text on one line (titles, bylines, captions)."""
    return " ".join(element_lines(element)).strip()


def remove_element(element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def word_count(lines: list[str]) -> int:
    return sum(len(line.split()) for line in lines)


def text_key(text: str | None) -> str:
    """Comparison key: case, punctuation and spacing do not matter."""
    if text and len(text) <= CACHED_KEY_CHARS:
        return _cached_key(text)
    return _NON_WORD.sub(" ", text or "").strip().casefold()


# One page keys the same lines in several places (anchoring, captions, repeats) and a site's
# pages share their template's lines; the Unicode regex costs ~0.04 µs per character. Lines
# only (a whole article is keyed once), so the cache stays a few MB.
CACHED_KEY_CHARS = 1000


@functools.lru_cache(maxsize=16384)
def _cached_key(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip().casefold()
