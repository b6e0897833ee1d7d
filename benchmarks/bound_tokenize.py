"""The tokeniser bound of `make bench`: plain underthesea.word_tokenize on the generated
articles' texts, in WORKERS processes, nothing else (no HTTP, no HTML, no writing).

The texts are what a perfect extractor would give (benchmarks/sitegen.py Web.text), read
from a JSON-lines file written before the run (generating them is no tokeniser cost), one
whole-text call per article, as the naive stack calls it. The workers load the model before
the clock of "tokenising" starts; the whole process's wall and CPU time (start-up included)
are measured by the caller. Prints one JSON line: articles, seconds of warm-up and of
tokenising.

    python benchmarks/bound_tokenize.py texts.jsonl --write --n 1000     # once
    python benchmarks/bound_tokenize.py texts.jsonl --workers 2
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitegen import Web  # noqa: E402


def _load(_=None) -> None:
    from underthesea import word_tokenize
    word_tokenize("Xin chào Việt Nam.")


def _tokenize(text: str) -> int:
    from underthesea import word_tokenize
    return len(word_tokenize(text, format="text"))


def write_texts(path: str, n: int, seed: int) -> None:
    web = Web(n, seed)
    with open(path, "w", encoding="utf-8") as out:
        for i in web.ids():
            out.write(json.dumps(web.text(i), ensure_ascii=False) + "\n")


def read_texts(path: str) -> list[str]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("texts", help="JSON lines, one article text per line")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true",
                        help="write the texts of the generated web (--n, --seed) and exit")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    if args.write:
        write_texts(args.texts, args.n, args.seed)
        return 0
    texts = read_texts(args.texts)
    t0 = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.workers, initializer=_load) as pool:
        pool.map(_load, range(args.workers))          # every worker up before the clock
        t1 = time.perf_counter()
        chars = sum(pool.imap(_tokenize, texts, chunksize=4))
        t2 = time.perf_counter()
    print(json.dumps({"articles": len(texts), "warmup_s": t1 - t0, "tokenize_s": t2 - t1,
                      "token_chars": chars}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
