"""Rebuild a corpus from WARC files, with no network: the archive a crawl kept (DIR/_warc) or
WARC files another tool wrote (`wget --warc-file`, Common Crawl), so that a better extractor
or cleaner can be applied to last year's harvest.

Each archived article response goes through what the crawl does with it, through the same
public functions: decoding (pipelines.encoding), extraction and the site's own URLs
(crawler.spiders.news.article_from_html), the cleaning chain (pipelines.chain), the duplicate
check (pipelines.dedup), site-level boilerplate (crawler.harvest.site_boilerplate),
tokenisation (pipelines.tokenize), the parquet writer and harvest state, then the
near-duplicate marks. A rebuild of a crawl's archive gives the crawl's rows; only the
provenance differs (`run_id`, and `warc_file` names the file the rebuild read). Options of the
run that decided which pages were kept (`--max-articles`, `--since`) are not applied again.

Records of our own WARCs say which site and page kind they were fetched for. In other WARCs a
200 HTML response is kept when its URL belongs to a registered site (or to a --base-url
origin standing for one), and then only if it is an article in Vietnamese, as in a crawl.

Two passes, so that each article is tokenised once: the first decodes, extracts, cleans and
de-duplicates (in order of the WARC files, as the crawl met them) and stages each article's
raw line keys as site-boilerplate evidence; the second removes the lines learned from all of
them, tokenises and writes. The heavy steps run on an executor: worker processes on this
machine (`workers`), or a Dask cluster (`cluster`, see docs/scaling.md); this process
reads the WARC files and ships the records, so workers need no shared filesystem. Results
come back in input order, so the output is the same for any number of workers.
"""
from __future__ import annotations

import pickle
import tempfile
from collections import Counter, deque
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit

from tqdm import tqdm

from corpus.writer import CorpusWriter, new_run_id
from crawler.harvest import archive, site_boilerplate
from crawler.harvest.state import HarvestState

BATCH = 8              # records or texts per task: shipping cost << their processing
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class RebuildRequest:
    warcs: list[Path]
    out: Path
    workers: int = 1
    cluster: str | None = None       # a Dask scheduler address
    base_url: str | None = None      # ID=URL,...: origins that stood in for registered sites
    progress: bool = True


@dataclass
class RebuildResult:
    run_id: str
    records: int = 0
    articles: int = 0
    outcomes: Counter = field(default_factory=Counter)   # drops and skips by reason
    boilerplate: dict = field(default_factory=dict)
    neardup: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """A response record as shipped to a worker."""
    url: str
    content_type: str
    body: bytes
    vnnews: dict
    date: object
    warc_file: str
    warc_offset: int


# -- worker side -----------------------------------------------------------------------
def extract_batch(jobs: list[Job], bases: dict[str, str], gates: tuple[int, float]) -> list:
    """Per job: the cleaned Article (content_hash set, not tokenised), or why there is none."""
    return [extract_job(job, bases, gates) for job in jobs]


def extract_job(job: Job, bases: dict[str, str], gates: tuple[int, float]):
    from crawler.pages import NoArticle
    from crawler.sites.registry import boilerplate_phrases
    from crawler.spiders.news import article_from_html, charset_of, public_url
    from pipelines.chain import clean_article
    from pipelines.drops import ArticleDrop
    from pipelines.encoding import UndecodableError, decode_html
    found = site_of(job, bases)
    if isinstance(found, str):
        return found
    site, base = found
    try:
        html = decode_html(job.body, charset_of(job.content_type))[0]
        article = article_from_html(html, site, job.url, base, fetched_at=job.date)
        article.fetched_url = job.vnnews.get(archive.H_LINKED) or public_url(site, base, job.url)
        article.crawled_at, article.warc_file, article.warc_offset = job.date, job.warc_file, job.warc_offset
        return clean_article(article, boilerplate_phrases(site.id), *gates)
    except UndecodableError:
        return "Undecodable"
    except NoArticle:
        return "NotAnArticle"
    except ArticleDrop as drop:
        return type(drop).__name__


def site_of(job: Job, bases: dict[str, str]):
    """(Site, base URL) the record was fetched for, or the reason it is skipped."""
    from crawler.sites.registry import RegistryError, generic_site, get_site, site_for_url
    if job.vnnews:
        site_id = job.vnnews[archive.H_SITE]
        try:
            site = generic_site(job.vnnews[archive.H_LINKED]) if site_id == "generic" else get_site(site_id)
        except RegistryError:
            return "skipped: site no longer registered"
        return site, job.vnnews.get(archive.H_BASE)
    for site_id, base in bases.items():
        if urlsplit(job.url).netloc == urlsplit(base).netloc:
            return get_site(site_id), base
    site = site_for_url(job.url)
    return (site, None) if site else "skipped: not a registered site"


def unwanted(record: archive.Record) -> str | None:
    """Why a record is not worth shipping to a worker (None: it may hold an article)."""
    if record.vnnews:
        return None if record.vnnews.get(archive.H_KIND) == "article" else "skipped: not an article page"
    if record.status != 200:
        return "skipped: not a 200 response"
    if record.content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        return "skipped: not HTML"
    return None


def tokenize_batch(texts: list[str]) -> list[tuple[str, int, int]]:
    from pipelines.tokenize import tokenize_article_text
    return [tokenize_article_text(text) for text in texts]


# -- this process ----------------------------------------------------------------------
def rebuild(request: RebuildRequest) -> RebuildResult:
    """Raises RegistryError for a bad base_url, OSError for an unreadable WARC file."""
    paths = archive.warc_paths(request.warcs)
    bases = parse_bases(request.base_url)
    result = RebuildResult(new_run_id())
    request.out.mkdir(parents=True, exist_ok=True)
    with executor_for(request) as (executor, width), staging(request.out) as stage:
        extract_all(paths, request, bases, executor, width, stage, result)
        write_all(stage, request, executor, width, result)
    # Rows cleaned of lines learned late are tokenised again: by as many local processes
    # as the rebuild had (a cluster's workers are gone by now), not serially in this one.
    result.boilerplate = site_boilerplate.update(
        request.out, workers=request.workers if request.workers > 1 and not request.cluster else 0)
    from corpus import neardup
    result.neardup = neardup.update(request.out)
    return result


def parse_bases(value: str | None) -> dict[str, str]:
    from crawler.sites.registry import load_registry
    from crawler.spiders.news import parse_base_urls
    return parse_base_urls(value, list(load_registry()))


@contextmanager
def executor_for(request: RebuildRequest):
    """(executor, how many tasks it runs at once): local processes or a Dask cluster."""
    if request.cluster:
        from distributed import Client
        with Client(request.cluster) as client:
            width = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
            yield client.get_executor(pure=False), max(width, 1)
        return
    with ProcessPoolExecutor(request.workers, mp_context=get_context("spawn")) as executor:
        yield executor, request.workers


@contextmanager
def staging(out: Path):
    """A temp file (a dot-name: invisible to corpus readers) for the first pass's articles."""
    with tempfile.NamedTemporaryFile(dir=out, prefix=".rebuild-", suffix=".pickle") as handle:
        yield handle


def ordered_map(executor: Executor, func, batches, width: int, *args, payload=lambda b: b):
    """(batch, func(payload(batch), *args)) for each batch, in input order, with at most
    2 * width tasks pending."""
    pending = deque()
    for batch in batches:
        pending.append((batch, executor.submit(func, payload(batch), *args)))
        if len(pending) >= 2 * width:
            batch, future = pending.popleft()
            yield batch, future.result()
    while pending:
        batch, future = pending.popleft()
        yield batch, future.result()


def batched(items, n: int = BATCH):
    items = iter(items)
    while batch := list(islice(items, n)):
        yield batch


def jobs(paths: list[Path], out: Path, bar, skipped: Counter):
    """The records worth extracting, as Jobs, advancing the bar by compressed bytes."""
    for path in paths:
        label = archive.relative_label(path, out)
        done = 0
        for record in archive.read_records(path):
            bar.update(record.offset - done)
            done = record.offset
            if reason := unwanted(record):
                skipped[reason] += 1
                continue
            yield Job(record.url, record.content_type, record.body, record.vnnews, record.date,
                      label, record.offset)
        bar.update(path.stat().st_size - done)


def extract_all(paths, request, bases, executor, width, stage, result) -> None:
    """First pass: extract and clean in the workers; here, in WARC order, the duplicate check
    and the staging of site-boilerplate evidence."""
    from crawler.settings import QUALITY_MIN_VI_SHARE, QUALITY_MIN_WORDS
    from pipelines.dedup import SeenKeys
    gates = (QUALITY_MIN_WORDS, QUALITY_MIN_VI_SHARE)       # the crawl's quality gates
    seen, evidence = SeenKeys(), site_boilerplate.Evidence(request.out)
    total = sum(p.stat().st_size for p in paths)
    with progress(request, "extract", total, "B") as bar:
        records = jobs(paths, request.out, bar, result.outcomes)
        for _, outcomes in ordered_map(executor, extract_batch, batched(records), width, bases, gates):
            for outcome in outcomes:
                if reason := outcome if isinstance(outcome, str) else duplicate(outcome, seen):
                    result.outcomes[reason] += 1
                    continue
                evidence.stage(outcome.url, outcome.site,
                               site_boilerplate.page_lines(outcome.text, outcome.lead))
                pickle.dump(outcome, stage)
                result.articles += 1
            bar.set_postfix(articles=result.articles)
    result.records = sum(result.outcomes.values()) + result.articles
    evidence.close()


def duplicate(article, seen) -> str | None:
    """The crawl's duplicate check (first met wins): the drop's name, or None."""
    from pipelines.drops import ArticleDrop
    try:
        seen.check_and_add(article)
    except ArticleDrop as drop:
        return type(drop).__name__
    return None


def staged_articles(stage, learned, run_id: str):
    """The first pass's articles, in order, without the learned site boilerplate."""
    stage.seek(0)
    while True:
        try:
            article = pickle.load(stage)
        except EOFError:
            return
        article.text = site_boilerplate.cleaned(article.text, article.lead, learned.get(article.site, ()))
        article.run_id = run_id
        yield article


def write_all(stage, request, executor, width, result) -> None:
    """Second pass: tokenise in the workers; here, commit files (each marked in the harvest
    state, as a crawl does)."""
    evidence = site_boilerplate.Evidence(request.out)
    learned = evidence.learned(with_staged=True)
    evidence.close()
    writer = CorpusWriter(request.out, result.run_id)
    state = HarvestState(request.out)
    try:
        with progress(request, "tokenize", result.articles, "article") as bar:
            articles = batched(staged_articles(stage, learned, result.run_id))
            for batch, tokens in ordered_map(executor, tokenize_batch, articles, width,
                                             payload=lambda b: [a.text for a in b]):
                for article, (segmented, words, sentences) in zip(batch, tokens):
                    article.tokens, article.n_words, article.n_sentences = segmented, words, sentences
                    commit(writer, state, writer.add(article))
                bar.update(len(batch))
            commit(writer, state, writer.flush())
    finally:
        state.close()


def commit(writer: CorpusWriter, state: HarvestState, files) -> None:
    for path, rows in files:
        state.mark_file(path.relative_to(writer.directory).as_posix(), rows)


@contextmanager
def progress(request: RebuildRequest, what: str, total: int, unit: str):
    with tqdm(total=total, desc=what, unit=unit, unit_scale=unit == "B", mininterval=0.5,
              disable=not request.progress, dynamic_ncols=True) as bar:
        yield bar
