"""Rule induction: a site's TOML from a few saved article pages (`sites add`).

The generic extractor reads each page (title, lead, body paragraphs, captions, date, byline);
induction finds the elements holding what it read and names them with CSS selectors that
pick the same elements on every page. Inside the body container, blocks holding no article
text (related links, share bars, ads, bylines) become `drop` selectors, and lines printed
identically on every page (the pages differ in their articles, not in their template)
become `[text] boilerplate` phrases. The result is printed for review: `sites check` shows
what the rules extract from a page and flags empty or suspicious fields.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from crawler.items import Article
from crawler.pages import extract_article
from crawler.pages.dates import clean_printed, parse_any, parse_printed
from crawler.pages.html_text import BLOCK_TAGS, element_text, parse_html, text_key
from crawler.pages.metadata import meta
from crawler.sites.registry import Site, parse_site

BODY_COVER = 0.9          # the body container holds this share of the body's text
DROP_COVER = 0.95         # drop selectors stop once they cover this share of the junk
MAX_KEY_CHARS = 3000      # longer elements are containers, never one paragraph
_CSS_NAME = re.compile(r"^[A-Za-z_][\w-]*$")
_VOLATILE = re.compile(r"\d{3,}|^(active|show|hide|hidden|clearfix|clear|fl|fr|left|right|"
                       r"lazy|loaded|selected|current|first|last|even|odd)$")
_SEMANTIC = re.compile(r"title|headline|sapo|lead|summary|desc|content|body|detail|article|"
                       r"post|entry|news|caption|author|date|time|publish|breadcrumb|cate",
                       re.I)
_ATTRS = ("itemprop", "data-role", "data-field", "property", "type")
# Blocks Vietnamese CMSs put inside article bodies, by class words: offered as drop rules
# even when the sample pages lack them, if they hold no article text there.
DEFAULT_DROP = ("[class*=related]", "[class*=lien-quan]", "[class*=lienquan]",
                "[class*=share]", "[class*=social]", "[class*=comment]", "[class*=advert]",
                "[class*=banner]")
_SKIP_TAGS = {"script", "style", "noscript", "head", "title", "meta", "link", "html", "body"}
_CAPTION_TAGS = {"figure", "figcaption", "img", "picture"}


@dataclass
class Sample:
    """One saved article page: its pristine tree and the generic extractor's reading."""
    name: str
    url: str
    html: str
    tree: object
    article: Article
    index: dict | None = None        # text key -> elements (see holding)
    template: set = field(default_factory=set)   # text keys other samples print too

    @property
    def body_lines(self) -> list[str]:
        """The generic reading's body, without the lines the site's template prints."""
        lines = self.article.text.splitlines()
        lines = lines[1:] if self.article.lead and lines else lines
        return [line for line in lines if text_key(line) not in self.template]


@dataclass
class Induced:
    data: dict                                   # the TOML tables
    notes: list[str] = field(default_factory=list)


def read_sample(html: str, url: str, name: str = "") -> Sample:
    """Raises NoArticle when the generic extractor finds no article on the page."""
    return Sample(name or url, url, html, parse_html(html), extract_article(html, url, None))


def mark_template(samples: list[Sample]) -> None:
    """A line two articles both print ("Các tin khác", a related headline) is the
    template's: it is no evidence of where the article text sits."""
    seen: dict[str, int] = {}
    for sample in samples:
        for key in {text_key(line) for line in sample.article.text.splitlines()}:
            seen[key] = seen.get(key, 0) + 1
    shared = {key for key, n in seen.items() if n > 1}
    for sample in samples:
        sample.template = shared


# -- selectors ----------------------------------------------------------------------------
def simple_selectors(node) -> list[str]:
    """CSS selectors naming one element by its own tag, attributes, classes or id."""
    tag = node.tag
    out = [f"{tag}[{attr}={node.get(attr)}]" for attr in _ATTRS
           if _CSS_NAME.match(node.get(attr) or "")]
    classes = [c for c in (node.get("class") or "").split()
               if _CSS_NAME.match(c) and not _VOLATILE.search(c)]
    out += [f"{tag}.{c}" for c in classes]
    if len(classes) > 1:
        out.append(tag + "".join(f".{c}" for c in classes))
    node_id = node.get("id") or ""
    if _CSS_NAME.match(node_id) and not _VOLATILE.search(node_id):
        out.append(f"{tag}#{node_id}")
    return out + [tag]


def _rank(selector: str):
    """Elements named by class, id or attribute before bare tags (qualified or not), words
    CMSs use for article parts first, then the shortest."""
    last = selector.rsplit(" ", 1)[-1]
    bare = re.fullmatch(r"[a-z0-9]+", last) is not None
    named = re.sub(r"^[a-z0-9]+", "", last)          # "article.d-flex": the tag says nothing
    return bare, not _SEMANTIC.search(named), selector.count(" "), len(selector)


def _common(per_sample: list[list[str]]) -> list[str]:
    if not per_sample:
        return []
    shared = set(per_sample[0]).intersection(*map(set, per_sample[1:]))
    return sorted(shared, key=_rank)


def _context(node, depth: int = 4) -> list[str]:
    """Named selectors of the element's nearest ancestors (to qualify a bare tag)."""
    out = []
    for ancestor in list(node.iterancestors())[:depth]:
        if ancestor.tag not in ("html", "body"):
            out += [s for s in simple_selectors(ancestor) if s != ancestor.tag]
    return out


def candidates(targets: list) -> list[str]:
    """Selectors worth trying for the target elements (one per sample), simplest first."""
    own = _common([simple_selectors(t) for t in targets])
    around = _common([_context(t) for t in targets])
    qualified = [f"{a} {s}" for a in around[:10] for s in own[:4]]
    return own + sorted(qualified, key=_rank)


def _options(nodes: list, qualify: int = 3) -> set[str]:
    """Selectors naming any of the elements that print a text (a headline is printed by
    the h1 and by a sticky bar); bare tags also qualified by named ancestors."""
    options = set()
    for i, node in enumerate(nodes[:12]):
        own = simple_selectors(node)
        options.update(own)
        if i < qualify:
            around = sorted(_context(node), key=_rank)[:10]
            options.update(f"{a} {s}" for a in around for s in sorted(own, key=_rank)[:4])
    return options


def first_text(tree, selector: str) -> str | None:
    """What the registry's select_text reads: the first match with text."""
    for node in tree.cssselect(selector):
        text = element_text(node)
        if text:
            return text
    return None


# -- finding what the generic extractor read ---------------------------------------------
def text_index(tree) -> dict[str, list]:
    """text key -> elements whose whole text has that key, innermost first."""
    index: dict[str, list] = {}
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            continue
        text = node.text_content()
        if 0 < len(text) <= MAX_KEY_CHARS:
            index.setdefault(text_key(text), []).insert(0, node)
    return index


def holding(sample: Sample, text: str | None) -> list:
    """Elements printing exactly this text, innermost first; links last (a headline is
    also printed by "most read" links)."""
    if not text:
        return []
    if sample.index is None:
        sample.index = text_index(sample.tree)
    key = text_key(text)
    return sorted(sample.index.get(key, []), key=lambda node: _is_link(node, key))


def _is_link(node, key: str) -> bool:
    if node.tag == "a" or any(a.tag == "a" for a in node.iterancestors()):
        return True
    return any(text_key(a.text_content()) == key for a in node.iter("a"))


def pick(samples: list[Sample], targets_of, check, prefer: str = "") -> str | None:
    """The first candidate selector `check(sample, selector)` accepts on every sample;
    `targets_of(sample)` gives the elements to name, innermost first; selectors ending
    in the `prefer` tag come first (a headline is an h1)."""
    found = [nodes for nodes in map(targets_of, samples) if nodes]
    if not found:
        return None
    options = set.intersection(*(_options(nodes) for nodes in found))

    def order(sel):
        tag = re.split(r"[ .#\[]", sel.rsplit(" ", 1)[-1])[0]
        return not (prefer and tag == prefer), _rank(sel)
    return next((sel for sel in sorted(options, key=order)
                 if all(check(s, sel) for s in samples)), None)


def _same_text(value_of):
    def check(sample: Sample, selector: str) -> bool:
        want = value_of(sample)
        got = first_text(sample.tree, selector)
        return text_key(got) == text_key(want) if want else got is None
    return check


def induce_text_field(samples: list[Sample], value_of, prefer: str = "") -> str | None:
    return pick(samples, lambda s: holding(s, value_of(s)), _same_text(value_of), prefer)


# -- dates --------------------------------------------------------------------------------
def date_of(tree, selector: str):
    """The time the registry's date rule reads with this selector (ArticlePage.published)."""
    for node in tree.cssselect(selector):
        machine = node.get("datetime") or node.get("content") or node.get("title")
        printed = clean_printed(element_text(node))
        when = (parse_any(machine) if machine else None) or parse_printed(printed)
        if when:
            return when
    return None


def _same_time(sample: Sample, selector: str) -> bool:
    want = sample.article.published_at
    got = date_of(sample.tree, selector)
    return (got is not None and want is not None
            and got.replace(second=0) == want.replace(second=0))


def induce_date(samples: list[Sample]) -> str | None:
    """A printed date element first (published_raw is what readers see), else <time>, meta."""
    if not all(s.article.published_at for s in samples):
        return None
    if all(_date_elements(s) for s in samples):
        found = pick(samples, _date_elements, _same_time)
        if found:
            return found
    for selector in ("time[datetime]", "meta[property='article:published_time']",
                     "meta[itemprop=datePublished]"):
        if all(_same_time(s, selector) for s in samples):
            return selector
    return None


def _date_elements(sample: Sample) -> list:
    """Innermost elements whose text is the printed publication date."""
    raw = clean_printed(sample.article.published_raw)
    if not raw:
        return []
    nodes = [n for n in sample.tree.iter() if isinstance(n.tag, str)
             and n.tag not in _SKIP_TAGS and raw in (n.text_content() or "")
             and len(n.text_content()) <= 3 * len(raw) + 40]
    inner = next((n for n in nodes if not any(c in nodes for c in n.iterdescendants())), None)
    return [inner, *[a for a in inner.iterancestors() if a in nodes]] if inner is not None else []


# -- the body container -------------------------------------------------------------------
def line_nodes(sample: Sample) -> list:
    """For each body line, the innermost element printing it (lines not found are skipped)."""
    found = []
    for line in sample.body_lines:
        nodes = holding(sample, line)
        if nodes:
            found.append((nodes[0], len(line)))
    return found


def container(sample: Sample):
    """The deepest element holding BODY_COVER of the body text the page prints."""
    matched = line_nodes(sample)
    total = sum(n for _, n in matched)
    if not total:
        return None
    weight: dict = {}
    for node, chars in matched:
        for ancestor in [node, *node.iterancestors()]:
            weight[ancestor] = weight.get(ancestor, 0) + chars
    holders = [n for n, w in weight.items() if w >= BODY_COVER * total]
    return max(holders, key=lambda n: len(list(n.iterancestors())))


def _top_level(nodes: list) -> list:
    return [n for n in nodes if not any(a in nodes for a in n.iterancestors())]


def induce_body(samples: list[Sample]) -> tuple[str | None, dict]:
    """(selector, {sample name: container}) of the body container."""
    boxes = {s.name: container(s) for s in samples}
    if any(b is None for b in boxes.values()):
        return None, boxes
    for selector in candidates(list(boxes.values())):
        if all(_top_level(s.tree.cssselect(selector)) == [boxes[s.name]] for s in samples):
            return selector, boxes
    return None, boxes


# -- what the body container holds besides the article ------------------------------------
def junk_blocks(sample: Sample, box, keep: set) -> list:
    """Largest elements inside the container holding text but no body line (nor caption)."""
    useful = set()
    for node in keep:
        useful.update([node, *node.iterancestors()])
    blocks = []

    def walk(node):
        for child in node:
            if not isinstance(child.tag, str) or child.tag in _SKIP_TAGS or child in keep:
                continue
            if child in useful:
                walk(child)
            elif (element_text(child) and child.tag not in _CAPTION_TAGS
                  and not _in_running_text(child)):
                blocks.append(child)
    walk(box)
    return blocks


def _in_running_text(node) -> bool:
    """An inline element inside a sentence (a link to a tag or a law): never a block."""
    if node.tag in BLOCK_TAGS:
        return False
    parent = node.getparent()
    beside = [(parent.text or "")] + [(c.tail or "") for c in parent]
    return any(t.strip() for t in beside)


def _kept_nodes(sample: Sample) -> set:
    kept = {node for node, _ in line_nodes(sample)}
    for text in [sample.article.lead, *sample.article.captions]:
        kept.update(holding(sample, text)[:1])
    return kept


def induce_drop(samples: list[Sample], boxes: dict) -> list[str]:
    """Greedy: named selectors that match only junk on every page, most junk first."""
    keep = {s.name: _kept_nodes(s) for s in samples}
    junk = {s.name: junk_blocks(s, boxes[s.name], keep[s.name]) for s in samples}
    total = sum(len(element_text(b)) for blocks in junk.values() for b in blocks)
    options = {sel for blocks in junk.values() for b in blocks for sel in simple_selectors(b)
               if sel != b.tag}
    chosen, covered = [], set()
    while total and sum(len(element_text(b)) for b in covered) < DROP_COVER * total:
        best = max(sorted(options, key=_rank), default=None,
                   key=lambda sel: _gain(sel, samples, boxes, keep, junk, covered))
        if best is None or not _gain(best, samples, boxes, keep, junk, covered):
            break
        chosen.append(best)
        options.discard(best)
        covered |= _hits(best, samples, boxes, junk)
    return chosen + [d for d in DEFAULT_DROP
                     if all(_safe(d, s, boxes[s.name], keep[s.name]) for s in samples)]


def _safe(selector: str, sample: Sample, box, keep: set) -> bool:
    """The selector removes no article text (nor the container) from this page."""
    return not any(node is box or any(k is node or node in k.iterancestors() for k in keep)
                   for node in box.cssselect(selector))


def _hits(selector: str, samples, boxes, junk) -> set:
    """Junk blocks the selector removes (the block, an ancestor of it, or inside it)."""
    return {b for s in samples for node in boxes[s.name].cssselect(selector)
            for b in junk[s.name] if _related(b, node)}


def _related(a, b) -> bool:
    return a is b or b in a.iterancestors() or a in b.iterancestors()


def _gain(selector: str, samples, boxes, keep, junk, covered) -> int:
    """Junk characters the selector adds, or 0 when it would remove article text."""
    if not all(_safe(selector, s, boxes[s.name], keep[s.name]) for s in samples):
        return 0
    return sum(len(element_text(b)) for b in _hits(selector, samples, boxes, junk) - covered)


def repeated_lines(samples: list[Sample], data: dict) -> list[str]:
    """Lines the rules read identically on every page: the template's, not an article's."""
    if len(samples) < 2:
        return []
    site = parse_site(Path(f"{data['id']}.toml"), data)
    texts = [set(extract_article(s.html, s.url, site).text.splitlines()) for s in samples]
    return sorted(line for line in set.intersection(*texts) if len(line) <= 200)


# -- URLs, names --------------------------------------------------------------------------
_URL_SHAPES = (
    (re.compile(r"-([a-z]{1,4})\d+\.(\w+)$"), lambda m: rf"-{m[1]}\d+\.{m[2]}$"),
    (re.compile(r"-(\d{5,})\.(\w+)$"), lambda m: rf"-\d{{{min(len(m[1]), 14)},}}\.{m[2]}$"),
    (re.compile(r"/\d{4}/\d{2}/\d{2}/"), lambda m: r"/\d{4}/\d{2}/\d{2}/"),
    (re.compile(r"[-_/](\d{6,})/?$"), lambda m: rf"[-_/]\d{{{min(len(m[1]), 14)},}}/?$"),
)


def article_pattern(urls: list[str]) -> str | None:
    """A URL regex matching every sample (the loosest id length seen), or None."""
    paths = [urlsplit(u).path for u in urls]
    for shape, build in _URL_SHAPES:
        matches = [shape.search(p) for p in paths]
        if all(matches):
            patterns = sorted({build(m) for m in matches}, key=len)
            if all(re.search(patterns[0], p) for p in paths):
                return patterns[0]
    return None


def site_identity(samples: list[Sample]) -> dict:
    hosts = [(urlsplit(s.url).hostname or "").removeprefix("www.") for s in samples]
    domains = list(dict.fromkeys(h for h in hosts if h))
    site_id = re.sub(r"[^a-z0-9-]+", "-", domains[0].split(".")[0].lower()).strip("-") or "site"
    name = meta(samples[0].tree, "og:site_name") or domains[0]
    scheme = urlsplit(samples[0].url).scheme or "https"
    return {"id": site_id, "name": name, "status": "active", "domains": domains,
            "start_urls": [f"{scheme}://{domains[0]}/"], "feeds": [], "sitemaps": []}


# -- the whole site -------------------------------------------------------------------------
def induce(samples: list[Sample]) -> Induced:
    """Rules that read the samples as the generic extractor does, minus the junk."""
    data = site_identity(samples)
    result = Induced(data)
    mark_template(samples)
    selectors = {}
    for key, value_of in (("title", lambda s: s.article.title),
                          ("lead", lambda s: s.article.lead),
                          ("author", lambda s: s.article.author),
                          ("category", lambda s: s.article.category)):
        if any(value_of(s) for s in samples):
            selectors[key] = induce_text_field(samples, value_of, "h1" if key == "title" else "")
    selectors["date"] = induce_date(samples)
    body, boxes = induce_body(samples)
    selectors["body"] = body
    if body:
        if any(s.article.captions for s in samples):
            selectors["captions"] = _caption_selector(samples, boxes)
        selectors["drop"] = induce_drop(samples, boxes) or None
    data["selectors"] = {k: v for k, v in selectors.items() if v}
    if body:
        data["text"] = {"boilerplate": repeated_lines(samples, data)}
    pattern = article_pattern([s.url for s in samples])
    data["urls"] = {"article": [pattern]} if pattern else {}
    result.notes = _notes(samples, selectors, pattern)
    data["verified"] = (f"induced from {', '.join(s.name for s in samples)} "
                        f"{date.today().isoformat()}")
    return result


def _caption_selector(samples: list[Sample], boxes: dict) -> str | None:
    """Captions the generic reader found inside the body, by their common selector."""
    def targets_of(sample):
        nodes = [holding(sample, c) for c in sample.article.captions]
        return next((n for n in nodes if n and boxes[sample.name] in n[0].iterancestors()), [])
    return pick(samples, targets_of, lambda s, sel: _captions_match(s, sel, boxes[s.name]))


def _captions_match(sample: Sample, selector: str, box) -> bool:
    """The selector finds (inside the body, as ArticlePage reads it) the captions there."""
    found = {text_key(element_text(n)) for n in box.cssselect(selector)} - {""}
    inside = {text_key(c) for c in sample.article.captions
              if any(box in n.iterancestors() for n in holding(sample, c))}
    return found == inside


def _notes(samples, selectors: dict, pattern: str | None) -> list[str]:
    notes = [f"{key}: no selector reads it on every page; the generic extractor will"
             for key, value in selectors.items() if value is None and key != "drop"]
    if len(samples) < 2:
        notes.append("one page only: boilerplate lines cannot be told from article text "
                     "(give 2-5 pages of different articles)")
    if not pattern:
        notes.append("urls.article: no common URL shape; discovery stays rule-free")
    return notes


# -- output ---------------------------------------------------------------------------------
def site_of(induced: Induced) -> Site:
    """The induced rules as a registry Site (to extract pages with them)."""
    return parse_site(Path(f"{induced.data['id']}.toml"), induced.data)


def _value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, str) and "\\" in value and "'" not in value:
        return f"'{value}'"          # regexes read best as literal strings
    return json.dumps(value, ensure_ascii=False)


def to_toml(induced: Induced) -> str:
    data = induced.data
    lines = ["# Induced by `python -m crawler sites add`: review before use."]
    lines += [f"# NOTE {n}" for n in induced.notes]
    lines += [f"{k} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for table in ("urls", "selectors", "text"):
        values = {k: v for k, v in data.get(table, {}).items() if v}
        if values:
            lines += ["", f"[{table}]"] + [f"{k} = {_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


# -- reviewing rules against a page (`sites check`) ---------------------------------------
MIN_BODY_WORDS = 80
_NOT_FIELDS = ("drop", "article_links", "next_page")
_OPTIONAL = ("captions", "tags", "category")    # many articles have no photo, tag or section


@dataclass(frozen=True)
class Finding:
    field: str
    value: str
    problem: str | None = None


def check_page(site: Site, html: str, url: str) -> list[Finding]:
    """What the site's rules extract from a page, each field flagged when empty or odd.
    The page's URL is judged on its own line, so a page saved under another name still
    shows what the selectors read."""
    from dataclasses import replace

    from crawler.spiders.discovery import is_article_url
    from crawler.pages import NoArticle
    try:
        article = extract_article(html, url, replace(site, urls=replace(site.urls, article=())))
    except NoArticle as exc:
        return [Finding("body", "", str(exc))]
    tree = parse_html(html)
    unmatched = {key for key, css in site.selectors.items()
                 if key not in _NOT_FIELDS + _OPTIONAL and not any(tree.cssselect(c) for c in css)}
    odd_url = site.urls.article and not is_article_url(article.url, site)
    return [Finding("url", article.url, "does not match urls.article" if odd_url else None)] + \
        [_check_field(site, key, value, unmatched) for key, value in _fields(article)] + \
        [_check_body(site, article, "body" in unmatched)]


def _fields(article: Article) -> list[tuple[str, str]]:
    when = article.published_at.isoformat() if article.published_at else ""
    return [("title", article.title), ("lead", article.lead or ""),
            ("author", article.author or ""),
            ("date", f"{when} (printed {article.published_raw!r})" if when else ""),
            ("category", article.category or ""), ("tags", ", ".join(article.tags)),
            ("captions", " | ".join(article.captions))]


def _check_field(site: Site, key: str, value: str, unmatched: set) -> Finding:
    if key in unmatched:
        return Finding(key, value, f"selectors.{key} matched nothing: the generic reading is shown")
    if not value and key not in _OPTIONAL and (key in site.selectors or key in ("title", "date")):
        return Finding(key, value, "empty")
    if key == "title" and len(value) > 250:
        return Finding(key, value, "too long for a headline")
    return Finding(key, value)


def _check_body(site: Site, article: Article, unmatched: bool) -> Finding:
    lines = article.text.splitlines()
    summary = f"{len(lines)} paragraphs, {len(article.text.split())} words ({article.extraction})"
    return Finding("body", summary, _body_problem(site, article, unmatched))


def _body_problem(site: Site, article: Article, unmatched: bool) -> str | None:
    from pipelines.boilerplate import strip_boilerplate
    lines = article.text.splitlines()
    words = len(article.text.split())
    kept = set(strip_boilerplate(lines, site.boilerplate))
    navigation = [line for line in lines if line not in kept]
    copies = [c for c in article.captions if c in article.text] if article.layout == "article" else []
    if unmatched:
        return "selectors.body matched nothing: the generic reading is shown"
    if words < MIN_BODY_WORDS:
        return f"short: {words} words"
    if navigation:
        return (f"{len(navigation)} navigation lines inside (first: {navigation[0][:60]!r}): "
                "add drop rules")
    if copies:
        return f"a caption is printed in the text: {copies[0][:60]!r}"
    return None
