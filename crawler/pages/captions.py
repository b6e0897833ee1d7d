"""Image captions found by structure, not by one CMS's class names.

A caption is short, holds at most one paragraph, and sits beside an image: in a <figure>,
in the element holding the image, or right after it. Candidates come from <figcaption>,
elements whose class or id carries the word "caption" (or Vietnamese "chú thích"),
italic-only lines under a photo, a short line set under a photo in its paragraph after a
line break, and the text cells of small image tables; every candidate
must pass those three tests, so a CMS box that wraps a photo *and* the paragraphs after it
is never taken for a caption (its text would leave the body).

When captions carry most of the page's prose the page is a photo story: its captions are its
body (`layout = "photo_story"`).
"""
from __future__ import annotations

import re

from crawler.pages.html_text import (BLOCK_TAGS, LOOSE_TEXT, element_lines, element_text,
                                     text_key)

CAPTION_MAX_WORDS = 80          # longer "captions" are paragraphs or boxes
PARAGRAPH_MIN_WORDS = 8         # a block with this many words is a paragraph of its own
TABLE_CAPTION_MAX_WORDS = 80    # an image table with more text is a layout table
ITALIC_MAX_CHARS = 400          # longer italic text next to a photo is a quote
IMAGE_TAGS = ("img", "picture", "video", "iframe")
_CAPTION_LABEL = re.compile(r"(^|[\s_-])(caption|captions|figcaption|chu-?thich|"
                            r"img-?desc|image-?desc|photo-?desc)(?=[\s_-]|$)", re.I)


def caption_nodes(root, extra: list | tuple = ()) -> list:
    """Caption elements under root (outermost only, page order). `extra`: elements a site's
    own rules name, taken as they are."""
    found = {n for n in _candidates(root) if is_caption(n)} | set(extra)
    nodes = [n for n in root.iter() if n in found]
    return [n for n in nodes if not any(a in found for a in n.iterancestors())]


def _candidates(root):
    yield from root.iter("figcaption")
    for node in root.xpath(".//*[@class or @id]"):
        label = _label(node)
        if node.tag not in ("body", "html", "figure", "img") and _CAPTION_LABEL.search(label):
            yield node
    yield from italic_image_captions(root)
    yield from image_line_captions(root)
    yield from image_table_captions(root)


def names_caption(node) -> bool:
    """The element's class or id calls it a caption."""
    return bool(_CAPTION_LABEL.search(_label(node)))


def _label(node) -> str:
    """Class and id, camelCase split ("PhotoCaption" -> "photo-caption")."""
    raw = f"{node.get('class') or ''} {node.get('id') or ''}"
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", raw)


def is_caption(node) -> bool:
    """Short, one paragraph at most, beside an image."""
    words = len(element_text(node).split())
    return 0 < words <= CAPTION_MAX_WORDS and _paragraphs(node) <= 1 and beside_image(node)


def _paragraphs(node) -> int:
    """Blocks inside node that print a paragraph of their own."""
    inner = (b for b in node.iterdescendants(*BLOCK_TAGS) if b.find(".//p") is None)
    return sum(1 for b in inner if len(element_text(b).split()) >= PARAGRAPH_MIN_WORDS)


def beside_image(node) -> bool:
    """The node, its figure, or the element holding it and little else has an image, or the
    element right before it is an image."""
    if node.tag == "figcaption" or _has_image(node):
        return True
    for holder in list(node.iterancestors())[:2]:
        if holder.tag == "figure" or (_has_image(holder) and _text_words(holder) <= 2 * _text_words(node) + 5):
            return True
    previous = _element_before(node)
    if previous is not None and _has_image(previous) and not element_text(previous):
        return True
    return _row_under_a_photo(node)


def _element_before(node):
    """The element right before the node; for the first of a run of loose text made a
    paragraph (html_text.paragraphs_of_loose_text), the element before that paragraph."""
    previous = node.getprevious()
    parent = node.getparent()
    if previous is None and parent is not None and parent.get(LOOSE_TEXT) is not None \
            and not (parent.text or "").strip():
        return parent.getprevious()
    return previous


def _row_under_a_photo(node) -> bool:
    """The node is the text cell of a table row that follows a row holding only a photo
    (a photo table of several photos, each with its caption row below)."""
    row = next((a for a in (node, *list(node.iterancestors())[:2]) if a.tag == "tr"), None)
    above = row.getprevious() if row is not None else None
    return above is not None and above.tag == "tr" and _has_image(above) and not element_text(above)


def _has_image(node) -> bool:
    return node.tag in IMAGE_TAGS or any(True for _ in node.iterdescendants(*IMAGE_TAGS))


def _text_words(node) -> int:
    return len(element_text(node).split())


def image_table_captions(root) -> list:
    """Text cells of image tables (CMSs lay a photo and its caption out as a 2-row table).
    A cell in the photo's own row is text set beside the photo (a step of a recipe, a
    paragraph; sometimes a caption, but not demonstrably one): it stays in the body, as
    trafilatura keeps it."""
    cells = []
    for table in root.iter("table"):
        if table.find(".//img") is None or _text_words(table) > TABLE_CAPTION_MAX_WORDS:
            continue
        cells += [c for c in table.iter("td", "th")
                  if c.find(".//img") is None and element_text(c)
                  and c.getparent().find(".//img") is None]
    return cells


def italic_image_captions(root) -> list:
    """Italic-only short paragraphs holding or following an image: "<p><img><br><em>
    caption</em></p>", "<p><img></p><p><em>caption</em></p>"."""
    found = []
    for block in root.iter("p", "div"):
        if not _image_before(block) or len(block.text_content()) > ITALIC_MAX_CHARS:
            continue
        italic = " ".join(element_text(i) for i in block.iter("em", "i"))
        if italic and text_key(italic) == text_key(element_text(block)):
            found.append(block)
    return found


def image_line_captions(root) -> list:
    """Paragraphs that open with a photo and print one short line of one sentence under it
    after a line break, nothing else: "<p><img><br>caption</p>" (an editor's photo and
    caption set in one paragraph, no figure markup). A paragraph with text before its
    photo, a second photo, a block of its own, more lines or sentences, or an embedded
    video before its text is no such pair."""
    found = []
    for block in root.iter("p", "div", "td", "center"):
        if (block.text or "").strip():
            continue
        children = [c for c in block if isinstance(c.tag, str)]
        # the cheap structural tests first: text_content of a page's wrappers is long
        if (len(children) < 2 or children[1].tag != "br" or (children[0].tail or "").strip()
                or not _has_image(children[0]) or element_text(children[0])
                or len(block.text_content()) > ITALIC_MAX_CHARS):
            continue
        nodes = list(block)
        before = nodes[:nodes.index(children[1])]     # comments' tails too
        if (any((n.tail or "").strip() for n in before) or children[0].tag in _EMBEDS
                or any(True for _ in children[0].iter(*_EMBEDS))):
            continue                # text before the photo; a video's or post's embed
        rest = children[2:]
        text = element_text(block)
        if (text and len(element_lines(block)) == 1 and _sentences(text) <= 1
                and not any(c.tag in BLOCK_TAGS or _has_image(c) for c in rest)):
            found.append(block)
    return found


_EMBEDS = ("iframe", "video")
_CREDIT = re.compile(r"[(\[]?\s*(ảnh|nguồn|photo|video|đồ họa)\b[^()]*[)\]]?\s*$", re.I)
_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"”’)]?\s+(?=[\"“(]?[A-ZÀ-ỸĐ])")


def _sentences(text: str) -> int:
    """Sentences of a caption, its photo credit ("(Ảnh: TTXVN)", "Ảnh: Đức Anh") aside: a
    line under a photo that goes on for sentences is the editor's next paragraph."""
    text = _CREDIT.sub("", text).strip()
    return len(_SENTENCE_BREAK.split(text)) if text else 0


def _image_before(block) -> bool:
    previous = block.getprevious()
    return block.find(".//img") is not None or (
        previous is not None and previous.find(".//img") is not None
        and not previous.text_content().strip())


def is_photo_story(body_lines: list[str], captions: list[str]) -> bool:
    """Captions carry most of the prose: more caption words than body words that are not
    caption copies."""
    keys = {text_key(c) for c in captions}
    caption_words = sum(len(c.split()) for c in captions)
    body_words = sum(len(line.split()) for line in body_lines if text_key(line) not in keys)
    return caption_words > body_words
