"""Corpus benchmark: prints figures and their ratio to the targets, measured in the same run.

1. near-duplicate quality on a generated test set, through the real path (CorpusWriter ->
   corpus.neardup.update -> the dup_of/dup_cluster marks read back): pair precision and
   recall over the marked clusters; targets precision >= 0.98, recall >= 0.9;
2. near-duplicate marking of --n generated articles (default 100k) from scratch, in a child
   process pinned to one core: wall time and peak RSS; targets < 10 min and < 2 GB. Then the
   daily case: one more run of 1,000 articles, marked incrementally;
3. corpus.load of the same corpus, 3 columns; target < 5 s (pandas.read_parquet of every
   column is printed beside it as the baseline).

The generated articles: sentences come from a word-bigram model of the fixture web's
paragraphs (crawler/demo/web), mixed with unigram draws so that unrelated articles share
only common phrases. Articles are grouped in topics; an article carries 0-3 of its topic's
fact sentences, and one in ten is a follow-up that reuses a third of an earlier article on
the topic: these are the hard negatives. A third of the articles are republished 1-3 times
on other sites with one to three of: small edits (1-3 % of words replaced, deleted or
inserted, numbers changed), other boilerplate (a source line, a byline, "Xem thêm" links),
truncation (the first 45-90 % of the words). Republications are published 0-72 h later,
one in six at the same minute (the tie-break case).

    .venv/bin/python benchmarks/bench_corpus.py                       # ~5 minutes on 2 cores
    .venv/bin/python benchmarks/bench_corpus.py --n 20000 --quality-n 2000
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.writer import CorpusWriter  # noqa: E402
from crawler.items import Article  # noqa: E402
from pipelines.normalize import content_hash  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SITES = [("bao-laocai", "Lào Cai"), ("bao-cantho", "Cần Thơ"), ("bao-lamdong", "Lâm Đồng"),
         ("bao-thanhhoa", "Thanh Hóa"), ("bao-quangtri", "Quảng Trị"), ("bao-nghean", "Nghệ An"),
         ("bao-hagiang", "Hà Giang"), ("bao-soctrang", "Sóc Trăng"), ("thoisu-vn", None),
         ("tintuc-vn", None)]
TARGETS = {"precision": 0.98, "recall": 0.9, "mark_seconds": 600, "mark_rss_mb": 2048,
           "load_seconds": 5}


# -- a text model from the fixture web ------------------------------------------------
def fixture_paragraphs() -> list[list[str]]:
    """Whitespace tokens of every <p> of 8+ words in the fixture web."""
    from bs4 import BeautifulSoup
    paragraphs = []
    for page in sorted((ROOT / "crawler" / "demo" / "web").rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
        for p in soup.find_all("p"):
            words = p.get_text(" ", strip=True).split()
            if len(words) >= 8:
                paragraphs.append(words)
    return paragraphs


class TextModel:
    """Word bigrams of the fixture text, mixed with unigram jumps (JUMP of the steps) so
    that long runs of the training text are rarely reproduced."""
    JUMP = 0.35

    def __init__(self, paragraphs: list[list[str]], rng: np.random.Generator):
        self.vocab = sorted({w for p in paragraphs for w in p})
        index = {w: i for i, w in enumerate(self.vocab)}
        ids = [np.array([index[w] for w in p]) for p in paragraphs]
        self.unigram = np.concatenate(ids)
        prev = np.concatenate([p[:-1] for p in ids])
        nxt = np.concatenate([p[1:] for p in ids])
        order = np.argsort(prev, kind="stable")
        self.successors = nxt[order]
        self.counts = np.bincount(prev, minlength=len(self.vocab))
        self.offsets = np.r_[0, np.cumsum(self.counts)[:-1]]
        self.rng = rng

    def sentences(self, n: int, longest: int = 26, shortest: int = 10) -> list[str]:
        """n new sentences, generated side by side (one numpy step per word position)."""
        rng = self.rng
        words = np.empty((n, longest), np.int64)
        current = rng.choice(self.unigram, n)
        for step in range(longest):
            words[:, step] = current
            chained = self.successors[np.minimum(
                self.offsets[current] + (rng.random(n) * self.counts[current]).astype(np.int64),
                len(self.successors) - 1)]
            jump = (rng.random(n) < self.JUMP) | (self.counts[current] == 0)
            current = np.where(jump, rng.choice(self.unigram, n), chained)
        lengths = rng.integers(shortest, longest + 1, n)
        vocab = self.vocab
        return [_sentence([vocab[i] for i in row[:k]]) for row, k in zip(words, lengths)]


def _sentence(words: list[str]) -> str:
    text = " ".join(words).rstrip(",.;:")
    return text[:1].upper() + text[1:] + "."


# -- the generated test set ------------------------------------------------------------
class Generator:
    """Base articles in topics, hard negatives, and republished near-copies."""

    def __init__(self, seed: int = 7, dup_share: float = 1 / 3):
        self.rng = np.random.default_rng(seed)
        self.model = TextModel(fixture_paragraphs(), self.rng)
        self.dup_share = dup_share
        self.pool: list[str] = []

    def take(self, k: int) -> list[str]:
        if len(self.pool) < k:
            self.pool += self.model.sentences(max(20_000, k))
        taken, self.pool = self.pool[:k], self.pool[k:]
        return taken

    def generate(self, n: int) -> list[dict]:
        """About n article dicts with a `family` key (the base article's number)."""
        n_bases = max(2, int(n / (1 + 2 * self.dup_share)))
        topics = [self.take(6) for _ in range(max(1, n_bases // 20))]
        bases = [self.base(i, topics) for i in range(n_bases)]
        self.follow_ups(bases)
        copies = [c for b in bases if self.rng.random() < self.dup_share for c in self.copies(b)]
        return bases + copies

    def base(self, number: int, topics: list[list[str]]) -> dict:
        rng = self.rng
        site, province = SITES[rng.integers(len(SITES))]
        sentences = self.take(int(rng.integers(8, 15)))
        facts = rng.choice(6, int(rng.integers(0, 4)), replace=False)
        topic = int(rng.integers(len(topics)))
        for fact in facts:
            sentences.insert(int(rng.integers(len(sentences) + 1)), topics[topic][fact])
        if province:
            sentences[0] = f"Tại tỉnh {province}, " + sentences[0][0].lower() + sentences[0][1:]
        published = datetime(2024, 1, 1, tzinfo=VN) + timedelta(minutes=int(rng.integers(0, 700 * 1440)))
        return {"family": number, "topic": topic, "facts": [topics[topic][f] for f in facts],
                "site": site, "province": province,
                "sentences": sentences, "published_at": published,
                "url": f"https://{site}.vn/bai-{number}-post{number}.html",
                "title": " ".join(self.take(1)[0].split()[:10])}

    def follow_ups(self, bases: list[dict]) -> None:
        """One article in ten reuses a third of an earlier one on its topic (and no topic
        fact of its own): a hard negative, a third of its text shared."""
        by_topic = defaultdict(list)
        for base in bases:
            by_topic[base["topic"]].append(base)
        for group in by_topic.values():
            for earlier, later in zip(group, group[1:]):
                if self.rng.random() < 0.1:
                    own = [s for s in later["sentences"] if s not in later["facts"]]
                    k = max(1, min(len(own), len(earlier["sentences"])) // 3)
                    later["sentences"] = own[:len(own) - k] + earlier["sentences"][:k]

    def copies(self, base: dict) -> list[dict]:
        rng = self.rng
        others = [s for s in SITES if s[0] != base["site"]]
        out = []
        for k in range(int(rng.integers(1, 4))):
            site, province = others[rng.integers(len(others))]
            ops = [op for op in ("edit", "boilerplate", "truncate") if rng.random() < 0.5] or ["edit"]
            delay = 0 if rng.random() < 1 / 6 else int(rng.integers(1, 72 * 60))
            out.append({**base, "site": site, "province": province, "ops": ops,
                        "sentences": self.transform(base, ops),
                        "published_at": base["published_at"] + timedelta(minutes=delay),
                        "url": f"https://{site}.vn/bai-{base['family']}-{k}-post{base['family']}{k}.html"})
        return out

    def transform(self, base: dict, ops: list[str]) -> list[str]:
        words = " ".join(base["sentences"]).split()
        if "truncate" in ops:
            words = words[:max(20, int(len(words) * self.rng.uniform(0.45, 0.9)))]
        if "edit" in ops:
            words = self.edit(words, self.rng.uniform(0.01, 0.03))
        sentences = re.split(r"(?<=\.) ", " ".join(words))
        if "boilerplate" in ops:
            sentences = self.boilerplate(base, sentences)
        return sentences

    def edit(self, words: list[str], rate: float) -> list[str]:
        rng, out = self.rng, []
        for word in words:
            roll = rng.random()
            if roll < rate / 3:
                continue                                     # deleted
            if roll < 2 * rate / 3:
                word = self.model.vocab[rng.integers(len(self.model.vocab))]  # replaced
            elif roll < rate:
                out.append(self.model.vocab[rng.integers(len(self.model.vocab))])  # inserted
            out.append(re.sub(r"\d", lambda m: str(rng.integers(10)), word))
        return out

    def boilerplate(self, base: dict, sentences: list[str]) -> list[str]:
        source = f"Theo Báo {base['province']}" if base["province"] else "Theo TTXVN"
        lines = [f"({source})"] + sentences + ["Minh Anh - Văn Hùng"]
        for related in self.take(int(self.rng.integers(0, 3))):
            lines.append("Xem thêm: " + " ".join(related.split()[:9]))
        return lines


def to_article(row: dict, run_id: str) -> Article:
    text = "\n".join(_paragraphs(row["sentences"]))
    return Article(url=row["url"], site=row["site"], province=row["province"], title=row["title"],
                   text=text, lead=text.split("\n", 1)[0], published_at=row["published_at"],
                   published_raw=row["published_at"].strftime("%d/%m/%Y %H:%M"),
                   tokens=text, n_words=len(text.split()), n_sentences=len(row["sentences"]),
                   content_hash=content_hash(text), run_id=run_id,
                   crawled_at=row["published_at"] + timedelta(hours=3), extraction="site-rules")


def _paragraphs(sentences: list[str]) -> list[str]:
    return [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]


def write_corpus(rows: list[dict], directory: Path, per_run: int = 1000, prefix: str = "r") -> None:
    """Daily-crawl-like files: runs of per_run articles in publication order."""
    rows = sorted(rows, key=lambda r: (r["published_at"], r["url"]))
    for run, start in enumerate(range(0, len(rows), per_run)):
        run_id = f"{prefix}{run:05d}"
        writer = CorpusWriter(directory, run_id, flush_rows=per_run)
        for row in rows[start:start + per_run]:
            writer.add(to_article(row, run_id))
        writer.flush()


# -- measuring ------------------------------------------------------------------------
def expected_canonical(members: list[dict]) -> str:
    """The spec rule, written independently of corpus.neardup: earliest, then the paper
    whose province the story names, then the smallest URL."""
    def key(row):
        text = row["title"] + "\n" + "\n".join(row["sentences"])
        named = bool(row["province"]) and row["province"].casefold() in text.casefold()
        return (row["published_at"], not named, row["url"])
    return min(members, key=key)["url"]


def pair_scores(rows: list[dict], marks) -> dict:
    """Precision and recall over pairs of articles put in one cluster."""
    family = {r["url"]: r["family"] for r in rows}
    predicted = defaultdict(list)
    for url, cluster in zip(marks.url, marks.dup_cluster):
        if cluster is not None and isinstance(cluster, str):
            predicted[cluster].append(family[url])
    pairs = lambda c: c * (c - 1) // 2  # noqa: E731
    found = sum(pairs(len(m)) for m in predicted.values())
    right = sum(pairs(c) for m in predicted.values() for c in Counter(m).values())
    truth = sum(pairs(c) for c in Counter(family.values()).values())
    return {"precision": right / found if found else 1.0, "recall": right / truth if truth else 1.0,
            "true_pairs": truth, "marked_pairs": found}


def canonical_share(rows: list[dict], marks) -> float:
    """Of the families marked exactly as one cluster, the share whose canonical is right."""
    by_family, by_cluster = defaultdict(list), defaultdict(set)
    for row in rows:
        by_family[row["family"]].append(row)
    mark = {u: (d, c) for u, d, c in zip(marks.url, marks.dup_of, marks.dup_cluster)}
    for url, (_, cluster) in mark.items():
        by_cluster[cluster].add(url)
    right = total = 0
    for members in by_family.values():
        cluster = mark[members[0]["url"]][1]
        if not isinstance(cluster, str) or by_cluster[cluster] != {m["url"] for m in members}:
            continue
        total += 1
        heads = {m["url"] for m in members if not isinstance(mark[m["url"]][0], str)}
        right += heads == {expected_canonical(members)}
    return right / total if total else 1.0


def quality(n: int, workdir: Path, seed: int = 7) -> dict:
    """Generate about n articles, mark them through the corpus, score the marks."""
    import corpus
    from corpus import neardup
    rows = Generator(seed).generate(n)
    write_corpus(rows, workdir)
    neardup.update(workdir)
    marks = corpus.load(workdir, columns=["url", "dup_of", "dup_cluster"])
    return {"articles": len(rows), **pair_scores(rows, marks),
            "canonical_right": canonical_share(rows, marks),
            "min_containment": neardup.MIN_CONTAINMENT}


MARK_CHILD = """
import json, os, resource, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
sys.path.insert(0, %r)
from corpus import neardup
started = time.monotonic()
result = neardup.update(sys.argv[1])
result["wall"] = time.monotonic() - started
result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def mark_in_child(directory: Path) -> dict:
    """neardup.update in a fresh process on one core (its own peak RSS, one thread)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", MARK_CHILD % str(ROOT), str(directory)],
                          capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def report(name: str, value: float, target: float, unit: str, higher_is_better=False) -> None:
    ok = value >= target if higher_is_better else value < target
    print(f"  {name:<34} {value:10.3f} {unit:<4} target {'>=' if higher_is_better else '<'} "
          f"{target:<6} ratio {value / target:6.3f}  {'ok' if ok else 'MISSED'}")


# -- main -----------------------------------------------------------------------------
def bench_quality(args, work: Path) -> None:
    started = time.perf_counter()
    scores = quality(args.quality_n, work / "quality", seed=args.seed)
    print(f"1. near-duplicate quality: {scores['articles']} generated articles, "
          f"{scores['true_pairs']} true pairs, {scores['marked_pairs']} marked pairs "
          f"(min containment {scores['min_containment']}; {time.perf_counter() - started:.1f} s)")
    report("pair precision", scores["precision"], TARGETS["precision"], "", True)
    report("pair recall", scores["recall"], TARGETS["recall"], "", True)
    print(f"  canonical member as specified      {scores['canonical_right']:10.3f}")


def bench_scale(args, work: Path) -> None:
    import corpus
    directory = work / "scale"
    started = time.perf_counter()
    generator = Generator(args.seed + 1)
    rows = generator.generate(args.n + 1000)
    rows.sort(key=lambda r: (r["published_at"], r["url"]))
    later, rows = rows[-1000:], rows[:-1000]
    write_corpus(rows, directory)
    files = len(corpus.reader.files(directory))
    print(f"2. near-duplicate marking: {len(rows)} articles in {files} files "
          f"(generated and written in {time.perf_counter() - started:.0f} s)")
    full = mark_in_child(directory)
    report("mark from scratch, one core", full["wall"], TARGETS["mark_seconds"], "s")
    report("peak RSS", full["rss_mb"], TARGETS["mark_rss_mb"], "MB")
    print(f"  {full['clusters']} clusters, {full['duplicates']} rows marked dup_of, "
          f"{full['files_rewritten']} files rewritten")
    for i, row in enumerate(later):
        row["url"] = row["url"].replace(".html", f"-new{i}.html")
    write_corpus(later, directory, prefix="daily")
    daily = mark_in_child(directory)
    print(f"  + 1000 new articles, incremental:  {daily['wall']:10.3f} s, "
          f"{daily['sketched']} sketched, {daily['files_rewritten']} files rewritten, "
          f"peak RSS {daily['rss_mb']:.0f} MB")
    bench_load(directory)


def bench_load(directory: Path) -> None:
    import pandas as pd

    import corpus
    columns = ["site", "published_at", "title"]
    fast = timed(lambda: corpus.load(directory, columns=columns))
    with_text = timed(lambda: corpus.load(directory, columns=["site", "published_at", "text"]))
    baseline = timed(lambda: pd.read_parquet(directory), repeat=1)
    rows = len(corpus.load(directory, columns=["url"]))
    print(f"3. corpus.load of {rows} articles")
    report(f"load {', '.join(columns)}", fast, TARGETS["load_seconds"], "s")
    report("load site, published_at, text", with_text, TARGETS["load_seconds"], "s")
    print(f"  baseline pd.read_parquet, all 22 columns {baseline:6.3f} s "
          f"(3 columns take {fast / baseline:.2f} of it)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="articles for the scale test")
    parser.add_argument("--quality-n", type=int, default=6000, help="articles for the quality test")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    try:
        print(f"bench_corpus: {os.cpu_count()} cores, python {sys.version.split()[0]}")
        bench_quality(args, work)
        if not args.skip_scale:
            bench_scale(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
