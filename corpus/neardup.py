"""Near-duplicate marking: provincial papers republish each other's and national articles,
edited a little, with their own boilerplate, or cut short. Exact copies are dropped at crawl
time (`content_hash`); near-copies are kept and marked in the rows:

- `dup_cluster`: the cluster of near-duplicates the row belongs to, named by the
  `content_hash` of its canonical member (null when the row has no near-duplicate);
- `dup_of`: the `url` of the canonical member (null for the canonical member itself).

The canonical member is the earliest published (undated last); ties go to the provincial
paper of the story's province (the row's `province` is named in its title or text), then to
the smallest URL. Marks depend only on the set of articles, never on crawl order.

Method. Each article's `text` is casefolded and cut into words (space-separated syllables,
punctuation dropped); its shingles are the runs of SHINGLE_WORDS = 5 consecutive words.
datasketch MinHash (NUM_PERM = 128 permutations, affine32 scheme, SHA-1 32-bit hash, seed 1)
sketches each shingle set: corpus/minhash.py computes the same values without importing
datasketch (its import, with scipy, costs ~1.4 s and ~56 MB per process; the crawl's
tokenizer workers sketch). Candidates are found by LSH banding: the band layout that
datasketch's MinHashLSH chooses for a Jaccard threshold of LSH_THRESHOLD = 0.3 (LSH_BANDS = 37
bands of LSH_ROWS = 3 values; tests check both against datasketch), grouped band by band with
numpy over the whole signature matrix. (MinHashLSH's own
in-memory index took over 1.2 GB and 15 s to build for 100k articles; the numpy grouping takes
about 5 s and 50 MB, and gives the same candidates: tests/test_neardup.py checks it.)

The threshold: a candidate pair is a near-duplicate when the estimated containment of the
smaller shingle set in the larger is at least MIN_CONTAINMENT = 0.6, where
containment = J / (1 + J) * (|A| + |B|) / min(|A|, |B|) and J is the MinHash estimate of the
Jaccard similarity. Containment, not Jaccard, because a republication cut to its first half
has J = 0.5 but containment 1. Clusters are the connected components of near-duplicate pairs.
On the generated test set of benchmarks/bench_corpus.py (1-3 % of words edited, other
boilerplate, truncation to 45-90 %; negatives: other articles on the same topic, sharing up
to a third of their sentences) this gives pair precision 0.999 and recall 0.97.

State: an index on disk, DIR/_neardup/index.sqlite, so that a crawl's cost grows with what
it adds, not with the corpus: per article its signature, shingle count, canonical-choice keys,
file, cluster and marks; per LSH band value the articles holding it; per corpus file the size
and mtime last seen. `update(DIR)` reads only the files that changed since (new runs, files
rewritten by the site-boilerplate pass, deleted files), sketches the new or changed texts,
finds their candidates through the band index, and recomputes the clusters of the region they
touch: the dirty articles, their candidates, and every member of those clusters (edges between
untouched articles never change, so that region is closed). Marks are then the connected
components of the whole corpus's near-duplicate graph, as a full recomputation would give.
Files whose marks differ are rewritten atomically (temp dot-file, fsync, rename) with the same
schema. Two SQLite transactions: the sketches first (with the dirty articles queued), then the
marks, committed after the rewrites; a crash at any point leaves valid files and the next run
finishes the job.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import sqlite3
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version as _version
from pathlib import Path

import numpy as np
import pyarrow as pa

from corpus import minhash
from corpus.minhash import SHINGLE_WORDS, province_named, shingles  # noqa: F401 (API)
from corpus.reader import files as corpus_files, read_file
from corpus.schema import SCHEMA
from corpus.writer import write_atomic

logger = logging.getLogger(__name__)

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
LSH_THRESHOLD = 0.3
MIN_CONTAINMENT = 0.6
STATE_DIR = "_neardup"
STATE_FILE = "index.sqlite"
LEGACY_STATE_FILE = "signatures.arrow"     # the full-rescan state before the index
LSH_BANDS, LSH_ROWS = 37, 3    # what MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM) picks
# Signatures made under other settings (or another datasketch, whose permutations might
# differ) cannot be compared: the index is rebuilt then.
STATE_META = {"version": "2", "shingle_words": str(SHINGLE_WORDS), "num_perm": str(NUM_PERM),
              "seed": str(SEED), "scheme": SCHEME, "hash": "sha1_hash32",
              "datasketch": _version("datasketch")}   # the values equal this datasketch's
INDEX_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, url TEXT UNIQUE, file TEXT, content_hash TEXT, text_hash TEXT,
    n_shingles INTEGER, province_named INTEGER, published INTEGER,   -- published: us, undated null
    cluster INTEGER, dup_of TEXT, dup_cluster TEXT,                  -- marks as in the file
    signature BLOB);
CREATE INDEX IF NOT EXISTS docs_file ON docs (file);
CREATE INDEX IF NOT EXISTS docs_cluster ON docs (cluster);
CREATE TABLE IF NOT EXISTS bands (key INTEGER, doc INTEGER, PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dirty (doc INTEGER PRIMARY KEY);        -- to recompute
CREATE TABLE IF NOT EXISTS dirty_clusters (cluster INTEGER PRIMARY KEY);
"""
READ_COLUMNS = ["url", "content_hash", "published_at", "province", "title", "text",
                "dup_of", "dup_cluster"]
SQL_CHUNK = 900        # bound parameters per statement
PAIR_CHUNK = 250_000    # LSH candidate pairs held at a time (16 bytes each)
JOB_ROWS = 500          # rows per sketching job (4 jobs per worker in flight)
REGION_FETCH = 2000     # index rows read at a time into the region's arrays


# -- sketches (corpus/minhash.py) ----------------------------------------------------
@functools.cache
def scheme() -> minhash.Scheme:
    """datasketch's permutations for (NUM_PERM, SEED, SCHEME) and its band layout."""
    return minhash.Scheme(*minhash.affine32_permutations(NUM_PERM, SEED), *bands())


def sketch(text: str | None) -> tuple[np.ndarray, int]:
    """(MinHash signature as uint32[NUM_PERM], number of distinct shingles)."""
    return minhash.sketch(text, scheme())


def band_keys(signature: np.ndarray) -> list[int]:
    """One 64-bit key per LSH band: the band's number and values, hashed."""
    return minhash.band_keys(signature, scheme())


# -- similarity ----------------------------------------------------------------------
def candidate_pairs(signatures: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) that share at least one LSH band, as an (m, 2) int64 array."""
    found = list(candidate_pair_chunks(signatures, usable))
    pairs = np.concatenate(found) if found else np.empty((0, 2), np.int64)
    return np.unique(pairs, axis=0).reshape(-1, 2)


def near_duplicate_pairs(signatures: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Candidate pairs whose estimated containment reaches MIN_CONTAINMENT, (m, 2) int64.
    Filtered chunk by chunk: texts that share common sentences put thousands of texts in one
    band bucket, and the candidates of a corpus can number hundreds of millions while the
    near-duplicates are few."""
    kept = [pairs[containment(signatures, sizes, pairs) >= MIN_CONTAINMENT]
            for pairs in candidate_pair_chunks(signatures, sizes > 0)]
    pairs = np.concatenate(kept) if kept else np.empty((0, 2), np.int64)
    return np.unique(pairs, axis=0).reshape(-1, 2)


def candidate_pair_chunks(signatures: np.ndarray, usable: np.ndarray, chunk: int | None = None):
    """The pairs (i < j) of usable rows sharing an LSH band, as (m, 2) int64 arrays of about
    `chunk` (PAIR_CHUNK) pairs at most; a pair sharing several bands comes once per band."""
    chunk = chunk or PAIR_CHUNK
    rows = np.flatnonzero(usable)  # empty texts all share the "no shingle" signature
    n_bands, width = bands()
    for b in range(n_bands):
        for pairs in _band_pairs(signatures[rows, b * width:(b + 1) * width], chunk):
            yield rows[pairs]


def _band_pairs(band: np.ndarray, chunk: int):
    """All pairs of rows whose band values are identical (buckets of any size), in chunks."""
    _, bucket = np.unique(band, axis=0, return_inverse=True)
    order = np.argsort(bucket.ravel(), kind="stable")
    sorted_bucket = bucket.ravel()[order]
    starts = np.flatnonzero(np.r_[True, sorted_bucket[1:] != sorted_bucket[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    two = starts[sizes == 2]
    for first in range(0, len(two), chunk):
        pair_start = two[first:first + chunk]
        yield np.sort(np.column_stack((order[pair_start], order[pair_start + 1])), axis=1)
    held, count = [], 0
    for start, size in zip(starts[sizes > 2], sizes[sizes > 2]):   # 3+ in one bucket
        for block in _bucket_pairs(order[start:start + size], chunk):
            held.append(block)
            count += len(block)
            if count >= chunk:
                yield np.sort(np.concatenate(held), axis=1)
                held, count = [], 0
    if held:
        yield np.sort(np.concatenate(held), axis=1)


def _bucket_pairs(members: np.ndarray, chunk: int):
    """Every pair of one bucket's members, about `chunk` pairs at a time."""
    size = len(members)
    step = max(1, chunk // size)
    for first in range(0, size - 1, step):
        i = np.arange(first, min(first + step, size - 1))
        partners = size - 1 - i                      # member i pairs with i+1 .. size-1
        left = np.repeat(i, partners)
        offset = np.arange(partners.sum()) - np.repeat(np.cumsum(partners) - partners, partners)
        yield np.column_stack((members[left], members[left + 1 + offset])).astype(np.int64)


def containment(signatures: np.ndarray, sizes: np.ndarray, pairs: np.ndarray,
                chunk: int = 20_000) -> np.ndarray:
    """Estimated containment of the smaller shingle set in the larger, per pair."""
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), chunk):
        i, j = pairs[start:start + chunk].T
        jaccard = (signatures[i] == signatures[j]).mean(axis=1)
        total, smaller = sizes[i] + sizes[j], np.minimum(sizes[i], sizes[j])
        out[start:start + chunk] = np.minimum(1.0, jaccard / (1 + jaccard) * total / smaller)
    return out


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected-component label of each of n nodes."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    graph = coo_matrix((np.ones(len(pairs), np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def canonical_heads(region: Region, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of each article's canonical member, whether its cluster has 2+ members):
    earliest published (undated last), then the paper of the province it names, then the
    smallest URL."""
    order = np.lexsort((region.url_rank, ~region.province_named, region.published, labels))
    first = np.r_[True, labels[order][1:] != labels[order][:-1]]
    canonical_pos = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    head = np.empty(len(order), np.int64)
    head[order] = order[canonical_pos]
    return head, np.bincount(labels)[labels] > 1


# -- the index -----------------------------------------------------------------------
def state_path(directory: str | Path) -> Path:
    return Path(directory) / STATE_DIR / STATE_FILE


def open_index(directory: Path) -> sqlite3.Connection:
    """The index, emptied first when it was made under other settings."""
    (directory / STATE_DIR / LEGACY_STATE_FILE).unlink(missing_ok=True)
    db = sqlite3.connect(state_path(directory), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(INDEX_SCHEMA)
    meta = dict(db.execute("SELECT name, value FROM meta"))
    if meta != STATE_META:
        if meta:
            logger.info("near-duplicate index %s is from other settings: rebuilding", directory)
        with transaction(db):
            for table in ("meta", "files", "docs", "bands", "dirty", "dirty_clusters"):
                db.execute(f"DELETE FROM {table}")
            db.executemany("INSERT INTO meta VALUES (?, ?)", STATE_META.items())
    return db


@contextmanager
def transaction(db: sqlite3.Connection):
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def _locked(directory: Path):
    """One update at a time per corpus (cron runs may overlap with a manual one)."""
    (directory / STATE_DIR).mkdir(exist_ok=True)
    with open(directory / STATE_DIR / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def bands() -> tuple[int, int]:
    """(bands, rows per band): what datasketch's MinHashLSH picks for LSH_THRESHOLD."""
    return LSH_BANDS, LSH_ROWS


def in_chunks(db, query: str, values) -> list[tuple]:
    """`query` with one `IN (%s)` over many values, a chunk at a time."""
    values, found = list(values), []
    for start in range(0, len(values), SQL_CHUNK):
        chunk = values[start:start + SQL_CHUNK]
        found += db.execute(query % ",".join("?" * len(chunk)), chunk).fetchall()
    return found


# -- phase 1: what changed in the corpus ---------------------------------------------
def ingest(db, directory: Path, pool=None) -> int:
    """Index the files that are new, changed or gone since the last update; returns how
    many texts were sketched. Touched articles and clusters are queued in `dirty*`.
    Files are read here, JOB_ROWS rows at a time, and their new texts sketched by
    `minhash.sketch_rows`, in `pool`'s workers when there is one (sketching is most of the
    pass's CPU); rows are indexed here, in file order."""
    seen = {path: (mtime, size) for path, mtime, size in db.execute("SELECT * FROM files")}
    on_disk = {}
    for path in corpus_files(directory):
        stat = path.stat()
        on_disk[path.relative_to(directory).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    for rel in sorted(set(seen) - set(on_disk)):
        remove_file_docs(db, rel, keep=set())
        db.execute("DELETE FROM files WHERE path = ?", (rel,))
    changed = [rel for rel, stamp in sorted(on_disk.items()) if seen.get(rel) != stamp]
    sketched, urls = 0, set()
    for (rel, last), rows in _run(pool, minhash.sketch_rows, sketch_jobs(db, directory, changed)):
        urls.update(row["url"] for row in rows)
        sketched += sum(ingest_row(db, row, rel) for row in rows)
        if last:                   # the file's articles that are gone leave the index
            remove_file_docs(db, rel, keep=urls)
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (rel, *on_disk[rel]))
            urls = set()
    return sketched


def sketch_jobs(db, directory: Path, changed: list[str]):
    """minhash.sketch_rows jobs: ((file, last chunk of it?), JOB_ROWS rows, what the index
    holds of those rows, scheme). One file's table is held at a time; the jobs in flight
    hold their rows only (a compacted partition can be a large file)."""
    for rel in changed:
        table = read_file(directory / rel, READ_COLUMNS)
        # Indexing a file touches no other file's rows, so what the index holds of this one
        # is right though the files ahead of it are not indexed yet. A URL's first row takes
        # its entry: later rows of the same URL are sketched (see sketch_rows).
        known = known_rows(db, rel)
        for start in range(0, max(table.num_rows, 1), JOB_ROWS):
            rows = table.slice(start, JOB_ROWS).to_pylist()
            for row in rows:
                row["published"] = _micros(row.pop("published_at"))
            held = {row["url"]: known.pop(row["url"]) for row in rows if row["url"] in known}
            yield (rel, start + JOB_ROWS >= table.num_rows), rows, held, scheme()


def _run(pool, fn, jobs):
    """fn over jobs, in order: in the pool's workers, or here without a pool."""
    return pool.imap(fn, jobs) if pool is not None else map(fn, jobs)


def known_rows(db, rel: str) -> dict[str, tuple[str, int | None]]:
    """{url: (text_hash, published)} of the articles indexed from file `rel`."""
    return {url: (text_hash, published) for url, text_hash, published in db.execute(
        "SELECT url, text_hash, published FROM docs WHERE file = ?", (rel,))}


def ingest_row(db, row: dict, rel: str) -> int:
    """1 if the row's text was sketched (new, or its text or date changed), else 0."""
    found = db.execute("SELECT id, file, text_hash, published FROM docs WHERE url = ?",
                       (row["url"],)).fetchone()
    if found and found[1] != rel:
        return 0                   # a URL twice in the corpus is indexed once, where first seen
    if found and (found[2], found[3]) == (row["text_hash"], row["published"]):
        db.execute("UPDATE docs SET dup_of = ?, dup_cluster = ? WHERE id = ?",
                   (row["dup_of"], row["dup_cluster"], found[0]))
        return 0
    if found:
        remove_doc(db, found[0])
    add_doc(db, row, rel)
    return 1


def _micros(when) -> int | None:
    return None if when is None else int(pa.scalar(when, pa.timestamp("us", tz="UTC")).value)


def add_doc(db, row: dict, rel: str) -> None:
    """Index one row as minhash.sketch_rows gives it (with its sketch)."""
    doc = db.execute(
        "INSERT INTO docs (url, file, content_hash, text_hash, n_shingles, province_named, "
        "published, dup_of, dup_cluster, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row["url"], rel, row["content_hash"], row["text_hash"], row["n_shingles"],
         row["province_named"], row["published"], row["dup_of"], row["dup_cluster"],
         row["signature"])).lastrowid
    db.execute("UPDATE docs SET cluster = id WHERE id = ?", (doc,))
    # empty texts all share the "no shingle" signature: they have no band keys
    db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(key, doc) for key in row["band_keys"]])
    db.execute("INSERT OR IGNORE INTO dirty VALUES (?)", (doc,))


def remove_doc(db, doc: int) -> None:
    """Forget an article; its cluster is recomputed (it may fall apart without it)."""
    cluster, blob = db.execute("SELECT cluster, signature FROM docs WHERE id = ?", (doc,)).fetchone()
    db.executemany("DELETE FROM bands WHERE key = ? AND doc = ?",
                   [(key, doc) for key in band_keys(np.frombuffer(blob, np.uint32))])
    db.execute("DELETE FROM docs WHERE id = ?", (doc,))
    db.execute("DELETE FROM dirty WHERE doc = ?", (doc,))
    db.execute("INSERT OR IGNORE INTO dirty_clusters VALUES (?)", (cluster,))


def remove_file_docs(db, rel: str, keep: set[str]) -> None:
    for doc, url in db.execute("SELECT id, url FROM docs WHERE file = ?", (rel,)).fetchall():
        if url not in keep:
            remove_doc(db, doc)


# -- phase 2: the clusters the changes touch -----------------------------------------
def closed_region(db) -> list[int]:
    """The dirty articles, their LSH candidates, and every member of their clusters (and of
    clusters that lost a member): no near-duplicate edge leaves this set. The dirty
    articles' band keys (37 per article) go to a temporary table, not to Python memory."""
    dirty = [row[0] for row in db.execute("SELECT doc FROM dirty")]
    db.execute("CREATE TEMP TABLE IF NOT EXISTS region_keys (key INTEGER PRIMARY KEY) WITHOUT ROWID")
    db.execute("DELETE FROM region_keys")
    for start in range(0, len(dirty), SQL_CHUNK):
        blobs = in_chunks(db, "SELECT signature FROM docs WHERE id IN (%s)", dirty[start:start + SQL_CHUNK])
        db.executemany("INSERT OR IGNORE INTO region_keys VALUES (?)",
                       [(key,) for (blob,) in blobs for key in band_keys(np.frombuffer(blob, np.uint32))])
    region = set(dirty) | {row[0] for row in db.execute(
        "SELECT DISTINCT doc FROM bands WHERE key IN (SELECT key FROM region_keys)")}
    clusters = {row[0] for row in in_chunks(db, "SELECT cluster FROM docs WHERE id IN (%s)", region)}
    clusters |= {row[0] for row in db.execute("SELECT cluster FROM dirty_clusters")}
    return sorted({row[0] for row in in_chunks(db, "SELECT id FROM docs WHERE cluster IN (%s)", clusters)})


@dataclass
class Region:
    """The closed region's articles as arrays, in id order: what the marks are computed
    from. Their strings (URL, file, marks) are read later, and only for the articles whose
    marks can change (see stale_marks)."""
    ids: np.ndarray             # int64, ascending
    sizes: np.ndarray           # shingle counts
    published: np.ndarray       # int64 us, undated = max
    province_named: np.ndarray  # bool
    url_rank: np.ndarray        # rank of the URL among the region's
    signatures: np.ndarray      # uint32 (n, NUM_PERM)


def load_region(db, ids: list[int]) -> Region:
    """The region's arrays filled from the index REGION_FETCH rows at a time. (Holding every
    row as a tuple with its signature as bytes cost ~60 MB more at 50,000 articles: the
    pass's memory peak grew with the corpus.)"""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS region (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM region")
    db.executemany("INSERT INTO region VALUES (?)", ((doc,) for doc in ids))
    n = len(ids)
    region = Region(np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64),
                    np.empty(n, bool), np.empty(n, np.int64), np.empty((n, NUM_PERM), np.uint32))
    cursor = db.execute("SELECT id, n_shingles, published, province_named, signature "
                        "FROM docs JOIN region USING (id) ORDER BY id")
    undated, filled = np.iinfo(np.int64).max, 0
    while rows := cursor.fetchmany(REGION_FETCH):
        end = filled + len(rows)
        region.ids[filled:end] = [row[0] for row in rows]
        region.sizes[filled:end] = [row[1] for row in rows]
        region.published[filled:end] = [undated if row[2] is None else row[2] for row in rows]
        region.province_named[filled:end] = [bool(row[3]) for row in rows]
        region.signatures[filled:end] = np.frombuffer(
            b"".join(row[4] for row in rows), np.uint32).reshape(-1, NUM_PERM)
        filled = end
    by_url = np.fromiter((row[0] for row in db.execute(
        "SELECT id FROM docs JOIN region USING (id) ORDER BY url")), np.int64, count=n)
    region.url_rank[np.searchsorted(region.ids, by_url)] = np.arange(n)
    return region


def cluster_ids(ids: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each article's cluster id: the smallest article id of its component."""
    smallest = np.full(labels.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(smallest, labels, ids)
    return smallest[labels]


def stale_marks(db, region: Region, head: np.ndarray, grouped: np.ndarray) -> dict:
    """{file: {url: (dup_of, dup_cluster)}} of the region's articles whose marks change.
    Only articles in a cluster now, or marked before, can change: their strings (and their
    canonical members') are read, not the whole region's."""
    marked = np.fromiter((row[0] for row in db.execute(
        "SELECT id FROM docs JOIN region USING (id) "
        "WHERE dup_of IS NOT NULL OR dup_cluster IS NOT NULL")), np.int64)
    positions = np.union1d(np.flatnonzero(grouped), np.searchsorted(region.ids, marked))
    info = {row[0]: row[1:] for row in in_chunks(
        db, "SELECT id, url, file, content_hash, dup_of, dup_cluster FROM docs WHERE id IN (%s)",
        region.ids[np.union1d(positions, head[positions])].tolist())}
    stale = defaultdict(dict)
    for pos in positions.tolist():
        url, rel, _, *old = info[int(region.ids[pos])]
        marks = (None, None)
        if grouped[pos]:
            head_url, _, content_hash, _, _ = info[int(region.ids[head[pos]])]
            # the cluster's name; a row without content_hash (never written by the crawler) gets one
            name = content_hash or hashlib.blake2b(head_url.encode(), digest_size=16).hexdigest()
            marks = (head_url if head[pos] != pos else None, name)
        if marks != tuple(old):
            stale[rel][url] = marks
    return stale


def recompute(db, directory: Path) -> tuple[int, int]:
    """Recompute the marks of the region the changes touch; rewrite the files whose marks
    differ, then record them. Returns (near-duplicate pairs in the region, files rewritten)."""
    region = load_region(db, closed_region(db))
    n_pairs, stale = 0, {}
    if len(region.ids):
        pairs = near_duplicate_pairs(region.signatures, region.sizes)
        labels = components(len(region.ids), pairs)
        db.executemany("UPDATE docs SET cluster = ? WHERE id = ?",
                       zip(cluster_ids(region.ids, labels).tolist(), region.ids.tolist()))
        stale = stale_marks(db, region, *canonical_heads(region, labels))
        n_pairs = len(pairs)
    for rel, marks in sorted(stale.items()):
        rewrite_marks(db, directory, rel, marks)
    db.execute("DELETE FROM dirty")
    db.execute("DELETE FROM dirty_clusters")
    return n_pairs, len(stale)


def rewrite_marks(db, directory: Path, rel: str, marks: dict) -> None:
    """Put new marks into one file, atomically, and remember them and the file's new stamp."""
    path = directory / rel
    write_atomic(_marked(read_file(path), marks), path)
    db.executemany("UPDATE docs SET dup_of = ?, dup_cluster = ? WHERE url = ? AND file = ?",
                   [(d, c, url, rel) for url, (d, c) in marks.items()])
    stat = path.stat()
    db.execute("UPDATE files SET mtime_ns = ?, size = ? WHERE path = ?",
               (stat.st_mtime_ns, stat.st_size, rel))


def _marked(table: pa.Table, marks: dict) -> pa.Table:
    """The table with `marks` ({url: (dup_of, dup_cluster)}) applied; other rows keep theirs."""
    current = zip(*(table.column(c).to_pylist() for c in ("url", "dup_of", "dup_cluster")))
    found = [marks.get(url, (d, c)) for url, d, c in current]
    for position, name in ((0, "dup_of"), (1, "dup_cluster")):
        column = pa.array([m[position] for m in found], pa.string())
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table.cast(SCHEMA)


def update(directory: str | Path, pool=None) -> dict:
    """Index what changed in the corpus, recompute the marks it touches, rewrite the files
    whose marks changed. Idempotent; safe to re-run after a crash. Returns counts.
    `pool` (a pipelines.tokenize.TokenizerPool, e.g. the crawl's warm workers) sketches
    the new texts in parallel; the result is the same without it."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"no corpus at {directory}")
    started = time.monotonic()
    with _locked(directory):
        db = open_index(directory)
        try:
            with transaction(db):      # committed alone: a crash keeps the sketching work
                sketched = ingest(db, directory, pool)
            with transaction(db):
                n_pairs, rewritten = recompute(db, directory)
            return summary(db, sketched, n_pairs, rewritten, time.monotonic() - started)
        finally:
            db.close()


def files_replaced(directory: str | Path, parts: list[tuple[list[str], str]]) -> None:
    """A compaction merged each part's files `old` into its file `new` (same rows, paths
    relative to the corpus): the articles indexed from them now live in `new`, so the next
    update reads `new` once and sketches only its rows the index does not hold, not the
    whole partition."""
    directory = Path(directory)
    if not parts or not state_path(directory).exists():
        return
    with _locked(directory):
        db = open_index(directory)
        try:
            with transaction(db):
                for old, new in parts:
                    for start in range(0, len(old), SQL_CHUNK):
                        chunk = old[start:start + SQL_CHUNK]
                        holes = ",".join("?" * len(chunk))
                        db.execute(f"UPDATE docs SET file = ? WHERE file IN ({holes})", [new, *chunk])
                        db.execute(f"DELETE FROM files WHERE path IN ({holes})", chunk)
                    db.execute("DELETE FROM files WHERE path = ?", (new,))   # read it next time
        finally:
            db.close()


def summary(db, sketched: int, n_pairs: int, rewritten: int, seconds: float) -> dict:
    articles, clusters, duplicates = db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT dup_cluster), COUNT(dup_of) FROM docs").fetchone()
    return {"articles": articles, "sketched": sketched, "pairs": n_pairs, "clusters": clusters,
            "duplicates": duplicates, "files_rewritten": rewritten,
            "min_containment": MIN_CONTAINMENT, "seconds": round(seconds, 2)}
