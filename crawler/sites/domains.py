"""Which hosts a site's domain covers, and which requests go to one owner's servers.

A paper publishes whole sections on subdomains of its domain (petrovietnam.petrotimes.vn,
thethao.tuoitre.vn): they are the paper's pages, so a domain covers its subdomains. A name
that is not under a registrable domain (an IP address, "localhost", a public suffix such as
gov.vn, a name under an unlisted test TLD) covers only itself: the subdomains of gov.vn are
other owners, and 127.0.0.1 has none.

The public suffix list is tldextract's bundled snapshot (a Scrapy dependency), with the
list's private part, so that the blogs of a hosting service (*.blogspot.com) are each an owner
of their own; it is never fetched, so a crawl makes no request for it.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                  include_psl_private_domains=True)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str | None:
    """The name registered under a public suffix ("petrotimes.vn" for
    "petrovietnam.petrotimes.vn"); None when the host has none."""
    host = host.lower().rstrip(".")
    if not host or _is_ip(host):
        return None
    parts = _SUFFIXES(host)
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def covers(domain: str, host: str) -> bool:
    """The host is the domain, its www. twin, or (when the domain is at or under a
    registrable domain) one of its subdomains."""
    domain, host = domain.lower().removeprefix("www."), host.lower()
    if host in (domain, f"www.{domain}"):
        return True
    return host.endswith(f".{domain}") and registrable_domain(domain) is not None


def owner_key(url: str) -> str:
    """The key of politeness: requests to one registrable domain (a paper and its
    subdomains) share one download slot and one spacing; a host without one (127.0.0.1:8000)
    is its own, port included."""
    parts = urlsplit(url)
    return registrable_domain(parts.hostname or "") or parts.netloc.lower()
