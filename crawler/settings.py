"""Scrapy settings: the only place where crawler/, pipelines/ and corpus/ are wired together.

Our own settings use one prefix per feature: VNNEWS_* (run), CORPUS_* (output),
QUALITY_* (gate), TOKENIZE_* (segmentation), PROGRESS_* (terminal/log progress),
ARCHIVE_* (raw WARC archive), REDIS_* (a crawl shared by several workers).
"""
from crawler import __version__

BOT_NAME = "vnnews"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness by default: robots.txt, one request at a time per domain (a paper's subdomains
# included: crawler.spiders.guards.OwnerSlotMiddleware), AutoThrottle.
USER_AGENT = f"vnnews/{__version__} (+https://github.com/vnnews-corpus/vnnews; research corpus crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
# Scrapy starts CONCURRENT_ITEMS asyncio tasks (default 100) for every callback's output. An
# article page yields one item, listings and sitemaps only requests (scheduled at once, never
# awaited): one task does the same work, and the 100 cost ~0.35 ms of CPU per response.
CONCURRENT_ITEMS = 1
RETRY_TIMES = 2

# Bounds of an unattended run (docs/unattended.md, "Bounds"): no page, server or trap can
# hang it, blow its memory or keep it going. Scrapy's defaults (1 GiB, 180 s, no budget) are for supervised use.
DOWNLOAD_TIMEOUT = 20                  # seconds per download, the whole body included
DOWNLOAD_MAXSIZE = 4 * 2**20           # an HTML page, also while inflating gzip/deflate/br
DOWNLOAD_WARNSIZE = 2**20
VNNEWS_MAXSIZE_XML = 2 * 2**20         # a sitemap or feed
VNNEWS_MAXSIZE_ROBOTS = 512 * 2**10    # robots.txt: read this much, ignore the rest (RFC 9309)
VNNEWS_PARSE_TIMEOUT = 10.0            # seconds to decode and extract one article page
VNNEWS_PARSE_WORKERS = 1               # processes extracting article pages
VNNEWS_SITE_BUDGET = 10_000            # requests per site and run (retries, redirects included)
VNNEWS_TRAP_MAX_DEPTH = 10             # links from a start page, feed or sitemap
VNNEWS_TRAP_MAX_PAGE = 500             # highest page number followed (?page=, /trang-N)
VNNEWS_TRAP_QUERY_VARIANTS = 10        # distinct query strings per path and run
VNNEWS_RETRY_AFTER_MAX = 120.0         # longest Retry-After wait honoured, in seconds
REDIRECT_MAX_TIMES = 5                 # a chain this long is a trap, not an article
VNNEWS_MAX_RUNTIME = 0                 # seconds; 0 = no limit (--max-runtime)
# Responses waiting for extraction (Scrapy: 5 MB). All are extracted and written when the run
# stops, so this backlog is what a stop has to finish: a few seconds' work, not half a minute.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
DOWNLOADER_MIDDLEWARES = {
    "crawler.spiders.guards.ConfineMiddleware": 40,
    # the raw archive sees a response last: after redirects, retries and decompression
    "crawler.harvest.archive.ArchiveMiddleware": 42,
    "crawler.spiders.guards.FrontierMiddleware": 45,
    "crawler.spiders.guards.LimitsMiddleware": 48,
    "crawler.spiders.guards.OwnerSlotMiddleware": 49,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.spiders.robots.RobotsPolicy": 100,
    "crawler.spiders.guards.RetryAfterMiddleware": 560,
}
DOWNLOAD_HANDLERS = {
    "http": "crawler.spiders.stopping.StoppableDownloadHandler",
    "https": "crawler.spiders.stopping.StoppableDownloadHandler",
}

# Unattended runs: no remote-control HTTP server, no telnet console.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.boilerplate.BoilerplatePipeline": 200,
    "pipelines.captions.CaptionsPipeline": 300,
    "pipelines.quality.QualityPipeline": 400,
    "pipelines.dedup.DedupPipeline": 500,
    "crawler.harvest.site_boilerplate.SiteBoilerplatePipeline": 550,
    "pipelines.tokenize.TokenizePipeline": 600,
    "crawler.harvest.store.CorpusPipeline": 900,
}
EXTENSIONS = {
    "crawler.spiders.stopping.RunDeadline": 100,
    "crawler.harvest.progress.Progress": 500,
    "scrapy.extensions.logstats.LogStats": None,   # Progress replaces it
}

# Services the text pipelines receive by dotted path (they import nothing of the crawler).
DEDUP_KNOWN_KEYS = "crawler.harvest.state.saved_keys_for"
BOILERPLATE_SITE_PHRASES = "crawler.sites.registry.boilerplate_phrases"

CORPUS_DIR = "corpus-out"
CORPUS_FLUSH_ROWS = 50          # rows per commit: a SIGKILL loses at most this many
CORPUS_FLUSH_SECONDS = 30.0     # ... or what came in the last 30 s
CORPUS_COMPACT_MIN_FILES = 20  # end of run: merge a partition's files once it has this many (0: never)
QUALITY_MIN_WORDS = 80
QUALITY_MIN_VI_SHARE = 0.3
TOKENIZE_WORKERS = 2
PROGRESS_INTERVAL = 30.0      # seconds between plain log lines when not on a terminal
ARCHIVE_ENABLED = True        # raw responses to CORPUS_DIR/_warc/*.warc.gz (crawl --no-archive)
ARCHIVE_DIR = None            # default: CORPUS_DIR/_warc
ARCHIVE_MAX_BYTES = 256 * 1024 * 1024   # a new WARC file past this size
ARCHIVE_GZIP_LEVEL = 3        # zlib level of each record: 3 costs a third of 9's CPU for ~11% more bytes
# Bounds of number settings, checked where -s gives them (crawler/cli/main.py) and by the
# component reading them (lowercase: not a Scrapy setting).
setting_ranges = {"ARCHIVE_GZIP_LEVEL": (0, 9)}
# crawl --redis URL sets REDIS_URL (crawler/harvest/distributed.py)
REDIS_PREFIX = "vnnews"       # key prefix: one per corpus sharing a Redis server
REDIS_HEARTBEAT = 3.0         # seconds between a worker's heartbeats
REDIS_WORKER_TTL = 15.0       # a worker silent this long is dead: its leased requests go back
REDIS_POLL = 0.5              # seconds between an idle worker's looks at the shared queue
REDIS_HOST_DELAY = None       # seconds between requests to one host across workers (None: DOWNLOAD_DELAY)

LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.harvest.logformat.PageLogFormatter"   # no item dumps in the log
FEED_EXPORT_ENCODING = "utf-8"
