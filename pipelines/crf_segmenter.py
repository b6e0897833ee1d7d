"""underthesea's word-segmentation CRF, scored from cached weight sums instead of strings.

underthesea.word_tokenize builds 43 feature strings for every syllable (the syllable and
its neighbours, lower-cased, joined in pairs and triples, looked up in its dictionary) and
hands them to CRFsuite's tagger: 85% of its CPU goes there, and it is the largest stage of
a crawl. Yet every one of those features is a function of one syllable, or of two or three
adjacent ones, at a fixed offset from the position being tagged. So this module reads the
same model files once, sums for each syllable (pair, triple) the weights of every feature
it yields at each offset, caches those sums, and tags by Viterbi over them: the same model,
the same scores, the same tags (tests/test_crf_segmenter.py compares it with
underthesea.word_tokenize sentence by sentence), about a fifth of the CPU.

Feature values are underthesea_core's, which are not quite Python's: `istitle` is "every
space-separated word starts with a character that upper-casing leaves alone" ("ABC" and "123"
are titles), `isdigit` is "parses as a Rust i32" ("-1" yes, "²" no), `is_in_dict` looks up
the lower-cased words. Upper- and lower-casing agree with Python's except for characters
newer than Python's Unicode tables; a sentence holding any character outside SAFE_CHARS
(checked against underthesea_core character by character in the tests) is segmented by
underthesea itself. A model whose feature templates this module cannot read raises
ModelMismatch, and pipelines.tokenize falls back to underthesea.word_tokenize.
"""
from __future__ import annotations

import functools
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

# Characters on which underthesea_core (Rust) and Python agree for every feature value
# (tests/test_crf_segmenter.py checks each against underthesea_core): Latin with Vietnamese,
# IPA and combining marks, Cyrillic, punctuation and symbols, CJK, Hangul, full-width
# forms, emoji. Left out: U+019B and U+0264 (Unicode re-cased them after Python 3.11's
# tables), Greek (final-sigma casing depends on context), and every script not listed.
SAFE_CHARS = ("\t\n\r !-~\u00a0-\u019a\u019c-\u0263\u0265-\u036f\u0400-\u052f"
              "\u1e00-\u1eff\u2010-\u2bff\u2e80-\u9fff\uac00-\ud7a3\uff01-\uffef"
              "\U0001f000-\U0001faff")
_UNSAFE = re.compile(f"[^{SAFE_CHARS}]")
_TEMPLATE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(lower|isdigit|istitle|is_in_dict))?")
_I32 = re.compile(r"[+-]?[0-9]+")
MAX_CACHED = 100_000     # entries per cache (~130 bytes each): emptied when it reaches this size


class ModelMismatch(ValueError):
    """The model's feature templates are not ones this module can score."""


# --- feature values, as underthesea_core computes them --------------------------------

def _istitle(text: str) -> bool:
    return all(word[:1].upper() == word[:1] for word in text.split(" "))


def _isdigit(text: str) -> bool:
    return _I32.fullmatch(text) is not None and -2**31 <= int(text) < 2**31


def _value(attribute: str | None, text: str, dictionary: frozenset[str]) -> str:
    if attribute is None:
        return text
    if attribute == "lower":
        return text.lower()
    if attribute == "isdigit":
        return str(_isdigit(text))
    if attribute == "istitle":
        return str(_istitle(text))
    return str(text.lower() in dictionary)          # is_in_dict


# --- the model file (CRFsuite's crf1dm format) ----------------------------------------

def _cqdb_strings(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk, by id (its backward array: id -> record)."""
    magic, _size, _flag, _order, count, backward = struct.unpack_from("<4s5I", data, offset)
    if magic != b"CQDB":
        raise ModelMismatch("not a CRFsuite model (no CQDB chunk)")
    strings = [""] * count
    for slot in range(count):
        record = offset + struct.unpack_from("<I", data, offset + backward + 4 * slot)[0]
        ident, length = struct.unpack_from("<2I", data, record)
        strings[ident] = data[record + 8:record + 8 + length - 1].decode("utf-8")
    return strings


def read_crfsuite(path: str | Path) -> tuple[list[str], dict[str, tuple[float, ...]],
                                              list[list[float]]]:
    """(labels, attribute -> weight per label, transition[from][to]) of a CRFsuite model."""
    data = Path(path).read_bytes()
    (magic, _size, kind, _version, _n_features, n_labels, _n_attrs,
     off_features, off_labels, off_attrs, _lrefs, _arefs) = struct.unpack_from("<4sI4s9I", data)
    if magic != b"lCRF" or kind != b"FOMC":
        raise ModelMismatch(f"{path}: not a CRFsuite CRF1d model")
    labels = _cqdb_strings(data, off_labels)[:n_labels]
    attributes = _cqdb_strings(data, off_attrs)
    chunk, _size, count = struct.unpack_from("<4s2I", data, off_features)
    if chunk != b"FEAT":
        raise ModelMismatch(f"{path}: no feature chunk")
    state = [[0.0] * n_labels for _ in attributes]
    transition = [[0.0] * n_labels for _ in range(n_labels)]
    for kind_, source, target, weight in struct.iter_unpack(
            "<3Id", data[off_features + 12:off_features + 12 + 20 * count]):
        (state[source] if kind_ == 0 else transition[source])[target] = weight
    weights = {name: tuple(row) for name, row in zip(attributes, state) if any(row)}
    return labels, weights, transition


# --- templates grouped by the n-gram they read ----------------------------------------

@dataclass(frozen=True)
class Template:
    name: str               # "T[-1,0].lower"
    start: int              # offset of its first syllable from the tagged position
    end: int                # offset of its last
    attribute: str | None


def parse_templates(names: list[str]) -> list[Template]:
    templates = []
    for name in names:
        match = _TEMPLATE.fullmatch(name)
        if match is None:
            raise ModelMismatch(f"feature template {name!r} is not one this module reads")
        start = int(match[1])
        end = int(match[2]) if match[2] is not None else start
        if end < start:
            raise ModelMismatch(f"feature template {name!r} runs backwards")
        templates.append(Template(name, start, end, match[3]))
    return templates


class CRFSegmenter:
    """Tags syllables B-W / I-W exactly as underthesea's FastCRFSequenceTagger does."""

    def __init__(self, templates: list[Template], dictionary: frozenset[str],
                 labels: list[str], weights: dict[str, tuple[float, ...]],
                 transition: list[list[float]]):
        if labels != ["B-W", "I-W"]:
            raise ModelMismatch(f"labels {labels}: expected B-W and I-W")
        self.dictionary = dictionary
        self.weights = weights
        self.transition = transition
        self.spans = sorted({t.end - t.start + 1 for t in templates})
        self.by_span = {n: [t for t in templates if t.end - t.start + 1 == n]
                        for n in self.spans}
        self.starts = {n: sorted({t.start for t in self.by_span[n]}) for n in self.spans}
        self.caches: dict[int, dict] = {n: {} for n in self.spans}
        self.shared: dict[tuple, tuple] = {}
        self.edge_cache: dict[int, list[tuple[int, float, float]]] = {}
        self.edges = [(t.start, t.end, self._weight(f"{t.name}=BOS"),
                       self._weight(f"{t.name}=EOS")) for t in templates]

    def _weight(self, attribute: str) -> tuple[float, float]:
        return self.weights.get(attribute, (0.0, 0.0))

    def _sums(self, span: int, words: tuple[str, ...]) -> tuple[tuple[int, float, float], ...]:
        """(start offset, B-W weight, I-W weight) of every feature this n-gram yields."""
        text = " ".join(words)
        out = []
        for start in self.starts[span]:
            b = i = 0.0
            for template in self.by_span[span]:
                if template.start == start:
                    value = _value(template.attribute, text, self.dictionary)
                    wb, wi = self._weight(f"{template.name}={value}")
                    b += wb
                    i += wi
            out.append((start, b, i))
        return tuple(out)

    def state_scores(self, tokens: list[str]) -> tuple[list[float], list[float]]:
        """Per syllable, the summed weights of its 43 features for B-W and for I-W."""
        n = len(tokens)
        b_scores, i_scores = [0.0] * n, [0.0] * n
        for pos, wb, wi in self._edges(n):
            b_scores[pos] += wb
            i_scores[pos] += wi
        for span in self.spans:
            cache = self.caches[span]
            if len(cache) >= MAX_CACHED:
                cache.clear()
            grams = tokens if span == 1 else zip(*(tokens[k:] for k in range(span)))
            for j, gram in enumerate(grams):
                sums = cache.get(gram)
                if sums is None:
                    sums = self._remember(cache, span, gram)
                for start, wb, wi in sums:
                    pos = j - start
                    if 0 <= pos < n:
                        b_scores[pos] += wb
                        i_scores[pos] += wi
        return b_scores, i_scores

    def _remember(self, cache: dict, span: int, gram) -> tuple:
        """Cache the sums of one n-gram. Most n-grams the model never saw share a handful of
        sums (only their dictionary and title features weigh): one tuple serves them all,
        and interned syllables make a cached entry cost ~150 bytes, not ~600."""
        words = (gram,) if span == 1 else gram
        sums = self._sums(span, words)
        if len(self.shared) >= MAX_CACHED:
            self.shared.clear()
        sums = self.shared.setdefault(sums, sums)
        key = sys.intern(gram) if span == 1 else tuple(map(sys.intern, gram))
        cache[key] = sums
        return sums

    def _edges(self, n: int) -> list[tuple[int, float, float]]:
        """(position, B-W, I-W) of the BOS/EOS values in a sentence of n syllables: a
        template reading before the sentence yields BOS, else one reading past it EOS."""
        edges = self.edge_cache.get(n)
        if edges is None:
            sums: dict[int, list[float]] = {}
            for start, end, bos, eos in self.edges:
                first_inside = min(n, max(0, -start))
                for pos in range(n):
                    if pos < first_inside or pos >= n - end:
                        weights = bos if pos < first_inside else eos
                        total = sums.setdefault(pos, [0.0, 0.0])
                        total[0] += weights[0]
                        total[1] += weights[1]
            edges = self.edge_cache[n] = [(pos, b, i) for pos, (b, i) in sorted(sums.items())]
        return edges

    def tags(self, tokens: list[str]) -> list[bool]:
        """For each syllable: does it begin a word (B-W)? Viterbi as CRFsuite runs it."""
        if not tokens:
            return []
        b_scores, i_scores = self.state_scores(tokens)
        (bb, bi), (ib, ii) = self.transition
        best_b, best_i = b_scores[0], i_scores[0]
        back = []          # per position: (came to B from B?, came to I from B?)
        for t in range(1, len(tokens)):
            from_b, from_i = best_b + bb, best_i + ib
            to_b = from_b >= from_i                 # ties go to the lower label, as CRFsuite
            new_b = (from_b if to_b else from_i) + b_scores[t]
            from_b, from_i = best_b + bi, best_i + ii
            to_i = from_b >= from_i
            new_i = (from_b if to_i else from_i) + i_scores[t]
            back.append((to_b, to_i))
            best_b, best_i = new_b, new_i
        begins = best_b >= best_i
        out = [begins]
        for to_b, to_i in reversed(back):
            begins = to_b if begins else to_i
            out.append(begins)
        out.reverse()
        return out


def words_of(tokens: list[str], begins: list[bool]) -> list[str]:
    """Syllables joined into words, as underthesea.word_tokenize returns them."""
    words: list[str] = []
    for token, begin in zip(tokens, begins):
        if words and not begin:
            words[-1] += " " + token
        else:
            words.append(token)
    return words


@functools.cache
def default_segmenter() -> CRFSegmenter:
    """The segmenter of underthesea's own model (the one word_tokenize loads)."""
    import joblib
    import underthesea.pipeline.word_tokenize as word_tokenize_module
    base = Path(word_tokenize_module.__file__).parent / "models" / "ws_crf_vlsp2013_20230727"
    templates = parse_templates(joblib.load(base / "features.bin"))
    dictionary = frozenset(joblib.load(base / "dictionary.bin"))
    labels, weights, transition = read_crfsuite(base / "models.bin")
    return CRFSegmenter(templates, dictionary, labels, weights, transition)


def syllables(sentence: str) -> list[str]:
    """underthesea's regex tokenizer with use_token_normalize=False, minus its per-match
    dict walk: every alternative of its pattern is one named group, so the first group
    that matched (what it returns) is the whole match."""
    from underthesea.pipeline.word_tokenize import regex_tokenize
    text = regex_tokenize.normalize_characters_in_text(sentence)
    return [match.group() for match in regex_tokenize.patterns.finditer(text)]


def word_tokenize(sentence: str) -> list[str]:
    """underthesea.word_tokenize(sentence, use_token_normalize=False), same output."""
    if _UNSAFE.search(sentence):
        from underthesea.pipeline.word_tokenize import word_tokenize as reference
        return reference(sentence, use_token_normalize=False)
    tokens = syllables(sentence)
    return words_of(tokens, default_segmenter().tags(tokens))
