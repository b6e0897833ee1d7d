"""Corpus statistics: articles, words and dates per site and per province, drop rates from
the run manifests (DIR/_runs/*.json, key "dropped": {reason: count}) and near-duplicate rates
from the dup_of / dup_cluster marks. `python -m corpus stats DIR [--json]` prints them."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from corpus import neardup
from corpus.reader import load

NATIONAL = "(none: national or generic)"
COLUMNS = ["site", "province", "published_at", "n_words", "run_id", "dup_of", "dup_cluster"]
# Drops that are the crawl's own exact-duplicate checks, reported apart from quality drops.
EXACT_DUPLICATE_DROPS = ("DuplicateURL", "DuplicateContent")


def compute(directory: str | Path) -> dict:
    """Every figure of `stats` as plain JSON-able values."""
    directory = Path(directory)
    frame = load(directory, columns=COLUMNS)
    return {"corpus": str(directory), **_group_stats(frame),
            "near_duplicates": near_duplicates(directory, frame),
            "drops": drops(directory, frame),
            "sites": _table(frame, "site"),
            "provinces": _table(frame.assign(province=frame.province.fillna(NATIONAL)), "province")}


def _group_stats(frame: pd.DataFrame) -> dict:
    dated = frame.published_at.dropna()
    return {"articles": int(len(frame)), "words": int(frame.n_words.fillna(0).sum()),
            "first": _iso(dated.min()) if len(dated) else None,
            "last": _iso(dated.max()) if len(dated) else None,
            "undated": int(frame.published_at.isna().sum()),
            # a site whose dates stop being found shows here first (see `sites check`)
            "dated_share": _rate(len(dated), len(frame)),
            "near_duplicate_rows": int(frame.dup_of.notna().sum())}


def _iso(value) -> str:
    return value.isoformat()


def _table(frame: pd.DataFrame, key: str) -> list[dict]:
    rows = []
    for name, group in frame.groupby(key, sort=True, dropna=False):
        row = {key: name, **_group_stats(group)}
        if key == "site":
            row["province"] = group.province.dropna().iloc[0] if group.province.notna().any() else None
        rows.append(row)
    return rows


def near_duplicates(directory: Path, frame: pd.DataFrame) -> dict:
    """Marked rows; `known` is false until corpus.neardup.update has run on the corpus."""
    if not neardup.state_path(directory).exists():
        return {"known": False}
    rows = int(frame.dup_of.notna().sum())
    return {"known": True, "rows": rows, "rate": _rate(rows, len(frame)),
            "clusters": int(frame.dup_cluster.nunique(dropna=True)),
            "min_containment": neardup.MIN_CONTAINMENT}


def drops(directory: Path, frame: pd.DataFrame) -> dict:
    """Drops by reason over the runs that left a manifest; the rate is drops over drops plus
    the articles those runs kept (rows of the corpus with their run_id)."""
    manifests = sorted((directory / "_runs").glob("*.json"))
    if not manifests:
        return {"known": False}
    by_reason, run_ids = {}, set()
    for path in manifests:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        run_ids.add(manifest.get("run_id") or path.stem)
        for reason, count in (manifest.get("dropped") or {}).items():
            by_reason[reason] = by_reason.get(reason, 0) + int(count)
    kept = int(frame.run_id.isin(run_ids).sum())
    total = sum(by_reason.values())
    exact = sum(by_reason.get(r, 0) for r in EXACT_DUPLICATE_DROPS)
    return {"known": True, "runs": len(manifests), "kept": kept, "dropped": total,
            "rate": _rate(total, total + kept), "exact_duplicate_rate": _rate(exact, total + kept),
            "by_reason": dict(sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])))}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# -- text ----------------------------------------------------------------------------
def format_stats(stats: dict) -> str:
    lines = [f"corpus: {stats['corpus']}",
             f"articles: {stats['articles']}   words: {stats['words']}   "
             f"published: {_day(stats['first'])} .. {_day(stats['last'])}   undated: {stats['undated']}",
             _format_drops(stats["drops"]), _format_near(stats["near_duplicates"]), ""]
    lines += _format_table(stats["sites"], "site") + [""] + _format_table(stats["provinces"], "province")
    return "\n".join(lines)


def _day(iso: str | None) -> str:
    return iso[:10] if iso else "-"


def _format_drops(drops: dict) -> str:
    if not drops["known"]:
        return "drops: unknown (no run manifests in _runs/)"
    reasons = ", ".join(f"{k} {v}" for k, v in drops["by_reason"].items()) or "none"
    return (f"drops: {drops['dropped']} in {drops['runs']} runs, rate {_pct(drops['rate'])} "
            f"(exact duplicates {_pct(drops['exact_duplicate_rate'])}): {reasons}")


def _format_near(near: dict) -> str:
    if not near["known"]:
        return "near-duplicates: unknown (not marked yet: python -m corpus neardup DIR)"
    return (f"near-duplicates: {near['rows']} rows marked dup_of ({_pct(near['rate'])}) in "
            f"{near['clusters']} clusters (containment >= {near['min_containment']})")


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"


def _format_table(rows: list[dict], key: str) -> list[str]:
    """Sites also show their province (`-` for national papers)."""
    extra = key == "site"
    header = (f"{key:<28} " + (f"{'province':<16} " if extra else "")
              + f"{'articles':>9} {'words':>11} {'dated':>6} {'first':>10}  {'last':>10} {'dup_of':>7}")
    body = [f"{str(r[key]):<28} " + (f"{r['province'] or '-':<16} " if extra else "")
            + f"{r['articles']:>9} {r['words']:>11} {_pct(r['dated_share']):>6} {_day(r['first']):>10}  "
            f"{_day(r['last']):>10} {r['near_duplicate_rows']:>7}" for r in rows]
    return [header, *body]


def to_json(stats: dict) -> str:
    return json.dumps(stats, ensure_ascii=False, indent=1)
