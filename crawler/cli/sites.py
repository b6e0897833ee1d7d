"""`sites` (the registry: list, add by induction, check against a page) and `links`
(what the spider would request from a saved page) on the command line."""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from crawler.cli.main import Parser, UserError, command, formatter

SITES_EXAMPLES = """examples:
  python -m crawler sites --status active --region "Tây Nguyên"
  python -m crawler sites --province "Bình Thuận" --json
  python -m crawler sites --status active --ids
  python -m crawler sites add https://baolaocai.vn/ --page a.html b.html c.html
  python -m crawler sites check baolaocai --page x.html --url https://baolaocai.vn/x-post1.html
  python -m crawler sites check --live --save probes/2026-12"""


# -- sites ----------------------------------------------------------------------------------
def add_sites_args(p):
    from crawler.sites.registry import STATUSES
    p.add_argument("--json", action="store_true", help="print a JSON list of site objects")
    p.add_argument("--ids", action="store_true", help="print the ids only, one per line")
    p.add_argument("--region", help="socio-economic region (part of its name)")
    p.add_argument("--province", help="province now or before the 2025 merger")
    p.add_argument("--status", choices=sorted(STATUSES), help="active, merged, archive-only...")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    add = actions.add_parser("add", formatter_class=formatter,
                             help="induce a site's TOML from saved article pages and print it",
                             epilog="example:\n  python -m crawler sites add https://baolaocai.vn/ "
                                    "--page a.html b.html c.html > new-site.toml")
    add.add_argument("url", help="the site's home page (its host is the site's domain)")
    add.add_argument("--page", nargs="+", required=True, metavar="FILE",
                     help="2-5 saved article pages of the site (FILE or FILE=URL)")
    add.add_argument("--id", dest="site_id", help="registry id (default: from the domain)")
    add.add_argument("--name", help="the paper's name as it prints it")
    check = actions.add_parser(
        "check", formatter_class=formatter,
        help="drift report (one listing + one article per site, --live or --saved DIR), or "
             "what a site's rules extract from one saved page (--page)",
        epilog="examples:\n"
               "  python -m crawler sites check --live --save probes/2026-12   # monthly\n"
               "  python -m crawler sites check --saved probes/2026-12         # after a code change\n"
               "  python -m crawler sites check cafef --page saved.html "
               "--url https://cafef.vn/x-188260307071033787.chn\n"
               "exit status: 0 every site fine, 1 some site drifted (or a field is flagged)")
    check.add_argument("site_ids", nargs="*", metavar="ID",
                       help="sites to check (default: every active site, or every saved one)")
    check.add_argument("--page", type=Path, metavar="FILE",
                       help="one saved page of one site: show each field its rules extract")
    check.add_argument("--url", help="with --page: the URL the page was served from (default: "
                                     "on the site's domain, named after the file)")
    check.add_argument("--live", action="store_true",
                       help="fetch one listing and its first article per site (needs the network)")
    check.add_argument("--saved", type=Path, metavar="DIR", help="re-read the pages a --live "
                       "check saved with --save (no network)")
    check.add_argument("--save", type=Path, metavar="DIR",
                       help="with --live: keep the fetched pages in DIR/<site>/ for --saved")
    check.add_argument("--base-url", metavar="URL",
                       help="with --live: fetch from another origin, as in crawl (ID=URL,...)")
    check.add_argument("--json", action="store_true", help="print one JSON list")
    check.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                       help="with --live: override a Scrapy/vnnews setting (repeatable)")


@command("sites", "list, add (by rule induction) and check registered sites",
         SITES_EXAMPLES.split("\n", 1)[1].strip(), args=add_sites_args)
def cmd_sites(args) -> int:
    if args.action == "add":
        return sites_add(args)
    if args.action == "check":
        return sites_check(args)
    return sites_list(args)


def _fold(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").casefold().strip()


def select_sites(sites, region=None, province=None, status=None) -> list:
    """Sites matching every filter given; --province matches the province now or before."""
    return [s for s in sites
            if (not status or s.status == status)
            and (not region or _fold(region) in _fold(s.region))
            and (not province or _fold(province) in (_fold(s.province),
                                                    _fold(s.province_before_2025)))]


def sites_list(args) -> int:
    from crawler.sites.registry import load_registry
    sites = select_sites(load_registry().values(), args.region, args.province, args.status)
    if not sites:
        raise UserError("no registered site matches the filters")
    if args.ids:
        print("\n".join(s.id for s in sites))
    elif args.json:
        print(json.dumps([s.to_json() for s in sites], ensure_ascii=False, indent=1))
    else:
        for s in sites:
            merged = f" -> {s.successor}" if s.successor else ""
            print(f"{s.id:<18} {s.status + merged:<26} {s.province or '-':<16} "
                  f"{s.domains[0]:<26} {s.name}")
    return 0


def _read_html(path: Path) -> str:
    from pipelines.encoding import UndecodableError, decode_html
    try:
        return decode_html(path.read_bytes())[0]
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    except UndecodableError as exc:
        raise UserError(f"{path}: undecodable: {exc}") from None


def _page_url(site_url: str, page: str, html: str | None = None) -> tuple[Path, str]:
    """FILE=URL gives the page's own URL; else the page's canonical URL on the site's host,
    else one named after the file."""
    file, sep, url = page.partition("=http")
    if sep:
        return Path(file), "http" + url
    host = urlsplit(site_url).hostname or ""
    canonical = _canonical(html, site_url) if html else None
    if canonical and (urlsplit(canonical).hostname or "").removeprefix("www.") == \
            host.removeprefix("www."):
        return Path(page), canonical
    return Path(page), site_url.rstrip("/") + "/" + Path(page).name


def _canonical(html: str, base: str) -> str | None:
    from crawler.pages.html_text import parse_html
    from crawler.pages.metadata import canonical_url
    url = canonical_url(parse_html(html), base, lambda u: True)
    return url if url != base else None


def sites_add(args) -> int:
    from crawler.sites import induce
    from crawler.pages import NoArticle
    if not args.url.startswith(("http://", "https://")):
        raise UserError(f"{args.url!r} is not an http(s) URL")
    if len(args.page) > 5:
        raise UserError("give at most 5 pages")
    samples = []
    for page in args.page:
        file = Path(page.partition("=http")[0])
        html = _read_html(file)
        file, url = _page_url(args.url, page, html)
        try:
            samples.append(induce.read_sample(html, url, file.name))
        except NoArticle as exc:
            raise UserError(f"{file}: {exc}") from None
    induced = induce.induce(samples)
    induced.data.update({k: v for k, v in (("id", args.site_id), ("name", args.name)) if v})
    induce.site_of(induced)          # what is printed loads: a bad id fails here, in one line
    print(induce.to_toml(induced), end="")
    if len(samples) < 2:
        print("vnnews: note: one page only; give 2-5 to tell the template from the articles",
              file=sys.stderr)
    return 0


def sites_check(args) -> int:
    if args.page:
        return check_page(args)
    if args.live == bool(args.saved):
        raise UserError("sites check: give --live or --saved DIR (or ID --page FILE)")
    return check_drift(args)


def check_page(args) -> int:
    """Exit 0 when every field looks right, 1 when some field is flagged."""
    from crawler.sites import induce
    from crawler.sites.registry import get_site
    if len(args.site_ids) != 1:
        raise UserError("sites check --page FILE: name exactly one site ID")
    site = get_site(args.site_ids[0])
    html = _read_html(args.page)
    url = args.url or _page_url(f"https://{site.domains[0]}/", str(args.page), html)[1]
    findings = induce.check_page(site, html, url)
    for f in findings:
        print(f"{f.field:<9} {f.value[:110]}")
        if f.problem:
            print(f"{'':<9} !! {f.problem}")
    return 1 if any(f.problem for f in findings) else 0


def check_drift(args) -> int:
    """One line per site (links found, article kept, words, date, title), problems under it;
    exit 1 when some site drifted."""
    from crawler.cli.main import parse_overrides
    from crawler.harvest import drift
    from crawler.sites.registry import get_site, load_registry
    from crawler.spiders.origins import parse_base_urls
    if args.saved and not args.saved.is_dir():
        raise UserError(f"--saved {args.saved}: no such folder")
    ids = args.site_ids or (drift.saved_sites(args.saved) if args.saved else
                            [s.id for s in load_registry().values() if s.status == "active"])
    if not ids:
        raise UserError(f"--saved {args.saved}: no saved probes in it")
    sites = [get_site(i) for i in ids]
    if args.live:
        parse_base_urls(args.base_url, ids)          # a bad --base-url fails here, in one line
        probes = drift.probe_live(ids, args.base_url, parse_overrides(args.settings))
        for probe in probes if args.save else ():
            drift.save(probe, args.save)
    else:
        probes = [drift.load(args.saved, i) or drift.ProbedPages(i, error="no saved probe")
                  for i in ids]
    reports = [drift.check(site, probe) for site, probe in zip(sites, probes)]
    if args.json:
        print(drift.to_json(reports))
    else:
        print(drift.HEADER)
        print("\n".join(drift.format_row(r) for r in reports))
        drifted = sum(not r.ok for r in reports)
        print(f"{len(reports) - drifted} of {len(reports)} sites fine, {drifted} drifted")
    return 1 if any(not r.ok for r in reports) else 0


# -- links ----------------------------------------------------------------------------------
def add_links_args(p):
    p.add_argument("file", type=Path, metavar="FILE.html")
    p.add_argument("--url", required=True, help="the URL the page was served from")
    p.add_argument("--site", help="registry id: use its rules (default: rule-free discovery)")
    p.add_argument("--main", action="store_true",
                   help="only the page's main list (leave out the side boxes' articles, "
                        "which the spider asks for after it)")
    p.add_argument("--all", action="store_true",
                   help="also the listing/pagination pages and feeds it would follow, "
                        "as 'listing<TAB>URL' and 'feed<TAB>URL'")


@command("links", "print the article URLs the spider would request from a saved page "
                  "(the main list first, then the side boxes' articles)",
         "python -m crawler links page.html --url https://baolaocai.vn/thoi-su/ --all",
         args=add_links_args)
def cmd_links(args) -> int:
    from crawler.spiders import discovery
    from crawler.sites.registry import Site, get_site
    html = _read_html(args.file)
    host = urlsplit(args.url).hostname
    if not host:
        raise UserError(f"--url {args.url!r} is not an absolute URL")
    site = get_site(args.site) if args.site else Site(id="generic", name=host, domains=(host,))
    links = discovery.listing_page_links(html, args.url, site, site.owns)
    lines = list(links.main if args.main else links.articles)
    if args.all:
        lines += [f"listing\t{u}" for u in links.listings]
        if not site.feeds:           # the spider keeps to the feeds a TOML declares
            lines += [f"feed\t{u}" for u in discovery.page_feeds(html, args.url) if site.owns(u)]
    if lines:
        print("\n".join(lines))
    return 0
