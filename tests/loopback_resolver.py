"""A Scrapy DNS resolver for tests (`-s TWISTED_DNS_RESOLVER=loopback_resolver.LoopbackResolver`,
with tests/ on PYTHONPATH): every name under the reserved example domains (RFC 2606)
resolves to 127.0.0.1, so a local server can stand for a site and its subdomains; any other
name is resolved as usual."""
from twisted.internet import defer

from scrapy.resolver import CachingThreadedResolver

LOOPBACK_DOMAINS = ("example.com", "example.org", "example.net")


class LoopbackResolver(CachingThreadedResolver):
    def getHostByName(self, name, timeout=()):  # noqa: N802 - Twisted's interface
        if any(name == d or name.endswith("." + d) for d in LOOPBACK_DOMAINS):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)
