"""One saved page -> the corpus row it would produce (the `extract` command)."""
from __future__ import annotations

import sys
from pathlib import Path

from corpus.schema import json_row
from crawler.api import ArticleDrop, NoArticle, UndecodableError, extract, process


def extract_file(path: Path, url: str, site_id: str | None = None, generic: bool = False) -> dict:
    from crawler.cli.main import UserError
    try:
        body = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    try:
        article = process(extract(body, url, site_id, rules=not generic))
    except UndecodableError as exc:
        raise UserError(f"undecodable: {exc}") from None
    except (NoArticle, ArticleDrop) as exc:
        raise UserError(str(exc)) from None
    return json_row(article)
