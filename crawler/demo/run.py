"""`make demo`: serve the bundled fixture web on 127.0.0.1 and crawl it, fully offline."""
from __future__ import annotations

from pathlib import Path

WEB_ROOT = Path(__file__).parent / "web"
GENERIC_SITE = "generic-news"
# Local servers need no politeness delay; real sites keep the defaults of crawler/settings.py.
LOCAL_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def demo_request(out: Path, servers: dict):
    from crawler.sites.registry import load_registry
    from crawler.harvest.runner import CrawlRequest
    sites = [s for s in servers if s in load_registry()]
    bases = ",".join(f"{s}={servers[s].base_url}" for s in sites)
    start = servers[GENERIC_SITE].base_url + "/" if GENERIC_SITE in servers else None
    return CrawlRequest(out=out, sites=sites, base_url=bases, start_url=start,
                        overrides=dict(LOCAL_SETTINGS))


def run_demo(out: Path) -> int:
    from crawler.demo.server import serve_web
    from crawler.harvest.runner import run_crawl
    from crawler.harvest.summary import format_summary
    with serve_web(WEB_ROOT) as servers:
        result = run_crawl(demo_request(out, servers))
    print(format_summary(result, out, detailed=True))
    return result.exit_code
