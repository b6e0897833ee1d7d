"""Site-level boilerplate learning: short lines that recur on many pages of one site (a menu or
footer line, a "most read" headline, a standard sign-off that no rule names) are removed from
`text`.

The rule: a line of at most MAX_WORDS words found on MIN_PAGES or more distinct pages of a
site is removed from every page of that site; the lead is never removed. Pages are counted
from their raw extracted text (as the item pipelines leave it, before this removal), so the
result depends only on the set of pages, never on the order they were crawled in.

The evidence is kept, never recomputed: DIR/_boilerplate/evidence.sqlite holds, per site and
line key, how many pages carry it and, until it reaches MIN_PAGES, which ones (so that those
can be cleaned when it does). The work is incremental:

- during a crawl, `SiteBoilerplatePipeline` (before tokenisation, so each row is tokenised
  once) stages the raw line keys of each article and removes the lines already learned;
- at the end of the crawl, `update()` counts the pages of the parquet files committed since
  the last update, and cleans (and re-tokenises) only rows holding a line that was not yet
  learned when they were written: the new rows and the pages waiting on a line that just
  reached MIN_PAGES. Its cost grows with what is new, not with the corpus.

`content_hash` is not changed by this pass: it stays the exact-duplicate key of the text as
extracted, which is what the next crawl's duplicate check computes. What was learned is
written to DIR/_boilerplate/<site>.json for inspection.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from corpus.reader import files as corpus_files, read_file
from corpus.schema import SCHEMA
from corpus.writer import write_atomic
from pipelines.items import any_item
from pipelines.text_keys import line_key

MIN_PAGES = 5          # a line on this many distinct pages of a site is boilerplate...
MAX_WORDS = 30         # ...when it is short: article paragraphs are long and unique
STATE_DIR = "_boilerplate"
EVIDENCE_FILE = "evidence.sqlite"
POOL_MIN_TEXTS = 50    # below this, starting worker processes costs more than it saves
REWRITE_BATCH = 500    # changed texts tokenised and written at a time (bounds the pass's memory)
WAITING_BATCH = 5000   # waiting lines read at a time when a compaction moves their pages
READ_COLUMNS = ["url", "site", "lead", "text"]
EVIDENCE_SCHEMA = """
CREATE TABLE IF NOT EXISTS staged (   -- raw line keys of articles not yet counted
    url TEXT, site TEXT, key TEXT, PRIMARY KEY (url, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY) WITHOUT ROWID;   -- pages counted
CREATE TABLE IF NOT EXISTS lines (    -- waiting: [[url, file], ...] while pages < MIN_PAGES
    site TEXT, key TEXT, pages INTEGER, waiting TEXT, PRIMARY KEY (site, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counted_files (path TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def page_lines(text: str | None, lead: str | None) -> set[str]:
    """Keys of the short lines of a page that may count as boilerplate (not its lead)."""
    return {line_key(line) for line in (text or "").splitlines()
            if len(line.split()) <= MAX_WORDS and line != lead} - {""}


def cleaned(text: str | None, lead: str | None, repeated) -> str:
    """`text` without the lines whose key is in `repeated` (the lead stays)."""
    lines = (text or "").splitlines()
    return "\n".join(line for line in lines if line == lead or line_key(line) not in repeated)


class Evidence:
    """DIR/_boilerplate/evidence.sqlite: staged keys, counted pages and files, line counts."""

    def __init__(self, directory: str | Path):
        folder = Path(directory) / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / EVIDENCE_FILE, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # No fsync per commit: staged keys can be recomputed from the text, and counts commit
        # with the list of counted files, so a lost commit is redone by the next update.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(EVIDENCE_SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def stage(self, url: str, site: str, keys: set[str]) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO staged VALUES (?, ?, ?)",
                                [(url, site, key) for key in sorted(keys)])

    def learned(self, with_staged: bool = False) -> dict[str, set[str]]:
        """{site: keys on MIN_PAGES pages or more}; with_staged: as if the staged pages
        were counted too (a rebuild learns before it writes)."""
        query = "SELECT site, key, pages FROM lines"
        if with_staged:
            query = (f"SELECT site, key, SUM(pages) FROM ({query} UNION ALL SELECT site, key, "
                     "COUNT(*) FROM staged WHERE url NOT IN (SELECT url FROM pages) "
                     "GROUP BY site, key) GROUP BY site, key")
        learned = defaultdict(set)
        for site, key, pages in self.db.execute(query):
            if pages >= MIN_PAGES:
                learned[site].add(key)
        return learned

    def counts(self, site: str) -> dict[str, int]:
        return dict(self.db.execute("SELECT key, pages FROM lines WHERE site = ? AND pages >= ? "
                                    "ORDER BY key", (site, MIN_PAGES)))

    def counted_files(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT path FROM counted_files")}

    def count_page(self, url: str, site: str, keys: set[str], file: str) -> list[tuple[str, str]]:
        """Count one page (once, ever); returns the (url, file) of pages that were waiting on
        a line this page brings to MIN_PAGES."""
        if self.db.execute("INSERT OR IGNORE INTO pages VALUES (?)", (url,)).rowcount == 0:
            return []
        crossed = []
        for key in sorted(keys):
            found = self.db.execute("SELECT pages, waiting FROM lines WHERE site = ? AND key = ?",
                                    (site, key)).fetchone()
            pages, waiting = (found[0] + 1, json.loads(found[1] or "[]")) if found else (1, [])
            if pages == MIN_PAGES:
                crossed += [tuple(page) for page in waiting]
            waiting = json.dumps(waiting + [[url, file]]) if pages < MIN_PAGES else None
            self.db.execute("INSERT OR REPLACE INTO lines VALUES (?, ?, ?, ?)",
                            (site, key, pages, waiting))
        return crossed

    def staged_keys(self, url: str) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT key FROM staged WHERE url = ?", (url,))}


class SiteBoilerplatePipeline:
    """Scrapy step, after the duplicate check and before tokenisation: stages the article's
    raw line keys as evidence and removes the lines its site is already known to repeat."""

    def __init__(self, evidence: Evidence, stats=None):
        self.evidence, self.stats = evidence, stats
        self.learned = evidence.learned()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Evidence(crawler.settings.get("CORPUS_DIR")), crawler.stats)

    @any_item
    def process_item(self, item):
        self.evidence.stage(item.url, item.site, page_lines(item.text, item.lead))
        text = cleaned(item.text, item.lead, self.learned.get(item.site, ()))
        if text != item.text and self.stats:
            self.stats.inc_value("vnnews/site_boilerplate_rows")
        item.text = text
        return item

    def close_spider(self, spider=None):
        self.evidence.close()


def update(directory: str | Path, workers: int = 2, pool=None) -> dict:
    """Count the pages of the files committed since the last update, then clean (and
    re-tokenise) the rows holding a line learned since they were written. Rewrites are
    atomic, file by file, and the evidence is committed after them: re-running after a crash
    finishes the job. Both steps go file by file, and rewrites REWRITE_BATCH texts at a time,
    so memory does not grow with the size of the crawl. Re-tokenisation runs in `pool` (a
    pipelines.tokenize.TokenizerPool) when one is given, else in a pool of `workers`
    processes started when there are enough texts to pay for them."""
    directory = Path(directory)
    evidence = Evidence(directory)
    try:
        with evidence.transaction():
            counted = count_new_files(directory, evidence)
            learned = evidence.learned()
            rewritten = clean_files(directory, rows_to_check(counted), learned, workers, pool)
            evidence.db.execute("DELETE FROM staged")   # what is left never reached a file
        save_learned(directory, evidence, counted.sites)
        return {"sites": len(learned), "lines": sum(map(len, learned.values())),
                "pages_counted": counted.pages, "rows_cleaned": rewritten.rows,
                "files_rewritten": rewritten.files}
    finally:
        evidence.close()


def files_replaced(directory: str | Path, parts: list[tuple[list[str], str]]) -> None:
    """A compaction merged each part's files `old` into its file `new` (same rows, paths
    relative to the corpus): pages waiting on a line now wait in `new`, and `new` counts as
    counted when all of its `old` were (their rows were counted and cleaned already). The
    waiting lists are read once for all parts, WAITING_BATCH lines at a time: after a large
    first crawl they hold most short lines of every page."""
    if not parts or not (Path(directory) / STATE_DIR / EVIDENCE_FILE).exists():
        return
    moved = {path: new for old, new in parts for path in old}
    evidence = Evidence(directory)
    try:
        with evidence.transaction():
            counted = evidence.counted_files()
            evidence.db.executemany("INSERT OR IGNORE INTO counted_files VALUES (?)",
                                    [(new,) for old, new in parts if set(old) <= counted])
            evidence.db.executemany("DELETE FROM counted_files WHERE path = ?", [(p,) for p in moved])
            for site, key, waiting in _waiting_lines(evidence.db):
                pages = json.loads(waiting)
                if any(file in moved for _, file in pages):
                    pages = [[url, moved.get(file, file)] for url, file in pages]
                    evidence.db.execute("UPDATE lines SET waiting = ? WHERE site = ? AND key = ?",
                                        (json.dumps(pages), site, key))
    finally:
        evidence.close()


def _waiting_lines(db):
    """(site, key, waiting) of the lines still waiting, in key order, a batch at a time (the
    caller may update the rows of a batch before the next is read)."""
    after = ("", "")
    while batch := db.execute("SELECT site, key, waiting FROM lines WHERE waiting IS NOT NULL "
                              "AND (site, key) > (?, ?) ORDER BY site, key LIMIT ?",
                              (*after, WAITING_BATCH)).fetchall():
        yield from batch
        after = batch[-1][:2]


@dataclass
class Counted:
    """What count_new_files saw: the files newly counted, their pages and sites, and the
    (url, file) of waiting pages whose line reached MIN_PAGES."""
    files: list[str] = field(default_factory=list)
    pages: int = 0
    sites: set[str] = field(default_factory=set)
    crossed: list[tuple[str, str]] = field(default_factory=list)


def count_new_files(directory: Path, evidence: Evidence) -> Counted:
    """Count the pages of the files not counted yet, one file in memory at a time. A page's
    keys are the staged raw ones, else (a file written without the pipeline) those of its
    text."""
    done, counted = evidence.counted_files(), Counted()
    for path in corpus_files(directory):
        rel = path.relative_to(directory).as_posix()
        if rel in done:
            continue
        for row in read_rows(path):
            keys = evidence.staged_keys(row["url"]) or page_lines(row["text"], row["lead"])
            counted.crossed += evidence.count_page(row["url"], row["site"], keys, rel)
            counted.pages += 1
            counted.sites.add(row["site"])
        counted.files.append(rel)
        evidence.db.execute("INSERT INTO counted_files VALUES (?)", (rel,))
    return counted


def rows_to_check(counted: Counted) -> dict[str, set[str] | None]:
    """{file: the URLs to clean, or None for all its rows}: the new files whole, and the
    pages that waited on a line that has just been learned."""
    todo: dict[str, set[str] | None] = dict.fromkeys(counted.files)
    for url, rel in counted.crossed:
        if rel not in todo:
            todo[rel] = set()
        if todo[rel] is not None:
            todo[rel].add(url)
    return todo


def read_rows(path: Path) -> list[dict]:
    return read_file(path, READ_COLUMNS).to_pylist()


@dataclass
class Rewritten:
    rows: int = 0
    files: int = 0


def clean_files(directory: Path, todo: dict[str, set[str] | None], learned, workers: int,
                pool=None) -> Rewritten:
    """Clean the rows named in `todo` and rewrite the files they change, a batch at a time,
    through `pool`, or one tokenizer pool sized by the first batch."""
    done = Rewritten()
    with ExitStack() as stack:
        for batch, texts in change_batches(directory, todo, learned):
            if pool is None:
                from pipelines.tokenize import TokenizerPool
                pool = stack.enter_context(TokenizerPool(workers if texts > POOL_MIN_TEXTS else 0))
            rewrite(directory, batch, pool)
            done.rows += texts
            done.files += len(batch)
    return done


def change_batches(directory: Path, todo: dict[str, set[str] | None], learned):
    """({file: {url: cleaned text}}, number of texts) of the rows the learned lines change,
    about REWRITE_BATCH texts at a time, read file by file (files deleted since are skipped)."""
    batch, texts = {}, 0
    for rel, urls in sorted(todo.items()):
        if not (directory / rel).exists():
            continue
        rows = [row for row in read_rows(directory / rel) if urls is None or row["url"] in urls]
        if changes := text_changes(rows, learned):
            batch[rel] = changes
            texts += len(changes)
        if texts >= REWRITE_BATCH:
            yield batch, texts
            batch, texts = {}, 0
    if batch:
        yield batch, texts


def text_changes(rows, learned) -> dict[str, str]:
    """{url: cleaned text} of the rows the learned lines change."""
    changes = {}
    for row in rows:
        text = cleaned(row["text"], row["lead"], learned.get(row["site"], ()))
        if text != (row["text"] or ""):
            changes[row["url"]] = text
    return changes


def rewrite(directory: Path, changes: dict[str, dict[str, str]], pool) -> None:
    """Put the new texts (and their tokens) into their files, atomically."""
    texts = [t for file_changes in changes.values() for t in file_changes.values()]
    tokenized = dict(zip(texts, pool.map(texts)))
    for rel, file_changes in sorted(changes.items()):
        path = directory / rel
        write_atomic(_replaced(read_file(path), file_changes, tokenized), path)


def _replaced(table: pa.Table, file_changes: dict[str, str], tokenized: dict) -> pa.Table:
    rows = table.to_pylist()
    for row in rows:
        if row["url"] in file_changes:
            row["text"] = file_changes[row["url"]]
            row["tokens"], row["n_words"], row["n_sentences"] = tokenized[row["text"]]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def save_learned(directory: Path, evidence: Evidence, sites) -> None:
    for site in sorted(sites):
        path = directory / STATE_DIR / f"{site}.json"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps({"min_pages": MIN_PAGES, "max_words": MAX_WORDS,
                                   "lines": evidence.counts(site)}, ensure_ascii=False, indent=1),
                       encoding="utf-8")
        os.replace(tmp, path)
