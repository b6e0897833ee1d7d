"""One saved page -> the corpus row it would produce (the `extract` command)."""
from __future__ import annotations

from pathlib import Path

from crawler.pages import NoArticle, extract_article
from crawler.sites.registry import get_site, site_for_url
from corpus.schema import json_row
from pipelines.chain import clean_and_tokenize
from pipelines.drops import ArticleDrop
from pipelines.encoding import UndecodableError, decode_html


def extract_file(path: Path, url: str, site_id: str | None = None, generic: bool = False) -> dict:
    from crawler.cli.main import CommandFailed, UserError
    try:
        body = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    site = get_site(site_id) if site_id else site_for_url(url)
    try:
        html, _ = decode_html(body)
        article = extract_article(html, url, site, use_rules=not generic)
        article.site = site.id if site else "generic"
        clean_and_tokenize(article, site.boilerplate if site else ())
    except UndecodableError as exc:
        raise CommandFailed(f"undecodable: {exc}") from None
    except (NoArticle, ArticleDrop) as exc:
        raise CommandFailed(str(exc)) from None
    return json_row(article)
