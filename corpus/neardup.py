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
sketches each shingle set. Candidates are found by LSH banding: the band layout that
datasketch's MinHashLSH chooses for a Jaccard threshold of LSH_THRESHOLD = 0.3 (37 bands of
3 values), grouped band by band with numpy over the whole signature matrix. (MinHashLSH's own
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

State. DIR/_neardup/signatures.arrow keeps one signature per article (url, content_hash,
shingle count, province flag), so a new crawl only sketches its new articles and is compared
with the whole corpus. `update(DIR)` recomputes every mark from the state and rewrites only
the parquet files whose marks differ, each atomically (temp dot-file, fsync, rename) with the
same schema. A crash at any point leaves valid files; running it again finishes the job.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path

import datasketch
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datasketch import MinHash, MinHashLSH

from corpus.reader import scan
from corpus.schema import SCHEMA
from corpus.writer import write_atomic

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
LSH_THRESHOLD = 0.3
MIN_CONTAINMENT = 0.6
STATE_DIR = "_neardup"
STATE_FILE = "signatures.arrow"
# Signatures made under other settings (or another datasketch, whose permutations might
# differ) cannot be compared: the state is rebuilt then.
STATE_META = {"version": "1", "shingle_words": str(SHINGLE_WORDS), "num_perm": str(NUM_PERM),
              "seed": str(SEED), "scheme": SCHEME, "hash": "sha1_hash32",
              "datasketch": datasketch.__version__}
STATE_SCHEMA = pa.schema([
    ("url", pa.string()), ("content_hash", pa.string()), ("n_shingles", pa.int32()),
    ("province_named", pa.bool_()), ("signature", pa.list_(pa.uint32(), NUM_PERM)),
], metadata={f"vnnews.neardup.{k}": v for k, v in STATE_META.items()})

_WORD = re.compile(r"\w+")
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


# -- sketches ------------------------------------------------------------------------
def shingles(text: str | None) -> set[bytes]:
    """Runs of SHINGLE_WORDS casefolded words; a shorter text is one shingle."""
    words = _WORD.findall((text or "").casefold())
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode()
            for i in range(len(words) - SHINGLE_WORDS + 1)}


def sketch(text: str | None) -> tuple[np.ndarray, int]:
    """(MinHash signature as uint32[NUM_PERM], number of distinct shingles)."""
    grams = shingles(text)
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_PERMUTATIONS, scheme=SCHEME)
    minhash.update_batch(grams)
    return minhash.hashvalues.astype(np.uint32), len(grams)


def province_named(province: str | None, title: str | None, text: str | None) -> bool:
    """The tie-break proxy: the paper's province is named in the story."""
    if not province:
        return False
    return province.casefold() in f"{title or ''}\n{text or ''}".casefold()


# -- similarity ----------------------------------------------------------------------
def bands() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for LSH_THRESHOLD."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def candidate_pairs(signatures: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) that share at least one LSH band, as an (m, 2) int64 array."""
    rows = np.flatnonzero(usable)  # empty texts all share the "no shingle" signature
    n_bands, width = bands()
    found = [_band_pairs(signatures[rows, b * width:(b + 1) * width]) for b in range(n_bands)]
    pairs = np.concatenate(found) if found else np.empty((0, 2), np.int64)
    pairs = rows[np.unique(pairs, axis=0)] if len(pairs) else pairs
    return pairs.reshape(-1, 2)


def _band_pairs(band: np.ndarray) -> np.ndarray:
    """All pairs of rows whose band values are identical (buckets of any size)."""
    _, bucket = np.unique(band, axis=0, return_inverse=True)
    order = np.argsort(bucket.ravel(), kind="stable")
    sorted_bucket = bucket.ravel()[order]
    starts = np.flatnonzero(np.r_[True, sorted_bucket[1:] != sorted_bucket[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    pairs = [np.column_stack((order[starts[sizes == 2]], order[starts[sizes == 2] + 1]))]
    for start, size in zip(starts[sizes > 2], sizes[sizes > 2]):  # rare: 3+ in one bucket
        members = order[start:start + size]
        i, j = np.triu_indices(size, 1)
        pairs.append(np.column_stack((members[i], members[j])))
    pairs = np.concatenate(pairs).astype(np.int64)
    return np.sort(pairs, axis=1)


def containment(signatures: np.ndarray, sizes: np.ndarray, pairs: np.ndarray,
                chunk: int = 100_000) -> np.ndarray:
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


def cluster_marks(nodes: dict, labels: np.ndarray) -> tuple[list, list]:
    """(dup_of, dup_cluster) per node. `nodes` holds equal-length arrays: url, url_rank,
    content_hash, published (int64 us, undated = max), province_named."""
    order = np.lexsort((nodes["url_rank"], ~nodes["province_named"], nodes["published"], labels))
    first = np.r_[True, labels[order][1:] != labels[order][:-1]]
    canonical_pos = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    canonical = np.empty(len(order), np.int64)
    canonical[order] = order[canonical_pos]
    size = np.bincount(labels)[labels]
    dup_of, dup_cluster = [], []
    for node, head in enumerate(canonical):
        grouped = size[node] > 1
        dup_cluster.append(nodes["content_hash"][head] if grouped else None)
        dup_of.append(nodes["url"][head] if grouped and head != node else None)
    return dup_of, dup_cluster


# -- state ---------------------------------------------------------------------------
def state_path(directory: str | Path) -> Path:
    return Path(directory) / STATE_DIR / STATE_FILE


def load_state(directory: str | Path) -> pa.Table:
    """The saved signatures, or an empty table when absent or made under other settings."""
    path = state_path(directory)
    if not path.exists():
        return STATE_SCHEMA.empty_table()
    with pa.OSFile(str(path), "rb") as source:  # read into memory: the file may be replaced
        table = pa.ipc.open_file(source).read_all()
    if not table.schema.equals(STATE_SCHEMA, check_metadata=True):
        logger.info("near-duplicate state %s is from other settings: rebuilding", path)
        return STATE_SCHEMA.empty_table()
    return table


def save_state(directory: str | Path, table: pa.Table) -> None:
    """Atomic like the corpus files: temp dot-file, fsync, rename, fsync the directory."""
    path = state_path(directory)
    tmp = path.with_name(f".{path.name}.tmp")
    with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, STATE_SCHEMA) as writer:
        writer.write_table(table.cast(STATE_SCHEMA))
    _fsync(tmp)
    os.replace(tmp, path)
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _locked(directory: Path):
    """One update at a time per corpus (cron runs may overlap with a manual one)."""
    (directory / STATE_DIR).mkdir(exist_ok=True)
    with open(directory / STATE_DIR / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# -- the corpus ----------------------------------------------------------------------
MARK_COLUMNS = ["url", "content_hash", "published_at", "dup_of", "dup_cluster"]


def corpus_rows(directory: Path) -> tuple[list[str], pa.Table]:
    """(file paths, one table of MARK_COLUMNS + `file` index) of every committed row."""
    paths = sorted(scan(directory).files)
    parts = []
    for index, path in enumerate(paths):
        table = pq.read_table(path, columns=MARK_COLUMNS, schema=SCHEMA)
        parts.append(table.append_column("file", pa.repeat(pa.scalar(index, pa.int32()), len(table))))
    empty = pa.schema([*(SCHEMA.field(c) for c in MARK_COLUMNS), ("file", pa.int32())]).empty_table()
    return paths, pa.concat_tables(parts) if parts else empty


def sketch_new(paths: list[str], rows: pa.Table, state: pa.Table) -> pa.Table:
    """Signatures of the rows the state lacks (new URL, or text changed), file by file."""
    known = dict(zip(state.column("url").to_pylist(), state.column("content_hash").to_pylist()))
    urls, hashes = rows.column("url").to_pylist(), rows.column("content_hash").to_pylist()
    missing = {u for u, h in zip(urls, hashes) if u not in known or known[u] != h}
    files = sorted({f for u, f in zip(urls, rows.column("file").to_pylist()) if u in missing})
    new = {name: [] for name in STATE_SCHEMA.names}
    for index in files:
        table = pq.read_table(paths[index], columns=["url", "content_hash", "province", "title", "text"])
        for row in table.to_pylist():
            if row["url"] in missing:
                missing.discard(row["url"])  # a URL twice in the corpus is sketched once
                _add_sketch(new, row)
    return _state_table(new)


def _add_sketch(columns: dict, row: dict) -> None:
    signature, count = sketch(row["text"])
    columns["url"].append(row["url"])
    columns["content_hash"].append(row["content_hash"])
    columns["n_shingles"].append(count)
    columns["province_named"].append(province_named(row["province"], row["title"], row["text"]))
    columns["signature"].append(signature)


def _state_table(columns: dict) -> pa.Table:
    flat = np.concatenate(columns["signature"]) if columns["signature"] else np.empty(0, np.uint32)
    arrays = [pa.array(columns[name], STATE_SCHEMA.field(name).type)
              for name in ("url", "content_hash", "n_shingles", "province_named")]
    arrays.append(pa.FixedSizeListArray.from_arrays(pa.array(flat, pa.uint32()), NUM_PERM))
    return pa.Table.from_arrays(arrays, schema=STATE_SCHEMA)


def merge_state(state: pa.Table, new: pa.Table, rows: pa.Table) -> pa.Table:
    """Old signatures still in the corpus (and not re-sketched) plus the new ones, by URL."""
    keep = pc.and_(pc.is_in(state.column("url"), rows.column("url")),
                   pc.invert(pc.is_in(state.column("url"), new.column("url"))))
    merged = pa.concat_tables([state.filter(keep), new])
    return merged.take(pc.sort_indices(merged, [("url", "ascending")]))


def marks_by_url(state: pa.Table, rows: pa.Table) -> tuple[dict, int]:
    """({url: (dup_of, dup_cluster)}, number of near-duplicate pairs) for the whole corpus."""
    if not len(state):
        return {}, 0
    signatures = np.asarray(state.column("signature").combine_chunks().flatten()).reshape(-1, NUM_PERM)
    sizes = state.column("n_shingles").to_numpy().astype(np.int64)
    pairs = candidate_pairs(signatures, sizes > 0)
    pairs = pairs[containment(signatures, sizes, pairs) >= MIN_CONTAINMENT]
    labels = components(len(state), pairs)
    dup_of, dup_cluster = cluster_marks(_nodes(state, rows), labels)
    urls = state.column("url").to_pylist()
    return dict(zip(urls, zip(dup_of, dup_cluster))), len(pairs)


def _nodes(state: pa.Table, rows: pa.Table) -> dict:
    """The canonical-choice keys of each state row (publication time read from the corpus)."""
    published = dict(zip(rows.column("url").to_pylist(),
                         rows.column("published_at").cast(pa.int64()).to_pylist()))
    undated = np.iinfo(np.int64).max
    urls = state.column("url").to_pylist()
    hashes = state.column("content_hash").to_pylist()
    return {"url": urls, "url_rank": pc.rank(state.column("url"), tiebreaker="first").to_numpy(),
            # the cluster id; a row without content_hash (never written by the crawler) gets one
            "content_hash": [h or hashlib.blake2b(u.encode(), digest_size=16).hexdigest()
                             for u, h in zip(urls, hashes)],
            "published": np.array([undated if published.get(u) is None else published[u]
                                   for u in urls], dtype=np.int64),
            "province_named": state.column("province_named").to_numpy(zero_copy_only=False)}


def rewrite_marks(paths: list[str], rows: pa.Table, marks: dict) -> int:
    """Rewrite, atomically, each file whose dup_of/dup_cluster differ from `marks`."""
    stale = set()
    for url, dup_of, cluster, file in zip(*(rows.column(c).to_pylist()
                                            for c in ("url", "dup_of", "dup_cluster", "file"))):
        if marks.get(url, (None, None)) != (dup_of, cluster):
            stale.add(file)
    for index in sorted(stale):
        write_atomic(_marked(pq.read_table(paths[index], schema=SCHEMA), marks), Path(paths[index]))
    return len(stale)


def _marked(table: pa.Table, marks: dict) -> pa.Table:
    found = [marks.get(url, (None, None)) for url in table.column("url").to_pylist()]
    for position, name in ((0, "dup_of"), (1, "dup_cluster")):
        column = pa.array([m[position] for m in found], pa.string())
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table.cast(SCHEMA)


def update(directory: str | Path) -> dict:
    """Sketch the new articles, recompute every near-duplicate mark, rewrite the files whose
    marks changed. Idempotent; safe to re-run after a crash. Returns counts for a summary."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"no corpus at {directory}")
    started = time.monotonic()
    with _locked(directory):
        paths, rows = corpus_rows(directory)
        old = load_state(directory)
        new = sketch_new(paths, rows, old)
        state = merge_state(old, new, rows)
        save_state(directory, state)  # before rewriting: a crash keeps the sketching work
        marks, n_pairs = marks_by_url(state, rows)
        rewritten = rewrite_marks(paths, rows, marks)
    return summary(marks, len(rows), len(new), n_pairs, rewritten, time.monotonic() - started)


def summary(marks: dict, n_rows: int, n_new: int, n_pairs: int, rewritten: int, seconds: float) -> dict:
    clusters = {c for _, c in marks.values() if c}
    return {"articles": n_rows, "sketched": n_new, "pairs": n_pairs, "clusters": len(clusters),
            "duplicates": sum(1 for d, _ in marks.values() if d), "files_rewritten": rewritten,
            "min_containment": MIN_CONTAINMENT, "seconds": round(seconds, 2)}
