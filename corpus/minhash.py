"""MinHash sketches of article texts, for the near-duplicate pass (corpus/neardup.py).

Kept apart from neardup so that a process that only sketches imports numpy and hashlib,
not datasketch (with scipy) or pyarrow: the end-of-crawl pass sketches on the crawl's warm
tokenizer workers, and each import there is held by every worker (~85 MB each).

The values are datasketch's: `MinHash(num_perm=128, seed=1, scheme="affine32")` updated with
the SHA-1 32-bit hash of each shingle (datasketch's `sha1_hash32`), which applies the
MurmurHash3 32-bit finalizer and then the affine permutations h -> a*h + b mod 2**32.
tests/test_neardup.py checks the permutations, the band layout and the signatures against
datasketch's own on real texts.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
# MurmurHash3's 32-bit finalizer (fmix32): shifts and multipliers
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
_NON_WORD = re.compile(r"\W+")


@dataclass(frozen=True)
class Scheme:
    """The permutations (uint32 a, b) and the LSH band layout (bands of `width` values)."""
    a: np.ndarray
    b: np.ndarray
    bands: int
    width: int


def affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of datasketch's affine32 scheme: odd multipliers and offsets mod 2**32, drawn
    as datasketch's MinHash draws them from RandomState(seed)."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def shingles(text: str | None) -> set[bytes]:
    """Runs of SHINGLE_WORDS casefolded words; a shorter text is one shingle."""
    # The words joined by single spaces, encoded once; each shingle is a slice of those bytes
    # (a space byte is only ever a space in UTF-8). A join and an encode per shingle cost
    # twice as much, and sketching is most of the near-duplicate pass.
    joined = _NON_WORD.sub(" ", (text or "").casefold()).strip(" ").encode()
    if not joined:
        return set()
    spaces = np.flatnonzero(np.frombuffer(joined, np.uint8) == ord(" ")).tolist()
    if len(spaces) < SHINGLE_WORDS:
        return {joined}
    starts, ends = [0] + [i + 1 for i in spaces], spaces + [len(joined)]
    return {joined[start:end] for start, end in zip(starts, ends[SHINGLE_WORDS - 1:])}


def sketch(text: str | None, scheme: Scheme) -> tuple[np.ndarray, int]:
    """(MinHash signature as uint32[num_perm], number of distinct shingles)."""
    grams = shingles(text)
    if not grams:
        return np.full(len(scheme.a), np.iinfo(np.uint32).max, np.uint32), 0
    # sha1_hash32: the first 4 bytes of each SHA-1 digest, little-endian
    digests = b"".join([hashlib.sha1(gram).digest()[:4] for gram in grams])
    hashes = _fmix32(np.frombuffer(digests, "<u4").astype(np.uint32))
    with np.errstate(over="ignore"):                      # mod 2**32 is the point
        permuted = np.multiply.outer(hashes, scheme.a) + scheme.b
    return permuted.min(axis=0), len(grams)


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint32(s1))
        values = values * np.uint32(m1)
        values = values ^ (values >> np.uint32(s2))
        values = values * np.uint32(m2)
        return values ^ (values >> np.uint32(s3))


def band_keys(signature: np.ndarray, scheme: Scheme) -> list[int]:
    """One 64-bit key per LSH band: the band's number and values, hashed."""
    width = scheme.width
    return [int.from_bytes(hashlib.blake2b(bytes([b]) + signature[b * width:(b + 1) * width].tobytes(),
                                           digest_size=8).digest(), "little", signed=True)
            for b in range(scheme.bands)]


def text_hash(text: str | None) -> str:
    return hashlib.blake2b((text or "").encode(), digest_size=8).hexdigest()


def sketch_rows(job: tuple) -> tuple:
    """The index's view of some rows of one file. `job`: (tag, rows with url, text, title,
    province and published; what the index holds of them, {url: (text_hash, published)};
    the scheme). Every row gets its text_hash, and its text, title and province are dropped
    (not sent back); a row whose text or date the index does not hold yet gets its
    signature, shingle count, band keys and province_named too. Returns (tag, rows). Runs in
    a pool worker or in the caller."""
    tag, rows, known, scheme = job
    for row in rows:
        text, title, province = row.pop("text"), row.pop("title"), row.pop("province")
        row["text_hash"] = text_hash(text)
        # indexed as it is: only its marks are read again (a URL's later rows in the same
        # file are sketched anyway: the index may hold another of its texts by then)
        if known.pop(row["url"], None) == (row["text_hash"], row["published"]):
            continue
        signature, row["n_shingles"] = sketch(text, scheme)
        row["signature"] = signature.tobytes()
        row["band_keys"] = band_keys(signature, scheme) if row["n_shingles"] else []
        row["province_named"] = province_named(province, title, text)
    return tag, rows


def province_named(province: str | None, title: str | None, text: str | None) -> bool:
    """The tie-break proxy: the paper's province is named in the story."""
    if not province:
        return False
    return province.casefold() in f"{title or ''}\n{text or ''}".casefold()
