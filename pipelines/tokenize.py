"""Word segmentation: the `tokens`, `n_words` and `n_sentences` columns, made by underthesea.

`tokens` is `text` cut into sentences (one per line) and words (separated by spaces, the
syllables of one word joined by "_"): "Huyện ủy Tuy_Phong cho biết , ...".

How the text reaches underthesea, and why:

- One paragraph (line) at a time, then `sent_tokenize`, then `word_tokenize` per sentence:
  a whole 1 MB document in one call took 6.7 s and 1.6 GB, and headlines have no full stop.
- `sent_tokenize` puts a closing quote that follows a full stop at the start of the next
  sentence ('“Tốt lắm.', '” Sau đó ...'); `split_sentences` moves it back.
- A sentence longer than MAX_CHUNK_CHARS (a table or list with no sentence end) is cut at
  a comma or space into bounded chunks, segmented one by one and kept on one line: the CRF
  costs about 2 KB of memory per character of input.

Letters and tone marks: `tokens` keeps the letters of `text`, as printed.
underthesea.word_tokenize rewrites what it returns: NFC, Icelandic Ð/ð to Đ/đ, and (by
default) a table of 2,904 token fixes, mostly tone placement hoà -> hòa, uỷ -> ủy,
khoẻ -> khỏe, Toà -> Tòa, also qui -> quy and misspellings (nghành -> ngành; a few entries
even emit non-NFC text, bíết -> biế́t). That table also makes it segment worse: its CRF was
trained on VLSP 2013, written hoà/uỷ (its dictionary has "uỷ ban", not "ủy ban").
So what the CRF sees is our choice, and the letters we return are the page's:
- the CRF is fed `crf_style(sentence)`: final oa/oe/uy get the tone where VLSP puts it
  (hòa -> hoà, ủy -> uỷ), character for character, and underthesea's table is off
  (use_token_normalize=False). On the VLSP 2013 test set that scores 98.62 word F1 against
  97.95 for plain word_tokenize, whether the text is printed hoà- or hòa-style
  (scripts/eval_tokenize.py);
- every syllable is then mapped back to its characters in `text` (Ð, hoà, hòa, nghành, qui
  all stay as printed), so `tokens` with "_" turned into spaces has the same characters as
  `text`, only spaced differently around punctuation. Where that alignment fails (text that
  is not NFC) the sentence keeps underthesea's NFC forms.
An underscore printed in the text ("foo_bar") stays as is, so it is indistinguishable from a
word joint in `tokens`.

Engines (TOKENIZE_ENGINE): underthesea by default, its model scored by
pipelines.crf_segmenter (the same tags as underthesea.word_tokenize, at about a third of its
CPU; underthesea.word_tokenize itself if the model is one that module cannot read); "pyvi"
(pyvi 0.1.1's CRF) scores 95.1-95.3 word F1 on the same VLSP 2013 test set against 98.6 for
the default (scripts/eval_tokenize.py --engine pyvi; docs/performance.md). Sentence splitting,
chunking and the letters of `tokens` are the same with either; pyvi is fed the text as
printed (crf_style is underthesea's training style).

`TokenizerPool` runs the segmentation in worker processes ("spawn": the parent runs a
reactor and must not fork), each loading its own model (~120 MB) once per run: a closed pool
is parked and the next one in the process takes its warm workers over. The pipeline awaits
it so the crawl is never blocked.
"""
from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import multiprocessing
import os
import queue
import re
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import SimpleNamespace
from pipelines import crf_segmenter
from pipelines.items import any_item
from pipelines.procname import name_process

logger = logging.getLogger(__name__)

MAX_CHUNK_CHARS = 5000   # ~10 MB of CRF memory; real sentences stay far below
MAP_CHUNKSIZE = 4        # articles per task in TokenizerPool.map: IPC cost << 4 articles' CRF

# A closer found at the start of a sentence belongs to the previous one. Typographic
# closers always do; symmetric '"' and brackets only when the previous sentence left one open.
_ALWAYS_CLOSERS = "”’»"
_OPENER_OF = {")": "(", "]": "["}
_CONTINUATION = ",;:"    # a "sentence" starting with these is the tail of the previous one
_SPACES = re.compile(r"\s*")
_CUT_AFTER_PUNCT = re.compile(r"[,;:]\s")
_CUT_AT_SPACE = re.compile(r"\s")
_WORD_CHAR = re.compile(r"[^\W_]")          # a letter or a digit

# The word-segmentation CRF was trained on VLSP 2013, which writes hoà, uỷ, khoẻ: its
# dictionary has "hoà bình" and "uỷ ban", not "hòa bình" and "ủy ban". Text written hòa/ủy
# is moved to that style before tagging (the letters of `tokens` stay as printed).
_HOA_STYLE = re.compile(r"(?<![qQ])([òóỏõọÒÓỎÕỌ][aeAE]|[ùúủũụÙÚỦŨỤ][yY])(?!\w)")
_TO_CRF_STYLE = {
    unicodedata.normalize("NFC", v + tone + w): unicodedata.normalize("NFC", v + w + tone)
    for pair in ("oa", "oe", "uy") for tone in "\u0300\u0301\u0309\u0303\u0323"
    for v in (pair[0], pair[0].upper()) for w in (pair[1], pair[1].upper())
}


@functools.cache
def _underthesea() -> SimpleNamespace:
    """Import underthesea on first use: the crawler's parent process never needs it."""
    from underthesea import sent_tokenize, word_tokenize
    from underthesea.pipeline.text_normalize.character_normalize import (
        normalize_characters_in_text,
    )
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize
    return SimpleNamespace(sent_tokenize=sent_tokenize, word_tokenize=word_tokenize,
                           raw_tokens=tokenize, normalize_chars=normalize_characters_in_text)


# --- sentences -------------------------------------------------------------------------

def split_sentences(paragraph: str) -> list[str]:
    """underthesea.sent_tokenize with closing quotes and clause tails given back."""
    sentences: list[str] = []
    for sentence in _underthesea().sent_tokenize(paragraph):
        if sentences:               # it split after . ? ! or an ellipsis
            sentence = _give_back_closers(sentences, sentence)
            if sentence and sentence[0] in _CONTINUATION:
                sentences[-1] += sentence
                continue
        if sentence:
            sentences.append(sentence)
    return sentences


def _give_back_closers(sentences: list[str], sentence: str) -> str:
    """Move the leading closers of `sentence` to the end of sentences[-1]; return the rest."""
    n = 0
    while n < len(sentence) and _closes(sentences[-1], sentence[n]):
        sentences[-1] += sentence[n]
        n += 1
    return sentence[n:].lstrip() if n else sentence


def _closes(previous: str, char: str) -> bool:
    if char in _ALWAYS_CLOSERS:
        return True
    if char == '"':
        return previous.count('"') % 2 == 1
    opener = _OPENER_OF.get(char)
    return opener is not None and previous.count(opener) > previous.count(char)


def bounded_chunks(sentence: str, limit: int = MAX_CHUNK_CHARS) -> Iterator[str]:
    """Cut a too-long sentence into pieces of at most `limit` characters.

    The cut goes after the last ", ; :" of the window's second half, else at its last space,
    else (a `limit`-long run without spaces) right at the limit."""
    start, n = 0, len(sentence)
    while n - start > limit:
        end = start + limit
        cut = _last_cut(sentence, start + limit // 2, end)
        piece = sentence[start:cut].strip()
        if piece:
            yield piece
        start = cut
    tail = sentence[start:].strip()
    if tail:
        yield tail


def _last_cut(s: str, lo: int, hi: int) -> int:
    for pattern in (_CUT_AFTER_PUNCT, _CUT_AT_SPACE):
        match = None
        for match in pattern.finditer(s, lo, hi):
            pass
        if match:
            return match.end()
    return hi


# --- words -----------------------------------------------------------------------------

def crf_style(text: str) -> str:
    """Tone marks of final oa, oe, uy where the CRF's training data (VLSP 2013) puts them:
    hòa -> hoà, khỏe -> khoẻ, ủy -> uỷ. Same length as `text`, character for character."""
    return _HOA_STYLE.sub(lambda m: _TO_CRF_STYLE[m.group()], text)


# --- engines ---------------------------------------------------------------------------

ENGINES = ("underthesea", "pyvi")
DEFAULT_ENGINE = "underthesea"
WORKER_NAME = "vnnews-tok"     # the workers' process name (ps, top, benchmarks)
_engine = DEFAULT_ENGINE


def use_engine(name: str) -> None:
    """Segment with `name` in this process and in the pools it starts from now on.

    The crawl sets it from TOKENIZE_ENGINE, so the end-of-crawl pass that re-tokenises
    cleaned rows uses the same segmenter as the rows around them."""
    global _engine
    if name not in ENGINES:
        raise ValueError(f"TOKENIZE_ENGINE={name!r}: expected one of {', '.join(ENGINES)}")
    _engine = name


def engine() -> str:
    return _engine


@functools.cache
def _pyvi():
    """pyvi's ViTokenizer (its CRF model loads on import: about 1.3 s of CPU, once)."""
    try:
        from pyvi import ViTokenizer
    except ImportError as exc:
        raise RuntimeError("TOKENIZE_ENGINE=pyvi needs pyvi (pip install pyvi==0.1.1)") from exc
    # Unpickling the model writes it to a temporary file that sklearn-crfsuite deletes only
    # when the model object is collected, which a process's exit does not do: every process
    # loading pyvi left ~640 KB in /tmp. The tagger holds the model once opened.
    model = getattr(getattr(ViTokenizer, "ViTokenizer", None), "model", None)
    if getattr(model, "tagger_", None) is not None and hasattr(model, "modelfile"):
        model.modelfile.cleanup()
    return ViTokenizer


@functools.cache
def _cached_crf() -> bool:
    """Can underthesea's model be scored by pipelines.crf_segmenter (same tags, a third of
    the CPU)? If a future underthesea ships a model it cannot read, say so once and let
    underthesea.word_tokenize do the work."""
    try:
        crf_segmenter.default_segmenter()
    except Exception as exc:  # noqa: BLE001 - whatever we cannot read, underthesea can
        logger.warning("word segmentation falls back to underthesea.word_tokenize "
                       "(about 3x the CPU): %s", exc)
        return False
    return True


def _segmenter_words(feed: str) -> list[str]:
    """Words of one sentence, each its syllables separated by spaces (underthesea's form)."""
    if _engine == "pyvi":
        return [word.replace("_", " ") for word in _pyvi().spacy_tokenize(feed)[0]]
    if _cached_crf():
        return crf_segmenter.word_tokenize(feed)
    return _underthesea().word_tokenize(feed, use_token_normalize=False)


def segment(sentence: str) -> str:
    """One sentence (or chunk) -> words separated by spaces, syllables joined by "_"."""
    # pyvi scores best on the text as printed (95.27 vs 95.13 word F1 fed hoà-style)
    feed = sentence if _engine == "pyvi" else crf_style(sentence)
    words = _segmenter_words(feed)
    if feed == sentence and "".join(words).replace(" ", "") == "".join(sentence.split()):
        return " ".join(word.replace(" ", "_") for word in words)   # nothing was respelled
    return " ".join("_".join(syllables) for syllables in surface_words(sentence, words, feed))


def surface_words(sentence: str, words: list[str], feed: str | None = None
                  ) -> list[list[str]]:
    """Words of word_tokenize(feed) as lists of syllables spelled as in `sentence`.

    `feed` (default: `sentence`) is what underthesea was given: `sentence` with some
    characters replaced one for one."""
    feed = sentence if feed is None else feed
    syllables = [word.split(" ") for word in words]
    flat = [s for word in syllables for s in word]
    spans = _align(feed, flat)
    if spans is None:
        # A spelling fix changed a length (nghành -> ngành): align underthesea's tokens
        # taken before the fixes; they are the same tokens, one for one.
        raw = _underthesea().raw_tokens(feed, use_token_normalize=False)
        spans = _align(feed, raw) if len(raw) == len(flat) else None
    if spans is None:                        # text that is not NFC
        logger.debug("tokens keep underthesea's spelling for %.60r", sentence)
        return syllables
    it = iter(spans)
    return [[sentence[slice(*next(it))] for _ in word] for word in syllables]


def _align(sentence: str, tokens: list[str]) -> list[tuple[int, int]] | None:
    """Where each token is in `sentence`, or None when they do not line up."""
    out, pos, skip = [], 0, _SPACES.match
    for token in tokens:
        pos = skip(sentence, pos).end()
        end = pos + len(token)
        surface = sentence[pos:end]
        if surface != token and _underthesea().normalize_chars(surface) != token:
            return None
        out.append((pos, end))
        pos = end
    return out if skip(sentence, pos).end() == len(sentence) else None


# --- the columns -----------------------------------------------------------------------

def tokenize_text(text: str) -> str:
    """`text` (one paragraph per line) -> `tokens` (one sentence per line)."""
    lines = []
    for paragraph in text.splitlines():
        if paragraph.strip():
            for sentence in split_sentences(paragraph):
                chunks = bounded_chunks(sentence, MAX_CHUNK_CHARS)
                line = " ".join(segment(chunk) for chunk in chunks)
                if line:
                    lines.append(line)
    return "\n".join(lines)


def count_words(tokens: str) -> int:
    """Words of `tokens` holding a letter or a digit: punctuation does not count."""
    return sum(1 for token in tokens.split() if _WORD_CHAR.search(token))


def count_sentences(tokens: str) -> int:
    return sum(1 for line in tokens.split("\n") if line.strip())


def tokenize_article_text(text: str) -> tuple[str, int, int]:
    """(tokens, n_words, n_sentences) of one article's text."""
    tokens = tokenize_text(text)
    return tokens, count_words(tokens), count_sentences(tokens)


def _apply_batch(fn, items: list) -> list:
    return [fn(item) for item in items]


def _exit_with_parent() -> None:
    """A worker must not outlive a crawl killed with SIGKILL (cron would pile up orphans
    holding its pipes): leave as soon as the parent is gone."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _load_model() -> None:
    tokenize_article_text("Xin chào Việt Nam.")


def _warm_worker(ready=None, engine_name: str = DEFAULT_ENGINE) -> None:
    """Pool initializer: import underthesea and load the CRF model before the first article,
    then tell the parent on `ready`."""
    name_process(WORKER_NAME)
    _exit_with_parent()
    use_engine(engine_name)
    _load_model()
    if ready is not None:
        ready.put(os.getpid())


def _batched(items: Iterable[str], n: int) -> Iterator[list[str]]:
    it = iter(items)
    while batch := list(itertools.islice(it, n)):
        yield batch


# --- the process pool ------------------------------------------------------------------

@dataclass
class _Warm:
    """A pool's processes and what it knows about them, handed from one user to the next."""
    executor: ProcessPoolExecutor
    ready: object                     # the queue its initializers report on
    pids: list[int]                   # workers known to be warm
    workers: int
    kind: tuple[str, str]             # (multiprocessing context, engine)


_parked: _Warm | None = None          # at most one warm pool waits between users
_parked_lock = threading.Lock()


def _unpark(workers: int, kind: tuple[str, str]) -> _Warm | None:
    """The parked pool, if it is of this kind with `workers` processes (any, for 0)."""
    global _parked
    with _parked_lock:
        warm = _parked
        if warm is None or warm.kind != kind or workers not in (0, warm.workers):
            return None
        _parked = None
        return warm


def _park(warm: _Warm) -> None:
    """Keep a closed pool's warm processes for the next TokenizerPool of this process
    (concurrent.futures joins them at interpreter exit); an older parked pool goes."""
    global _parked
    with _parked_lock:
        older, _parked = _parked, warm
    if older is not None:
        older.executor.shutdown(wait=True, cancel_futures=True)


def shutdown_parked() -> None:
    """End the parked pool's workers now (their memory back) instead of at exit: for a
    caller that knows no tokenisation follows, e.g. after the end-of-crawl boilerplate pass."""
    global _parked
    with _parked_lock:
        warm, _parked = _parked, None
    if warm is not None:
        warm.executor.shutdown(wait=True, cancel_futures=True)


class TokenizerPool:
    """tokenize_article_text in `workers` processes; workers=0 starts no process and runs
    it in the caller, unless a warm pool is parked. The workers segment with the engine
    this process uses when the pool is made (use_engine).

    Loading the model costs a worker about half a second of CPU and 120 MB, so close()
    parks the warm processes instead of ending them, and the next TokenizerPool of the
    same process (the end-of-crawl boilerplate pass after the crawl's pipeline) takes them
    over: one model load per worker for the whole run.

    >>> with TokenizerPool(2) as pool:
    ...     results = list(pool.map(texts))      # ordered, same as a serial run
    """

    def __init__(self, workers: int, mp_context: str = "spawn"):
        if workers < 0:
            raise ValueError(f"workers must be >= 0, not {workers}")
        self.workers = workers
        self.engine = _engine
        self._kind = (mp_context, self.engine)
        self._context = multiprocessing.get_context(mp_context)
        self._closed = False
        self._pids: list[int] = []
        warm = _unpark(workers, self._kind)
        if warm is not None:
            self.workers, self._executor = warm.workers, warm.executor
            self._ready, self._pids = warm.ready, warm.pids
        else:
            self._executor = self._new_executor() if workers else None

    def _new_executor(self) -> ProcessPoolExecutor:
        self._ready = self._context.Queue()
        self._pids = []
        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_warm_worker, initargs=(self._ready, self.engine))

    def warm_up(self, timeout: float = 300) -> list[int]:
        """Start every worker and wait until each has loaded the model; their pids.

        Workers start lazily, one per submitted task while none is idle: submit one
        no-op per worker, then wait for each initializer's message."""
        if self._executor is None:
            self._check_open()
            _load_model()           # not _warm_worker: the caller must not exit with its parent
            return []
        if len(self._pids) >= self.workers:
            return list(self._pids)                      # taken over warm
        nudges = [self._executor.submit(int) for _ in range(self.workers)]
        deadline = time.monotonic() + timeout
        pids: list[int] = []
        while len(pids) < self.workers:
            try:
                pids.append(self._ready.get(timeout=0.5))
            except queue.Empty:
                for nudge in nudges:
                    if nudge.done() and nudge.exception():
                        raise nudge.exception()          # a worker failed to start
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{len(pids)} of {self.workers} tokenizer workers "
                                       f"ready after {timeout} s") from None
        self._pids = pids
        return list(pids)

    async def start(self) -> None:
        """warm_up() off the event loop: the first articles do not wait for the model."""
        await asyncio.to_thread(self.warm_up)

    async def tokenize(self, text: str) -> tuple[str, int, int]:
        if self._executor is None:
            self._check_open()
            return tokenize_article_text(text)
        executor = self._executor
        try:
            return await asyncio.wrap_future(executor.submit(tokenize_article_text, text))
        except BrokenProcessPool:
            # A worker died (killed for memory?): the pool is unusable; start a new one
            # for the next articles and try this one once more.
            self._replace(executor)
            return await asyncio.wrap_future(
                self._executor.submit(tokenize_article_text, text))

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._executor is broken:
            logger.warning("tokenizer worker died; starting a new pool")
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()

    def map(self, texts: Iterable[str], chunksize: int = MAP_CHUNKSIZE
            ) -> Iterator[tuple[str, int, int]]:
        """tokenize_article_text of each text, in input order (see imap)."""
        return self.imap(tokenize_article_text, texts, chunksize)

    def imap(self, fn, items: Iterable, chunksize: int = 1) -> Iterator:
        """fn(item) for each item in the warm workers, results in input order; at most 4
        batches per worker in flight, so any number of items streams through bounded
        memory. `fn` is a module-level function (it is pickled by name): the end-of-crawl
        passes sketch here, on the processes the crawl already started.
        Without worker processes it runs in the caller."""
        if self._executor is None:
            self._check_open()
            yield from map(fn, items)
            return
        pending: deque[Future] = deque()
        for batch in _batched(items, chunksize):
            pending.append(self._executor.submit(_apply_batch, fn, batch))
            if len(pending) >= 4 * self.workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()

    def close(self) -> None:
        """No more work through this object; its warm processes are parked (see the class)."""
        self._closed = True
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if getattr(executor, "_broken", False):           # a worker died: nothing to keep
            executor.shutdown(wait=False, cancel_futures=True)
            return
        _park(_Warm(executor, self._ready, self._pids, self.workers, self._kind))

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("TokenizerPool is closed")

    def __enter__(self) -> TokenizerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- Scrapy ----------------------------------------------------------------------------

class TokenizePipeline:
    """Scrapy step, the last one: fills tokens, n_words, n_sentences.

    TOKENIZE_WORKERS: worker processes (default: os.cpu_count()); 0 tokenizes in the
    crawler process and blocks it, which is only fine for tests and one-page extracts.
    TOKENIZE_ENGINE: "underthesea" (default) or "pyvi" (another model, 3 points less
    accurate and, since the cached CRF, no faster: docs/performance.md); set for the whole
    process, so the end-of-crawl re-tokenisation uses the same one."""

    def __init__(self, workers: int, engine_name: str = DEFAULT_ENGINE):
        self.workers = workers
        self.engine = engine_name
        self.pool: TokenizerPool | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        engine_name = settings.get("TOKENIZE_ENGINE") or DEFAULT_ENGINE
        use_engine(engine_name)                   # fails early on an unknown name
        return cls(settings.getint("TOKENIZE_WORKERS", os.cpu_count() or 1), engine_name)

    async def open_spider(self, spider=None) -> None:
        from scrapy.utils.asyncio import is_asyncio_available

        if is_asyncio_available():
            self.pool = TokenizerPool(self.workers)
            await self.pool.start()
            return
        if self.workers:
            logger.warning("TOKENIZE_WORKERS=%d needs the asyncio reactor; "
                           "tokenizing in the crawler process", self.workers)
        self.pool = TokenizerPool(0)
        self.pool.warm_up()

    async def close_spider(self, spider=None) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    @any_item
    async def process_item(self, item):
        if self.pool is None:            # used without open_spider (a one-off extract)
            self.pool = TokenizerPool(0)
        item.tokens, item.n_words, item.n_sentences = await self.pool.tokenize(item.text or "")
        return item
