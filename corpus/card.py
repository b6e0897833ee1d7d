"""The data card: a README.md that says what the corpus holds (schema, text policies,
sources and dates, counts, near-duplicates and drops) with two PNG plots beside it.

It is written to DIR/_card/README.md, not DIR/README.md: pyarrow (and so pandas and
corpus.load) reads every file under DIR whose name does not start with _ or . as parquet,
so a README.md at the top of the corpus would break `pd.read_parquet(DIR)`."""
from __future__ import annotations

import ast
import importlib.util
import os
from datetime import datetime, timezone
from pathlib import Path

from corpus import neardup, stats
from corpus.reader import load
from corpus.schema import FIELDS, SCHEMA_VERSION

CARD_DIR = "_card"
WEEKLY_PNG = "articles_per_week.png"
LENGTH_PNG = "length_distribution.png"
MAX_LINES = 10  # provinces drawn one by one in the weekly plot; the rest are summed


def write_card(directory: str | Path, out: str | Path | None = None,
               sources: dict | None = None) -> Path:
    """Write README.md and the plots to `out` (default DIR/_card/); returns the README path.
    `sources`: site id -> (name, domain) for the sources table (the site registry's)."""
    directory = Path(directory)
    out = Path(out) if out else directory / CARD_DIR
    out.mkdir(parents=True, exist_ok=True)
    figures = stats.compute(directory)
    frame = load(directory, columns=["province", "published_at", "n_words"])
    plot_weekly(frame, out / WEEKLY_PNG)
    plot_lengths(frame, out / LENGTH_PNG)
    readme = out / "README.md"
    _write_atomic(readme, render(figures, sources or {}))
    return readme


def render(figures: dict, sources: dict | None = None) -> str:
    """The card's Markdown; `sources` as in write_card."""
    parts = [_summary(figures), _sources(figures, sources or {}), _provinces(figures), _quality(figures),
             "## Plots\n\n"
             f"![articles per week and province]({WEEKLY_PNG})\n\n"
             f"![article length in words]({LENGTH_PNG})\n", _schema(), _policies(), _loading()]
    return "\n".join(parts)


def _summary(figures: dict) -> str:
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"# Data card: {Path(figures['corpus']).resolve().name}\n\n"
            f"Vietnamese news articles crawled by vnnews (schema v{SCHEMA_VERSION}), one row "
            f"per article, in `<site>/<YYYY-MM>/<run_id>-<n>.parquet`. Card made {made}.\n\n"
            f"- articles: {figures['articles']:,}\n- words: {figures['words']:,}\n"
            f"- published: {_day(figures['first'])} to {_day(figures['last'])} "
            f"({figures['undated']} undated)\n- sites: {len(figures['sites'])}, provinces: "
            f"{sum(1 for p in figures['provinces'] if p['province'] != stats.NATIONAL)}\n")


def _sources(figures: dict, sources: dict) -> str:
    rows = ["| site | name | domain | province | articles | words | first | last |",
            "|---|---|---|---|---:|---:|---|---|"]
    for row in figures["sites"]:
        name, domain = sources.get(row["site"], ("-", "-"))
        rows.append(f"| {row['site']} | {name} | {domain} | {row['province'] or '-'} | "
                    f"{row['articles']:,} | {row['words']:,} | {_day(row['first'])} | {_day(row['last'])} |")
    return "## Sources and dates\n\n" + "\n".join(rows) + "\n"


def _provinces(figures: dict) -> str:
    rows = ["| province | articles | words | first | last | near-duplicates |",
            "|---|---:|---:|---|---|---:|"]
    rows += [f"| {r['province']} | {r['articles']:,} | {r['words']:,} | {_day(r['first'])} | "
             f"{_day(r['last'])} | {r['near_duplicate_rows']:,} |" for r in figures["provinces"]]
    return "## Counts per province\n\n" + "\n".join(rows) + "\n"


def _quality(figures: dict) -> str:
    lines = ["## Drops and duplicates\n", "- " + stats._format_drops(figures["drops"]),
             "- " + stats._format_near(figures["near_duplicates"]),
             f"- Near-duplicates are marked, not removed: `dup_cluster` groups them and "
             f"`dup_of` names the canonical (earliest) member; keep one per cluster with "
             f"`df[df.dup_of.isna()]`. Threshold: estimated containment of 5-word shingles "
             f">= {neardup.MIN_CONTAINMENT} (see corpus/neardup.py).\n"]
    return "\n".join(lines)


def _schema() -> str:
    rows = ["| column | type | meaning |", "|---|---|---|"]
    rows += [f"| {name} | {_cell(str(kind))} | {_cell(meaning)} |" for name, kind, meaning in FIELDS]
    return (f"## Schema v{SCHEMA_VERSION}\n\nEvery column is nullable and present in every "
            "file.\n\n" + "\n".join(rows) + "\n")


def _policies() -> str:
    sections = ["## Text policies\n"]
    for module, title in (("pipelines.normalize", "Normalisation"), ("crawler.pages.dates", "Dates"),
                          ("pipelines.tokenize", "Word segmentation")):
        sections.append(f"### {title} (`{module}`)\n\n{module_docstring(module)}\n")
    return "\n".join(sections)


def module_docstring(module: str) -> str:
    """A module's docstring, read from its source without importing it (tokenize would
    import underthesea)."""
    origin = importlib.util.find_spec(module).origin
    return ast.get_docstring(ast.parse(Path(origin).read_text(encoding="utf-8"))) or ""


def _loading() -> str:
    return ("## Loading\n\n```python\nimport corpus\n"
            "df = corpus.load(\"DIR\", columns=[\"site\", \"title\", \"tokens\"], since=\"2025-01-01\")\n"
            "lazy = corpus.scan_polars(\"DIR\")   # polars; corpus.scan(\"DIR\") for pyarrow\n```\n\n"
            "DuckDB: `select * from read_parquet('DIR/*/*/*.parquet')`; Hugging Face: "
            "`load_dataset(\"parquet\", data_files=\"DIR/*/*/*.parquet\")`.\n")


def _day(iso: str | None) -> str:
    return iso[:10] if iso else "-"


def _cell(text: str) -> str:
    """Markdown table cell: <id> would be read as an HTML tag, | as a column break."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


# -- plots ---------------------------------------------------------------------------
def _pyplot():
    import matplotlib
    matplotlib.use("Agg")  # no display on servers and in cron
    import matplotlib.pyplot as plt
    return plt


def weekly_counts(frame):
    """Articles per week (rows, Monday dates) and province (columns, the largest first)."""
    import pandas as pd
    dated = frame.dropna(subset=["published_at"])
    province = dated.province.fillna(stats.NATIONAL)
    week = dated.published_at.dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    table = dated.assign(week=week, province=province).pivot_table(
        index="week", columns="province", values="published_at", aggfunc="count", fill_value=0)
    table = table[table.sum().sort_values(ascending=False).index]
    if len(table):  # weeks without articles are zeros, not gaps the lines jump over
        weeks = pd.date_range(table.index.min(), table.index.max(), freq="W-MON")
        table = table.reindex(weeks, fill_value=0)
    if table.shape[1] > MAX_LINES:
        rest = table.iloc[:, MAX_LINES - 1:].sum(axis=1)
        table = table.iloc[:, :MAX_LINES - 1].assign(**{"other provinces": rest})
    return table


def plot_weekly(frame, path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.5))
    table = weekly_counts(frame)
    for column in table.columns:
        ax.plot(table.index, table[column], marker=".", label=column)
    ax.set(title="Articles per week and province", xlabel="week (Monday)", ylabel="articles")
    ax.yaxis.get_major_locator().set_params(integer=True)
    if len(table.columns):
        ax.legend(fontsize="small", ncol=2)
    _save(fig, path)


def plot_lengths(frame, path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    words = frame.n_words.dropna()
    ax.hist(words, bins=40 if len(words) else 1, color="#4a7ab5")
    ax.set(title="Article length", xlabel="words (n_words)", ylabel="articles")
    _save(fig, path)


def _save(fig, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fig.tight_layout()
    fig.savefig(tmp, dpi=100, format="png")
    _pyplot().close(fig)
    os.replace(tmp, path)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
