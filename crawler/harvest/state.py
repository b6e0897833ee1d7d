"""Harvest state in DIR/_state.sqlite: what the corpus already holds and what each feed or
listing page last answered, so a scheduled run fetches only what is new.

Commit order (exactly once across crashes): a parquet file is written, fsynced and renamed
first; only then are its articles marked here. A crash between the two leaves a committed file
this store does not know: `reconcile()` imports such files at the start of the next run, so
nothing is lost and nothing is fetched twice.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq

STATE_FILE = "_state.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_urls (
    url TEXT PRIMARY KEY,      -- canonical or as linked, on the site's own domain
    site TEXT, status TEXT,    -- saved | dropped:<Reason> | gone:<HTTP status>
    run_id TEXT, seen_at TEXT);
CREATE TABLE IF NOT EXISTS hashes (content_hash TEXT PRIMARY KEY, url TEXT);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, run_id TEXT, rows INTEGER);
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked_at TEXT);
CREATE TABLE IF NOT EXISTS site_runs (
    run_id TEXT, site TEXT, new_articles INTEGER, article_pages INTEGER,
    no_text_pages INTEGER, fill_rates TEXT, finished_at TEXT, PRIMARY KEY (run_id, site));
"""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class HarvestState:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.directory / STATE_FILE, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- what the corpus holds ------------------------------------------------------
    def reconcile(self) -> int:
        """Import committed parquet files this store does not know yet; returns their count."""
        known = {row[0] for row in self.db.execute("SELECT path FROM files")}
        imported = 0
        for path in sorted(self.directory.rglob("*.parquet")):
            rel = path.relative_to(self.directory).as_posix()
            if rel in known or any(p.startswith((".", "_")) for p in rel.split("/")):
                continue
            table = pq.read_table(path, columns=["url", "fetched_url", "site", "content_hash", "run_id"])
            self.mark_file(rel, table.to_pylist())
            imported += 1
        return imported

    def mark_file(self, rel_path: str, rows: list[dict]) -> None:
        """Record a committed file and its articles in one transaction."""
        run_id = rows[0]["run_id"] if rows else None
        with self.transaction():
            for row in rows:
                for url in {row.get("url"), row.get("fetched_url")} - {None}:
                    self._seen(url, row["site"], "saved", row.get("run_id"))
                if row.get("content_hash"):
                    self.db.execute("INSERT OR IGNORE INTO hashes VALUES (?, ?)",
                                    (row["content_hash"], row["url"]))
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                            (rel_path, run_id, len(rows)))

    def replace_files(self, old: list[str], new: str, rows: int) -> None:
        """A compaction merged `old` into `new` (the same `rows` rows): the file list follows."""
        with self.transaction():
            self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in old])
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (new, None, rows))

    def mark_seen(self, urls, site: str, status: str, run_id: str | None) -> None:
        """Pages that will never give a row (dropped, gone): do not fetch them again."""
        with self.transaction():
            for url in set(urls) - {None}:
                self._seen(url, site, status, run_id)

    def _seen(self, url, site, status, run_id) -> None:
        # A saved row outranks an earlier drop of the same URL.
        self.db.execute(
            "INSERT INTO seen_urls VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
            "status = excluded.status, run_id = excluded.run_id, seen_at = excluded.seen_at "
            "WHERE excluded.status = 'saved'", (url, site, status, run_id, now()))

    def sites_seen(self) -> set[str]:
        """Sites with an article page on record (saved or dropped) from any run."""
        return {row[0] for row in self.db.execute("SELECT DISTINCT site FROM seen_urls")}

    def seen_urls(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT url FROM seen_urls")}

    def saved_keys(self) -> tuple[set[str], set[str]]:
        """(URLs of saved rows, content hashes): the cross-run dedup keys."""
        urls = {r[0] for r in self.db.execute("SELECT url FROM seen_urls WHERE status = 'saved'")}
        return urls, {r[0] for r in self.db.execute("SELECT content_hash FROM hashes")}

    # -- conditional GET --------------------------------------------------------------
    def validators(self) -> dict[str, tuple[str | None, str | None]]:
        return {url: (etag, modified) for url, etag, modified, _ in
                self.db.execute("SELECT * FROM validators")}

    def save_validators(self, items: dict[str, tuple[str | None, str | None]]) -> None:
        with self.transaction():
            for url, (etag, modified) in items.items():
                self.db.execute("INSERT OR REPLACE INTO validators VALUES (?, ?, ?, ?)",
                                (url, etag, modified, now()))

    # -- per-site history (drift) -------------------------------------------------------
    def record_site_run(self, run_id: str, site: str, new: int, pages: int, no_text: int,
                        fill_rates: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO site_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (run_id, site, new, pages, no_text, fill_rates, now()))

    def site_history(self, site: str, limit: int = 20) -> list[tuple]:
        return list(self.db.execute(
            "SELECT run_id, new_articles, article_pages, no_text_pages, fill_rates FROM site_runs "
            "WHERE site = ? ORDER BY finished_at DESC, run_id DESC LIMIT ?", (site, limit)))

    def transaction(self):
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, tb):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def follow_compaction(directory: Path, done) -> None:
    """After a compaction (`done`: corpus.compact.Compacted parts), point the harvest state's
    file list and the whole-corpus passes' indexes at the merged files; each only if the
    corpus has it. Called under the run lock (the harvest's compaction, `corpus compact`)."""
    from corpus import neardup
    from crawler.harvest import site_boilerplate
    moves = [(part.old, part.new) for part in done]
    site_boilerplate.files_replaced(directory, moves)
    neardup.files_replaced(directory, moves)
    if not done or not (Path(directory) / STATE_FILE).exists():
        return
    state = HarvestState(directory)
    try:
        for part in done:
            state.replace_files(part.old, part.new, part.rows)
    finally:
        state.close()


def remove_stale_temp_files(directory: Path) -> int:
    """Temp files of a run that crashed mid-write: never committed, safe to delete (lock held)."""
    stale = list(Path(directory).rglob(".*.parquet.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def state_for(crawler) -> HarvestState:
    """The crawl's one HarvestState (CORPUS_DIR), reconciled with the parquet files on first use."""
    if getattr(crawler, "vnnews_state", None) is None:
        state = HarvestState(crawler.settings.get("CORPUS_DIR"))
        state.reconcile()
        crawler.vnnews_state = state
    return crawler.vnnews_state


def saved_keys_for(crawler) -> tuple[set[str], set[str]]:
    """(URLs, content hashes) the corpus holds: the DEDUP_KNOWN_KEYS service of our crawls."""
    return state_for(crawler).saved_keys()
