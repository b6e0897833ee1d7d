"""Where a crawl may go (the confinement rule, docs/unattended.md, "Confinement"), and the
checks of the --start-url and --base-url options that name those places.

A URL is on a site when its scheme is http or https and its host and port are one of:

- the site's registry domains, each with and without `www.`, and their subdomains
  (crawler/sites/domains.py: a paper's sections on subdomains are its pages), on the default
  port of the URL's scheme (80 for http, 443 for https);
- for `--start-url`, its host, that host's `www.` twin and its subdomains, on the start URL's
  port (the scheme's default port when it names none);
- for `--base-url`, instead of the above, the base URL's host on its port: the site's pages
  are fetched from there, and its public domains are only names.

A name without a registrable domain (an IP address, "localhost", a test TLD) has no
subdomains: it covers only itself.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from crawler.sites.domains import covers
from crawler.sites.registry import RegistryError, Site

SCHEMES = {"http": 80, "https": 443}


def host_port(url: str) -> tuple[str, int] | None:
    """(host, port) of an http(s) URL, the port made explicit; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:                       # a port that is not a number
        return None
    if parts.scheme not in SCHEMES or not parts.hostname:
        return None
    return parts.hostname.lower(), port or SCHEMES[parts.scheme]


class Confinement:
    """The domains and ports each site of a crawl may fetch from: (domain, port, its
    subdomains too?)."""

    def __init__(self, sites: dict[str, Site], bases: dict[str, str]):
        self.allowed: dict[str, set[tuple[str, int, bool]]] = {}
        for site_id, site in sites.items():
            if site_id in bases:
                host, port = host_port(bases[site_id])
                self.allowed[site_id] = {(host, port, False)}
            elif site.status == "generic":
                host, port = host_port(site.start_urls[0])
                self.allowed[site_id] = {(host, port, True)}
            else:
                self.allowed[site_id] = {(d.lower(), port, True) for d in site.domains
                                         for port in SCHEMES.values()}

    def allows(self, site_id: str | None, url: str) -> bool:
        """Is `url` on the site (or, for a request of no site such as robots.txt, on any)?"""
        where = host_port(url)
        if where is None:
            return False
        if site_id is None:
            return any(_within(where, place) for places in self.allowed.values()
                       for place in places)
        return any(_within(where, place) for place in self.allowed.get(site_id, ()))


def _within(where: tuple[str, int], place: tuple[str, int, bool]) -> bool:
    (host, port), (domain, allowed_port, subdomains) = where, place
    if port != allowed_port:
        return False
    return covers(domain, host) if subdomains else host == domain


def check_start_url(url: str) -> None:
    if host_port(url) is None:
        raise RegistryError(f"--start-url {url!r} is not an http(s) URL with a host")


def parse_base_urls(value: str | None, site_ids: list[str]) -> dict[str, str]:
    """"URL" (one site) or "ID=URL,ID=URL" -> {site id: base URL}."""
    if not value:
        return {}
    bases = {}
    for part in value.split(","):
        site_id, sep, url = ("", "", part) if "://" in part.split("=")[0] else part.partition("=")
        if not sep:
            if len(site_ids) != 1:
                raise RegistryError("--base-url URL needs exactly one site; use ID=URL")
            site_id, url = site_ids[0], part
        if site_id not in site_ids:
            raise RegistryError(f"--base-url names {site_id!r}, which is not crawled")
        if host_port(url) is None:
            raise RegistryError(f"--base-url {url!r} is not an http(s) URL with a host")
        bases[site_id] = url.rstrip("/")
    return bases
