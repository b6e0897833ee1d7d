"""A crawl shared by several worker processes on any number of machines, through Redis
(`crawl ... --redis redis://HOST:PORT/DB`). Each worker writes its own corpus directory
(parquet, WARC, state); what they share lives in Redis under REDIS_PREFIX ("vnnews"):

- the request queue and the seen-request filter: scrapy-redis's scheduler and dupefilter,
  under keys of one crawl generation (`<prefix>:run:<gen>:*`). A worker joins the generation
  of the workers alive when it starts, or starts a new one (old keys are dropped), so a
  finished crawl's filter never hides tomorrow's pages;
- leases: a worker pops a request and records it under its name in one atomic step. It is
  released when its outcome is safe: a listing, feed or sitemap once its callback has queued
  what it found; an article once its row is committed to parquet (or it is dropped for good).
  A worker sends a heartbeat every REDIS_HEARTBEAT seconds (a thread, so a busy reactor
  cannot miss it); when one stops for REDIS_WORKER_TTL seconds, the others put its leased
  requests back in the queue: nothing a killed worker held is lost;
- duplicate claims: the canonical URL and content hash of each article are claimed by the
  first worker to meet them (a claim of a dead worker is free again), so two workers never
  keep the same article under two URLs;
- the harvest state across runs (`<prefix>:known:*`): every article URL seen, saved or
  dropped for good, and every content hash, mirrored from each worker's DIR/_state.sqlite
  (SharedState), so no worker fetches again what another one saved in an earlier run;
- politeness: DOWNLOAD_DELAY is per process, so each request first reserves a start time for
  its owner in Redis (`<prefix>:host:<owner>`, a Lua script on Redis's clock; the owner is
  the registrable domain, a paper's subdomains included, crawler/sites/domains.py):
  requests to one owner start at least REDIS_HOST_DELAY seconds apart (default
  DOWNLOAD_DELAY) whatever worker sends them.

A worker stops when the queue is empty and no other worker is busy; an idle worker looks at
the queue every REDIS_POLL seconds.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import threading
import uuid

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.harvest.state import HarvestState
from crawler.sites.domains import owner_key
from pipelines.dedup import DedupPipeline
from pipelines.drops import DuplicateContent, DuplicateURL
from pipelines.items import any_item

logger = logging.getLogger("vnnews.distributed")

# Join the generation of the live workers, or start a new one. KEYS: gen counter;
# ARGV: prefix, worker, ttl.
JOIN = """
local gen = redis.call('GET', KEYS[1])
if gen then
  for _, w in ipairs(redis.call('SMEMBERS', ARGV[1] .. ':run:' .. gen .. ':workers')) do
    if redis.call('EXISTS', ARGV[1] .. ':alive:' .. w) == 1 then
      redis.call('SADD', ARGV[1] .. ':run:' .. gen .. ':workers', ARGV[2])
      redis.call('SET', ARGV[1] .. ':alive:' .. ARGV[2], 1, 'PX', ARGV[3])
      return {gen, 0}
    end
  end
end
local new = redis.call('INCR', KEYS[1])
redis.call('SADD', ARGV[1] .. ':run:' .. new .. ':workers', ARGV[2])
redis.call('SET', ARGV[1] .. ':alive:' .. ARGV[2], 1, 'PX', ARGV[3])
return {tostring(new), 1}
"""
# Pop the best request and lease it, atomically. KEYS: queue, leases, lease scores, status.
POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return nil end
redis.call('ZREM', KEYS[1], top[1])
local id = redis.sha1hex(top[1])
redis.call('HSET', KEYS[2], id, top[1])
redis.call('HSET', KEYS[3], id, top[2])
redis.call('HSET', KEYS[4], ARGV[1], 'busy')
return {id, top[1]}
"""
# Give the leases of workers whose heartbeat stopped back to the queue. KEYS: workers, queue,
# status; ARGV: prefix, gen, me. Returns how many requests came back.
RECOVER = """
local back = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if w ~= ARGV[3] and redis.call('EXISTS', ARGV[1] .. ':alive:' .. w) == 0 then
    local run = ARGV[1] .. ':run:' .. ARGV[2]
    local leases = redis.call('HGETALL', run .. ':leases:' .. w)
    for i = 1, #leases, 2 do
      local score = redis.call('HGET', run .. ':scores:' .. w, leases[i])
      redis.call('ZADD', KEYS[2], score, leases[i + 1])
      back = back + 1
    end
    redis.call('DEL', run .. ':leases:' .. w, run .. ':scores:' .. w)
    redis.call('SREM', KEYS[1], w)
    redis.call('HDEL', KEYS[3], w)
  end
end
return back
"""
# Claim keys for this worker unless known or held by a live worker. KEYS: claims, known
# saved URLs, known hashes; ARGV: prefix, me, url, hash. Returns '' or what is taken.
CLAIM = """
if redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then return 'url' end
if redis.call('SISMEMBER', KEYS[3], ARGV[4]) == 1 then return 'hash' end
for i, key in ipairs({'u:' .. ARGV[3], 'h:' .. ARGV[4]}) do
  local owner = redis.call('HGET', KEYS[1], key)
  if owner and owner ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. ':alive:' .. owner) == 1 then
    return i == 1 and 'url' or 'hash'
  end
end
redis.call('HSET', KEYS[1], 'u:' .. ARGV[3], ARGV[2], 'h:' .. ARGV[4], ARGV[2])
return ''
"""
# Reserve the next start time for a host; returns the wait in microseconds. KEYS: host key;
# ARGV: delay in microseconds.
SPACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], at + tonumber(ARGV[1]), 'PX', math.floor((at - now) / 1000) + 60000)
return at - now
"""


class RedisUnavailable(Exception):
    """The Redis server of --redis does not answer."""


class SharedCrawl:
    """This worker's membership of a shared crawl: joins it, keeps its heartbeat, leases,
    claims, and mirrors the harvest state."""

    def __init__(self, url: str, prefix: str = "vnnews", ttl: float = 15.0, beat: float = 3.0):
        self.redis = redis.Redis.from_url(url)
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            raise RedisUnavailable(f"no Redis server answers at {url}: {exc}") from None
        self.url, self.prefix, self.ttl, self.beat = url, prefix, ttl, beat
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.leases: dict[str, str] = {}             # ack key -> lease id
        self.stopped = threading.Event()
        self.gen = self.join()
        self.thread = threading.Thread(target=self.heartbeat, daemon=True, name="redis-heartbeat")
        self.thread.start()

    def key(self, name: str) -> str:
        return f"{self.prefix}:run:{self.gen}:{name}"

    def known(self, name: str) -> str:
        return f"{self.prefix}:known:{name}"

    def join(self) -> str:
        gen, new = self.redis.eval(JOIN, 1, f"{self.prefix}:gen", self.prefix, self.worker,
                                   int(self.ttl * 1000))
        gen = gen.decode()
        if new:
            self.drop_generation(str(int(gen) - 1))
        logger.info("worker %s %s crawl %s at %s", self.worker, "started" if new else "joined",
                    gen, self.url)
        return gen

    def drop_generation(self, gen: str) -> None:
        """Keys of a finished crawl: its filter would hide pages from the next one."""
        for name in self.redis.scan_iter(f"{self.prefix}:run:{gen}:*"):
            self.redis.delete(name)

    def heartbeat(self) -> None:
        beats = redis.Redis.from_url(self.url)    # its own connection: redis-py is not thread-safe
        while not self.stopped.wait(self.beat):
            beats.set(f"{self.prefix}:alive:{self.worker}", 1, px=int(self.ttl * 1000))
            back = beats.eval(RECOVER, 3, self.key("workers"), self.key("requests"), self.key("status"),
                              self.prefix, self.gen, self.worker)
            if back:
                logger.warning("put back %d requests leased by a worker that stopped", back)

    # -- leases ------------------------------------------------------------------------
    def pop(self) -> tuple[str, bytes] | None:
        found = self.redis.eval(POP, 4, self.key("requests"), self.key(f"leases:{self.worker}"),
                                self.key(f"scores:{self.worker}"), self.key("status"), self.worker)
        return (found[0].decode(), found[1]) if found else None

    def lease(self, lease_id: str, request) -> None:
        self.leases[ack_key(request)] = lease_id

    def release(self, keys) -> None:
        ids = [self.leases.pop(k) for k in keys if k in self.leases]
        if ids:
            self.redis.hdel(self.key(f"leases:{self.worker}"), *ids)
            self.redis.hdel(self.key(f"scores:{self.worker}"), *ids)

    # -- duplicates and the harvest state ---------------------------------------------------
    def claim(self, url: str, content_hash: str) -> str:
        taken = self.redis.eval(CLAIM, 3, self.key("claims"), self.known("saved"), self.known("hashes"),
                                self.prefix, self.worker, url, content_hash or "")
        return taken.decode()

    def remember(self, seen=(), saved=(), hashes=()) -> None:
        with self.redis.pipeline() as pipe:
            for name, values in (("urls", seen), ("saved", saved), ("hashes", hashes)):
                values = [v for v in values if v]
                for start in range(0, len(values), 10_000):
                    pipe.sadd(self.known(name), *values[start:start + 10_000])
            pipe.execute()

    def members(self, name: str) -> set[str]:
        return {v.decode() for v in self.redis.sscan_iter(self.known(name), count=10_000)}

    # -- stopping -----------------------------------------------------------------------
    def keep_waiting(self) -> bool:
        """Idle here: wait while the queue holds requests or another worker is busy."""
        self.redis.hset(self.key("status"), self.worker, "idle")
        if self.redis.zcard(self.key("requests")):
            return True
        return any(s == b"busy" for w, s in self.redis.hgetall(self.key("status")).items()
                   if w.decode() != self.worker)

    def leave(self) -> None:
        """A clean stop: leases still held failed here (a later run finds them again)."""
        if self.stopped.is_set():
            return
        self.stopped.set()
        self.thread.join(timeout=self.beat + 5)
        self.redis.delete(self.key(f"leases:{self.worker}"), self.key(f"scores:{self.worker}"),
                          f"{self.prefix}:alive:{self.worker}")
        self.redis.hdel(self.key("status"), self.worker)
        self.redis.srem(self.key("workers"), self.worker)
        if not self.redis.scard(self.key("workers")):
            self.drop_generation(self.gen)


def ack_key(request) -> str:
    """An article request is released by its URL as linked (the row's fetched_url)."""
    return request.meta.get("linked") or request.url


def shared_for(crawler) -> SharedCrawl:
    shared = getattr(crawler, "vnnews_shared", None)
    if shared is None:
        raise NotConfigured("not a shared crawl (crawl --redis)")
    return shared


def join(settings) -> SharedCrawl:
    """Join (or start) the shared crawl at REDIS_URL and set this worker's Scrapy settings."""
    shared = SharedCrawl(settings.get("REDIS_URL"), settings.get("REDIS_PREFIX"),
                         settings.getfloat("REDIS_WORKER_TTL"), settings.getfloat("REDIS_HEARTBEAT"))
    here = "crawler.harvest.distributed."
    pipelines = settings.getdict("ITEM_PIPELINES")
    pipelines[here + "SharedDedupPipeline"] = pipelines.pop("pipelines.dedup.DedupPipeline")
    values = {
        "SCHEDULER": here + "SharedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,         # another worker may still be at work
        "SCHEDULER_QUEUE_KEY": shared.key("requests"),
        "SCHEDULER_DUPEFILTER_KEY": shared.key("seen"),
        "ITEM_PIPELINES": pipelines,
        "SPIDER_MIDDLEWARES": {**settings.getdict("SPIDER_MIDDLEWARES"), here + "SharedRelease": 10},
        "EXTENSIONS": {**settings.getdict("EXTENSIONS"), here + "SharedIdle": 600},
        # the last step before the download: after robots.txt and the other middlewares
        "DOWNLOADER_MIDDLEWARES": {**settings.getdict("DOWNLOADER_MIDDLEWARES"), here + "HostSpacing": 960},
    }
    if settings.get("REDIS_HOST_DELAY") is None:
        values["REDIS_HOST_DELAY"] = settings.getfloat("DOWNLOAD_DELAY")
    for name, value in values.items():
        settings.set(name, value, priority="cmdline")
    return shared


# -- Scrapy components ------------------------------------------------------------------
class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler, popping through a lease."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.shared = shared_for(crawler)
        return scheduler

    def next_request(self):
        found = self.shared.pop()
        if found is None:
            return None
        lease_id, data = found
        request = self.queue._decode_request(data)
        self.shared.lease(lease_id, request)
        self.stats.inc_value("scheduler/dequeued/redis")
        return request


class SharedState(HarvestState):
    """The harvest state of this worker's directory, mirrored to Redis: what any worker saved
    or dropped for good counts as known here; committing a row releases its lease."""

    def __init__(self, directory, shared: SharedCrawl):
        super().__init__(directory)
        self.shared = shared

    def publish(self) -> None:
        """This directory's state into Redis (it may predate the shared crawl)."""
        urls, hashes = super().saved_keys()
        self.shared.remember(seen=super().seen_urls(), saved=urls, hashes=hashes)

    def seen_urls(self) -> set[str]:
        return super().seen_urls() | self.shared.members("urls")

    def saved_keys(self) -> tuple[set[str], set[str]]:
        urls, hashes = super().saved_keys()
        return urls | self.shared.members("saved"), hashes | self.shared.members("hashes")

    def sites_seen(self) -> None:
        """Unknown here: another worker may have taken every article page of a site, so no
        site is judged as never having given an article."""
        return None

    def before_commit(self, rows: list[dict]) -> None:
        """Just before a file's rename: its articles become known as saved in Redis, so no
        other worker claims them again should this worker die before its lease is released
        (a kill between this and the rename, one system call, would lose the file's rows
        instead of repeating them)."""
        urls = [u for row in rows for u in (row.get("url"), row.get("fetched_url"))]
        self.shared.remember(seen=urls, saved=urls, hashes=[row.get("content_hash") for row in rows])

    def mark_file(self, rel_path: str, rows: list[dict]) -> None:
        super().mark_file(rel_path, rows)
        urls = [u for row in rows for u in (row.get("url"), row.get("fetched_url"))]
        self.shared.remember(seen=urls, saved=urls, hashes=[row.get("content_hash") for row in rows])
        self.shared.release(row.get("fetched_url") for row in rows)

    def mark_seen(self, urls, site: str, status: str, run_id: str | None) -> None:
        urls = set(urls) - {None}
        super().mark_seen(urls, site, status, run_id)
        self.shared.remember(seen=urls)
        self.shared.release(urls)


class SharedDedupPipeline(DedupPipeline):
    """The duplicate check, then a claim in Redis: the first worker to meet an article's URL
    or text keeps it."""

    shared: SharedCrawl

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = super().from_crawler(crawler)
        pipeline.shared = shared_for(crawler)
        return pipeline

    @any_item
    def process_item(self, item):
        super().process_item(item)
        taken = self.shared.claim(item.url, item.content_hash)
        if taken == "url":
            raise DuplicateURL(f"duplicate URL (another worker): {item.url}")
        if taken == "hash":
            raise DuplicateContent(f"duplicate text (another worker): {item.url}")
        return item


class SharedRelease:
    """Spider middleware: a listing, feed or sitemap is released once its callback has
    queued everything it found (articles wait for their row)."""

    def __init__(self, shared: SharedCrawl):
        self.shared = shared

    @classmethod
    def from_crawler(cls, crawler):
        return cls(shared_for(crawler))

    def process_spider_output(self, response, result):
        yield from result
        self.done(response)

    async def process_spider_output_async(self, response, result):
        async for found in result:
            yield found
        self.done(response)

    def done(self, response) -> None:
        if response.meta.get("kind") != "article":
            self.shared.release([ack_key(response.request)])


class SharedIdle:
    """Extension: keeps an idle worker open while others may still queue requests, and looks
    at the shared queue every REDIS_POLL seconds (an idle Scrapy engine looks at its scheduler
    again only every 5 s, its heartbeat); leaves the crawl when the spider closes."""

    def __init__(self, crawler, shared: SharedCrawl):
        self.crawler, self.shared = crawler, shared
        self.poller = task.LoopingCall(self.poll)

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler, shared_for(crawler))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider=None):
        self.poller.start(self.crawler.settings.getfloat("REDIS_POLL"), now=False)

    def poll(self):
        # the engine's own wake-up (private, hence the guard): it asks the scheduler for
        # requests and, when idle, fires spider_idle
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def idle(self, spider=None):
        if self.shared.keep_waiting():
            raise DontCloseSpider

    def closed(self, spider=None):
        if self.poller.running:
            self.poller.stop()
        self.shared.leave()


class HostSpacing:
    """Downloader middleware: requests to one owner (a registrable domain with its
    subdomains, else the host and port) start REDIS_HOST_DELAY seconds apart across every
    worker of the crawl."""

    def __init__(self, shared: SharedCrawl, delay: float):
        self.shared, self.delay_us = shared, int(delay * 1_000_000)

    @classmethod
    def from_crawler(cls, crawler):
        delay = crawler.settings.getfloat("REDIS_HOST_DELAY")
        if delay <= 0:
            raise NotConfigured("no delay between requests to a host")
        return cls(shared_for(crawler), delay)

    async def process_request(self, request):
        wait = self.reserve(owner_key(request.url))
        if wait > 0:
            await asyncio.sleep(wait)

    def reserve(self, host: str) -> float:
        """Seconds until this request may start (its slot is taken now)."""
        name = f"{self.shared.prefix}:host:{hashlib.sha1(host.encode()).hexdigest()[:16]}"
        return self.shared.redis.eval(SPACE, 1, name, self.delay_us) / 1_000_000
