"""The article body of a page its scripts render: the HTML as served holds an empty root
element and the story in a JSON state blob (Next.js `__NEXT_DATA__`, Nuxt, `window.__INITIAL_STATE__
= {...}`, any `<script type="application/json">`). A browser shows the story; trafilatura and
the page's own blocks give nothing.

The body is taken only from the JSON object that also holds the page's headline (a key whose
value is the title): the string in it that reads as the most words of prose, as HTML when it
is HTML. Other long strings of the state (another story's teaser, a comment) are not next to
this headline.
"""
from __future__ import annotations

import json
import re

from lxml import etree
from lxml import html as lxml_html

from crawler.pages.html_text import element_lines, text_key, word_count

BODY_MIN_WORDS = 80           # a string this long can be a body (the chain's own minimum)
STATE_MAX_CHARS = 5_000_000   # larger scripts are bundles, not state
STATE_TRIES = 20              # assignments tried per inline script (a bundle holds thousands)
# "x = {" or "x = [" opening a JSON value (a quoted key, an object or a string first): not
# "==", "=>", ">=", nor a JavaScript object literal with bare keys.
_ASSIGNED = re.compile(r"(?<![=!<>])=\s*(?=\{\s*\"|\[\s*[{\"])")
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def embedded_body(tree, titles: list[str]) -> list[str]:
    """Paragraphs of the story in the page's script state, next to one of `titles`
    (the page's declared or printed headline), or []."""
    keys = {text_key(t) for t in titles if t and text_key(t)}
    if not keys:
        return []
    best: list[str] = []
    for state in _states(tree):
        for holder in _objects(state):
            if any(isinstance(v, str) and text_key(v) in keys for v in holder.values()):
                lines = _best_prose(holder)
                if word_count(lines) > word_count(best):
                    best = lines
    return best if word_count(best) >= BODY_MIN_WORDS else []


def _states(tree):
    """JSON values the page's scripts hold: whole JSON scripts, and objects assigned in
    inline scripts."""
    for script in tree.iter("script"):
        text = script.text or ""
        if not text.strip() or len(text) > STATE_MAX_CHARS or script.get("src"):
            continue
        if "json" in (script.get("type") or "").lower():
            value = _parsed(text)
            if value is not None:
                yield value
        else:
            yield from _assigned(text)


def _parsed(text: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError):     # broken, or nested past Python's stack
        return None


def _assigned(code: str):
    """JSON values assigned in the code, each tried once, the scan going on after it."""
    decoder, at, tries = json.JSONDecoder(), 0, 0
    while tries < STATE_TRIES:
        match = _ASSIGNED.search(code, at)
        if match is None:
            return
        tries += 1
        try:
            value, at = decoder.raw_decode(code, match.end())
        except (ValueError, RecursionError):
            at = match.end()
            continue
        if isinstance(value, (dict, list)):
            yield value


def _objects(value):
    """Every JSON object inside value."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _best_prose(holder: dict) -> list[str]:
    """The paragraphs of the string among the object's values and its children's (a body
    may sit one level down: {"title": ..., "content": {"html": ...}}) that gives the most
    words of prose: not an image's data URL, not a JSON text (an SEO block)."""
    strings = [v for v in holder.values() if isinstance(v, str)]
    for child in holder.values():
        if isinstance(child, dict):
            strings += [v for v in child.values() if isinstance(v, str)]
    candidates = (_prose(s) for s in strings
                  if len(s.split()) >= BODY_MIN_WORDS and not s.lstrip().startswith(_NOT_PROSE))
    return max(candidates, key=word_count, default=[])


_NOT_PROSE = ("data:", "{", "[")


def _prose(text: str) -> list[str]:
    """The string's paragraphs: its blocks when it is HTML, else its lines."""
    if _TAG.search(text):
        try:
            fragment = lxml_html.fragment_fromstring(text, create_parent="div")
        except (ValueError, etree.ParserError):   # NUL bytes, an XML declaration, nothing
            return []
        return element_lines(fragment)
    return [line.strip() for line in text.splitlines() if line.strip()]
