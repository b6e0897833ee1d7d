"""Site-level boilerplate learning: short lines that recur on many pages of one site (a
menu or footer line, a "most read" headline, a standard sign-off that no rule names) are
removed from `text`, and the rows they were in are re-tokenised.

It runs over the whole corpus at the end of every crawl (under the run lock), so its result
depends only on the set of pages, never on the order they were fetched in: a line found on
MIN_PAGES pages of a site is removed from every page of that site, earlier runs included.
Near-duplicate copies (dup_of set) do not count, so a story republished on one site cannot
make its own paragraphs look like boilerplate. The lead is never removed. What was learned
is written to DIR/_boilerplate/<site>.json for inspection.
"""
from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.reader import scan
from corpus.schema import SCHEMA
from corpus.writer import write_atomic
from pipelines.normalize import content_hash
from pipelines.text_keys import line_key

MIN_PAGES = 5          # a line on this many distinct pages of a site is boilerplate...
MAX_WORDS = 30         # ...when it is short: article paragraphs are long and unique
STATE_DIR = "_boilerplate"
POOL_MIN_TEXTS = 50    # below this, starting worker processes costs more than it saves
READ_COLUMNS = ["url", "site", "lead", "text", "dup_of"]


def page_lines(row: dict) -> set[str]:
    """Keys of the short lines of a page that may count as boilerplate (not its lead)."""
    if row["dup_of"]:
        return set()
    return {line_key(line) for line in (row["text"] or "").splitlines()
            if len(line.split()) <= MAX_WORDS and line != row["lead"]} - {""}


def learn(rows) -> dict[str, int]:
    """{line key: pages} of the lines found on at least MIN_PAGES of these pages."""
    pages = Counter()
    for row in rows:
        pages.update(page_lines(row))
    return {key: n for key, n in sorted(pages.items()) if n >= MIN_PAGES}


def cleaned(row: dict, repeated: dict[str, int]) -> str:
    lines = (row["text"] or "").splitlines()
    kept = [line for line in lines if line == row["lead"] or line_key(line) not in repeated]
    return "\n".join(kept)


def site_files(directory: Path) -> dict[str, list[str]]:
    """{site: its parquet files}: DIR/<site>/<month>/*.parquet."""
    files = defaultdict(list)
    for path in sorted(scan(directory).files):
        files[Path(path).relative_to(directory).parts[0]].append(path)
    return files


def site_rows(paths: list[str]):
    """(file, row) of a site's rows, one file in memory at a time."""
    for path in paths:
        for row in pq.read_table(path, columns=READ_COLUMNS, schema=SCHEMA).to_pylist():
            yield path, row


def update(directory: str | Path, workers: int = 2) -> dict:
    """Learn each site's repeated lines over the whole corpus and rewrite the rows holding
    them (atomically, file by file; re-running after a crash finishes the job). One site at a
    time, two passes over its files: memory holds line counts, not the corpus."""
    directory = Path(directory)
    learned, changes = {}, defaultdict(dict)          # changes: file -> {url: new text}
    for site, paths in site_files(directory).items():
        learned[site] = repeated = learn(row for _, row in site_rows(paths))
        if not repeated:
            continue
        for path, row in site_rows(paths):
            if (text := cleaned(row, repeated)) != (row["text"] or ""):
                changes[path][row["url"]] = text
    rewrite(changes, workers)
    save_learned(directory, learned)
    return {"sites": sum(1 for v in learned.values() if v), "lines": sum(map(len, learned.values())),
            "rows_cleaned": sum(map(len, changes.values())), "files_rewritten": len(changes)}


def rewrite(changes: dict[str, dict[str, str]], workers: int) -> None:
    from pipelines.tokenize import TokenizerPool
    texts = [t for file_changes in changes.values() for t in file_changes.values()]
    if not texts:
        return
    with TokenizerPool(workers if len(texts) > POOL_MIN_TEXTS else 0) as pool:
        tokenized = dict(zip(texts, pool.map(texts)))
    for path, file_changes in sorted(changes.items()):
        table = pq.read_table(path, schema=SCHEMA)
        write_atomic(_replaced(table, file_changes, tokenized), Path(path))


def _replaced(table: pa.Table, file_changes: dict[str, str], tokenized: dict) -> pa.Table:
    rows = table.to_pylist()
    for row in rows:
        if row["url"] in file_changes:
            row["text"] = file_changes[row["url"]]
            row["tokens"], row["n_words"], row["n_sentences"] = tokenized[row["text"]]
            row["content_hash"] = content_hash(row["text"])
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def save_learned(directory: Path, learned: dict) -> None:
    folder = directory / STATE_DIR
    folder.mkdir(exist_ok=True)
    for site, lines in learned.items():
        path = folder / f"{site}.json"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps({"min_pages": MIN_PAGES, "max_words": MAX_WORDS, "lines": lines},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
