"""Word-segmentation F1 of our tokenize path against plain underthesea, on VLSP 2013.

underthesea ships the VLSP 2013 test set with its POS model: test_output.txt holds one token
per line (word, gold tag, predicted tag), sentences separated by blank lines, the syllables
of a word separated by spaces or "_". Each sentence is rebuilt as its syllables joined by
spaces; a word is scored as the span of non-space characters it covers, so the score does
not depend on how either side splits punctuation.

Scored in the same run, on two printings of the test set: as shipped (tones placed hoà,
uỷ, khoẻ, like the CRF's training data) and rewritten hòa, ủy, khỏe (as most papers print
today; tone moves only, same letters):
  ours   pipelines.tokenize.tokenize_text (sentence split, quote repair, chunking, CRF fed
         crf_style text, letters kept as printed)
  plain  underthesea.word_tokenize on the same sentence
  info   underthesea.word_tokenize(use_token_normalize=False): the letters as printed,
         without underthesea's token fixes (hoà -> hòa ...)

With --engine pyvi, ours runs on pyvi (TOKENIZE_ENGINE=pyvi) and plain pyvi
(ViTokenizer.tokenize on the same sentence) is scored too, with words per second of each.

Exit 1 when ours is more than 0.1 point below plain (plain pyvi with --engine pyvi) on
either printing, or the test set is missing.

    .venv/bin/python scripts/eval_tokenize.py [--limit N] [--engine pyvi]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines import tokenize as tk  # noqa: E402
from pipelines.tokenize import surface_words, tokenize_text  # noqa: E402

TOLERANCE = 0.1   # percentage points
TEST_FILE = "test_output.txt"


def find_test_set() -> Path | None:
    """The POS model folder's test_output.txt, else any test_output.txt under underthesea*."""
    import underthesea
    package = Path(underthesea.__file__).parent
    hits = sorted(package.glob(f"pipeline/pos_tag/models/*/{TEST_FILE}"))
    if not hits:
        hits = sorted(p for root in package.parent.glob("underthesea*")
                      for p in root.rglob(TEST_FILE))
    return hits[0] if hits else None


def read_sentences(path: Path) -> list[list[list[str]]]:
    """Sentences as lists of words, each word a list of syllables."""
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(words)
            words = []
            continue
        syllables = line.split("\t")[0].replace("_", " ").split()
        if syllables:
            words.append(syllables)
    if words:
        sentences.append(words)
    return sentences


def spans(lengths: list[int]) -> set[tuple[int, int]]:
    out, start = set(), 0
    for n in lengths:
        out.add((start, start + n))
        start += n
    return out


def ours(raw: str) -> list[int]:
    return [len(word.replace("_", "")) for word in tokenize_text(raw).split()]


def plain_pyvi(raw: str) -> list[int]:
    """pyvi's words as it prints them (syllables joined by "_"), measured on raw's letters."""
    from pyvi import ViTokenizer
    words = [w.replace("_", " ") for w in ViTokenizer.spacy_tokenize(raw)[0]]
    return [sum(map(len, syllables)) for syllables in surface_words(raw, words)]


def plain(raw: str, **options) -> list[int]:
    """underthesea's words, measured on the letters of `raw` (its spelling fixes change some
    lengths: nghành -> ngành)."""
    from underthesea import word_tokenize
    words = word_tokenize(raw, **options)
    return [sum(map(len, syllables)) for syllables in surface_words(raw, words)]


_TO_HOA = {v: k for k, v in tk._TO_CRF_STYLE.items()}
_HOA_OLD = re.compile(r"(?<![qQ])(" + "|".join(_TO_HOA) + r")(?!\w)")


def hoa_style(syllable: str) -> str:
    """hoà -> hòa, uỷ -> ủy, khoẻ -> khỏe: the inverse of pipelines.tokenize.crf_style."""
    return _HOA_OLD.sub(lambda m: _TO_HOA[m.group()], syllable)


class Score:
    def __init__(self):
        self.tp = self.n_pred = self.n_gold = self.misaligned = 0
        self.seconds = 0.0

    def add(self, gold: set, lengths: list[int], total: int) -> None:
        if sum(lengths) != total:
            self.misaligned += 1
        pred = spans(lengths)
        self.tp += len(gold & pred)
        self.n_pred += len(pred)
        self.n_gold += len(gold)

    @property
    def f1(self) -> float:
        p, r = self.tp / max(self.n_pred, 1), self.tp / max(self.n_gold, 1)
        return 100 * 2 * p * r / (p + r) if p + r else 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     epilog="example: .venv/bin/python scripts/eval_tokenize.py")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N sentences")
    parser.add_argument("--engine", choices=tk.ENGINES, default=tk.DEFAULT_ENGINE,
                        help="the segmenter behind ours (default underthesea)")
    args = parser.parse_args(argv)
    tk.use_engine(args.engine)

    path = find_test_set()
    if path is None:
        print(f"error: no {TEST_FILE} in the installed underthesea* packages "
              "(looked in pipeline/pos_tag/models/*/ and then everywhere under underthesea*)",
              file=sys.stderr)
        return 1
    sentences = read_sentences(path)[: args.limit or None]
    print(f"test set: {path}\n{len(sentences)} sentences, "
          f"{sum(map(len, sentences))} words")

    systems = {"ours": ours, "plain": plain,
               "plain, no token fixes": lambda raw: plain(raw, use_token_normalize=False)}
    baseline = "plain"
    if args.engine == "pyvi":
        systems, baseline = {"ours": ours, "plain pyvi": plain_pyvi, "plain": plain}, "plain pyvi"
    print(f"ours segments with {args.engine}")
    printings = {"as shipped (hoà style)": sentences,
                 "rewritten hòa style": [[[hoa_style(s) for s in word] for word in words]
                                         for words in sentences]}
    moved = sum(a != b for x, y in zip(*printings.values()) for w, v in zip(x, y)
                for a, b in zip(w, v))
    print(f"hòa-style rewrite moved the tone in {moved} syllables")
    failed = False
    for printing, corpus in printings.items():
        scores = score(corpus, systems)
        print(f"\n{printing}:")
        words = sum(map(len, corpus))
        for name, sc in scores.items():
            print(f"  {name:22} F1 {sc.f1:6.2f}  (tp/pred/gold {sc.tp}/{sc.n_pred}/{sc.n_gold},"
                  f" misaligned sentences {sc.misaligned}, {sc.seconds:.1f} s, "
                  f"{words / max(sc.seconds, 1e-9):,.0f} words/s)")
        diff = scores["ours"].f1 - scores[baseline].f1
        print(f"  ours - {baseline}: {diff:+.2f} points (floor: -{TOLERANCE})")
        if diff < -TOLERANCE:
            print(f"FAIL: ours is {-diff:.2f} points below {baseline} ({printing})",
                  file=sys.stderr)
            failed = True
    return 1 if failed else 0


def score(sentences, systems) -> dict[str, Score]:
    scores = {name: Score() for name in systems}
    for system in systems.values():          # models load outside the clock
        system("Xin chào Việt Nam .")
    for words in sentences:
        raw = " ".join(s for word in words for s in word)
        gold_lengths = [sum(map(len, word)) for word in words]
        gold = spans(gold_lengths)
        for name, system in systems.items():
            t = time.perf_counter()
            lengths = system(raw)
            scores[name].seconds += time.perf_counter() - t
            scores[name].add(gold, lengths, sum(gold_lengths))
    return scores


if __name__ == "__main__":
    sys.exit(main())
