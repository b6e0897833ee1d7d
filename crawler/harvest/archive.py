"""The raw archive: every fetched article, listing, feed and sitemap response is written to WARC
files beside the corpus (DIR/_warc/<run_id>-<n>.warc.gz), so that a better extractor can be run
over last year's harvest without re-crawling sites that have changed or vanished
(`python -m crawler rebuild`, crawler/harvest/rebuild.py).

Format: WARC/1.1 (WARC-Date to the microsecond), one gzip member per record (a reader can seek
straight to a row's `warc_offset`), a warcinfo record opening each file, a new file once one
passes ARCHIVE_MAX_BYTES. A response record holds the status line, headers and body as Scrapy
delivered them: after content decoding (Content-Encoding dropped, Content-Length fitted to the
stored body; the HTTP client has already undone chunked transfer), so any WARC reader reads it.
Our WARC-Vnnews-* headers name the site and page kind the request was made for, the page's
URL on the site's own domain as linked (the crawl may fetch from a --base-url origin) and that
origin, so that a rebuild makes the same rows as the crawl.

Compression: each record is gzipped by us at ARCHIVE_GZIP_LEVEL (3 by default) rather than by
warcio, which always uses level 9: on real pages (~150 KB) level 9 costs ~4 ms of the crawl
process's CPU per page, level 3 ~1.3 ms, for ~11% more bytes (level 6: ~2.4 ms, same size
as 9). The crawl process is the busiest one, so its CPU is worth more than disk here.

Crash safety: a record is built in memory and written with one write(), then flushed, so a
killed process leaves every earlier record whole; a file is fsynced when it is closed. Readers
(`read_records`) stop at a torn last record with a warning instead of failing.
"""
from __future__ import annotations

import io
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from crawler import __version__
from crawler.settings import ARCHIVE_GZIP_LEVEL as DEFAULT_GZIP_LEVEL, setting_ranges
from corpus.writer import run_id_for

logger = logging.getLogger(__name__)

WARC_DIR = "_warc"
ARCHIVED_KINDS = ("article", "listing", "feed", "sitemap")
# Headers that described the bytes on the wire, not the decoded body we store.
WIRE_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}
H_SITE, H_KIND = "WARC-Vnnews-Site", "WARC-Vnnews-Kind"
H_LINKED, H_BASE = "WARC-Vnnews-Linked-URL", "WARC-Vnnews-Base-URL"


@dataclass(frozen=True)
class Archived:
    """Where a response was archived: the row's warc_file / warc_offset, and when."""
    file: str
    offset: int
    date: datetime


class WarcFiles:
    """Appends records to DIR/<run_id>-<n>.warc.gz, starting a new file past max_bytes.

    `label(path)` is how rows name a file (relative to the corpus directory)."""

    def __init__(self, directory: Path, run_id: str, max_bytes: int, label=str,
                 gzip_level: int = DEFAULT_GZIP_LEVEL):
        self.directory, self.run_id, self.max_bytes, self.label = directory, run_id, max_bytes, label
        self.gzip_level = gzip_level
        self.handle = None
        self.sequence = 0
        self.paths: list[Path] = []

    def write(self, record_bytes: bytes, date: datetime) -> Archived:
        if self.handle is None:
            self._open()
        offset = self.handle.tell()
        self.handle.write(record_bytes)
        self.handle.flush()     # in the OS: a killed process loses nothing already written
        archived = Archived(self.label(self.paths[-1]), offset, date)
        if self.handle.tell() >= self.max_bytes:
            self.close()
        return archived

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.sequence += 1
        path = self.directory / f"{self.run_id}-{self.sequence:05d}.warc.gz"
        self.handle = open(path, "xb")
        self.paths.append(path)
        info = {"software": f"vnnews/{__version__}", "format": "WARC File Format 1.1",
                "isPartOf": self.run_id}
        record = new_writer(io.BytesIO()).create_warcinfo_record(path.name, info)
        self.handle.write(record_bytes_of(record, self.gzip_level))

    def close(self) -> None:
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self.handle = None


def new_writer(buffer) -> WARCWriter:
    return WARCWriter(buffer, gzip=False, warc_version="1.1")


def record_bytes_of(record, gzip_level: int = DEFAULT_GZIP_LEVEL) -> bytes:
    """The record as one gzip member (what warcio's gzip=True writes, at our level)."""
    buffer = io.BytesIO()
    new_writer(buffer).write_record(record)
    member = zlib.compressobj(gzip_level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return member.compress(buffer.getvalue()) + member.flush()


def response_record(url: str, status: int, headers: list[tuple[str, str]], body: bytes,
                    date: datetime, extra: dict[str, str],
                    gzip_level: int = DEFAULT_GZIP_LEVEL) -> bytes:
    """One gzipped WARC response record of a decoded body."""
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    fields = [(k, v) for k, v in headers] + [("Content-Length", str(len(body)))]
    http = StatusAndHeaders(f"{status} {reason}".strip(), fields, protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": datetime_to_iso_date(date.replace(tzinfo=None), use_micros=True),
                    **{k: v for k, v in extra.items() if v}}
    record = new_writer(io.BytesIO()).create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body),
        http_headers=http, warc_headers_dict=warc_headers)
    return record_bytes_of(record, gzip_level)


def stored_headers(scrapy_headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in scrapy_headers.items() if name.lower() not in WIRE_HEADERS
            for value in values]


class ArchiveMiddleware:
    """Downloader middleware: archives each final response (after redirects, retries and
    decompression) of the page kinds in ARCHIVED_KINDS, and puts where it went in
    response.meta["warc"] for the spider to copy into the row.

    ARCHIVE_ENABLED (True; `--no-archive` turns it off), ARCHIVE_DIR (default CORPUS_DIR/_warc),
    ARCHIVE_MAX_BYTES (a new file past this size, default 256 MB), ARCHIVE_GZIP_LEVEL (0-9,
    default 3)."""

    def __init__(self, crawler, files: WarcFiles):
        self.crawler, self.files = crawler, files

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED", True):
            raise NotConfigured("archive off")
        corpus = Path(settings.get("CORPUS_DIR"))
        directory = Path(settings.get("ARCHIVE_DIR") or corpus / WARC_DIR)
        level = settings.getint("ARCHIVE_GZIP_LEVEL", DEFAULT_GZIP_LEVEL)
        low, high = setting_ranges["ARCHIVE_GZIP_LEVEL"]
        if not low <= level <= high:
            raise ValueError(f"ARCHIVE_GZIP_LEVEL must be {low}-{high}, not {level}")
        files = WarcFiles(directory, run_id_for(crawler), settings.getint("ARCHIVE_MAX_BYTES"),
                          label=lambda path: relative_label(path, corpus), gzip_level=level)
        middleware = cls(crawler, files)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response):
        kind = request.meta.get("kind")
        if kind not in ARCHIVED_KINDS or response.status != 200:
            return response
        date = datetime.now(timezone.utc)
        record = response_record(response.url, response.status, stored_headers(response.headers),
                                 response.body, date, self.vnnews_headers(request, response),
                                 self.files.gzip_level)
        request.meta["warc"] = self.files.write(record, date)
        self.crawler.stats.inc_value("vnnews/archived")
        return response

    def vnnews_headers(self, request, response) -> dict[str, str]:
        spider = self.crawler.spider
        site = spider.sites[request.meta["site"]]
        linked = spider.public_url(site, (request.meta.get("redirect_urls") or [response.url])[0])
        return {H_SITE: site.id, H_KIND: request.meta["kind"], H_LINKED: linked,
                H_BASE: spider.bases.get(site.id)}

    def close(self, spider=None) -> None:
        self.files.close()
        self.crawler.stats.set_value("vnnews/warc_files", [str(p) for p in self.files.paths])


def relative_label(path: Path, corpus: Path) -> str:
    """A WARC file as rows name it: relative to the corpus directory when inside it."""
    try:
        return path.resolve().relative_to(corpus.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


# -- reading -------------------------------------------------------------------------
@dataclass
class Record:
    """A response record as the rebuild needs it."""
    path: Path
    offset: int
    url: str
    date: datetime
    status: int
    content_type: str
    body: bytes
    vnnews: dict[str, str]


def warc_paths(paths) -> list[Path]:
    """WARC files named or found (recursively) in the folders named, in name order."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and is_warc_name(p.name))
        else:
            found.append(path)
    return found


def is_warc_name(name: str) -> bool:
    return name.endswith((".warc", ".warc.gz")) and not name.startswith(".")


def read_records(path: Path):
    """The HTTP response records of a WARC file, in file order. A torn last record (the file
    of a killed crawl, or of a machine that lost power) ends the file with a warning."""
    end = 0                                         # where the last whole record ends
    with open(path, "rb") as handle, open(path, "rb") as check:
        records = ArchiveIterator(handle)
        try:
            for record in records:
                found = to_record(path, records, record)
                if torn(record) or not member_whole(check, records):
                    break
                end = records.get_record_offset() + records.get_record_length()
                if found is not None:
                    yield found
        except Exception:   # noqa: BLE001 - warcio fails in many ways on a cut record
            pass
        check.seek(end)
        if check.read(8).strip(b"\r\n"):          # more than the blank lines ending a record
            logger.warning("%s: torn record at offset %d: the file ends there", path, end)


def torn(record) -> bool:
    """A record cut short: no WARC-Type read, or a block shorter than its Content-Length."""
    return not record.rec_type or bool(getattr(record.raw_stream, "limit", 0))


def member_whole(check, records) -> bool:
    """For gzipped WARCs, the exact test: the record's gzip member ends with its trailer
    (a header cut short can parse as a shorter record)."""
    if not records.reader.decompressor:
        return True
    check.seek(records.get_record_offset())
    member = zlib.decompressobj(zlib.MAX_WBITS | 16)
    member.decompress(check.read(records.get_record_length()))
    return member.eof


def to_record(path: Path, records, record) -> Record | None:
    """The Record of an HTTP response (None for other records), its body read."""
    body = record.content_stream().read()
    if record.rec_type != "response" or not record.http_headers:
        return None
    headers = record.rec_headers
    return Record(path=path, offset=records.get_record_offset(),
                  url=headers.get_header("WARC-Target-URI"),
                  date=iso_date_to_datetime(headers.get_header("WARC-Date"), tz_aware=True),
                  status=int(record.http_headers.get_statuscode() or 0),
                  content_type=record.http_headers.get_header("Content-Type") or "",
                  body=body,
                  vnnews={k: v for k, v in headers.headers if k.startswith("WARC-Vnnews-")})
