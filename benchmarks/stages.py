"""Shares of the crawler process's CPU by stage, read from a CPU-clock cProfile of the real CLI.

Stages are found by function name and file name, not by module path (modules are moving):
a stage's CPU is the cumulative time of its entry functions. Whatever no stage claims
(Scrapy's engine and downloader, discovery on listings and sitemaps, imports and start-up,
harvest state, logging) is "fetch+parse and the rest". Functions a stage does not find are
reported, so a renamed entry point shows up instead of silently moving CPU into the rest.
"""
from __future__ import annotations

import pstats
from dataclasses import dataclass
from pathlib import PurePath

CLEAN_FILES = ("normalize.py", "boilerplate.py", "captions.py", "quality.py", "dedup.py")
# stage -> [(file name, function name)]; the entry points of each stage.
STAGES = {
    "decode": [("encoding.py", "decode_html")],
    "extract": [("extract.py", "extract_article")],
    "clean": [(f, "process_item") for f in CLEAN_FILES],
    "site boilerplate (evidence)": [("site_boilerplate.py", "process_item")],
    "tokenise (hand-off to workers)": [("tokenize.py", "process_item")],
    "archive (WARC)": [("archive.py", "process_response")],
    "write": [("store.py", "process_item"), ("store.py", "close_spider")],
    "end-of-crawl passes": [("runner.py", "post_process")],
}
# Named costs inside stages or the rest, shown as "of which" lines.
DETAILS = {
    "trafilatura (re-parses the HTML)": [("trafilatura/core.py", "bare_extraction")],
    "our HTML parse (lxml)": [("html_text.py", "parse_html")],
    "logging (records emitted)": [("logging/__init__.py", "_log")],
    "harvest state (SQLite)": [("state.py", None)],
    "discovery (listings, sitemaps)": [("discovery.py", None)],
}


@dataclass
class Profile:
    total: float                      # CPU seconds profiled
    stages: dict[str, float]          # stage -> CPU seconds (cumulative)
    details: dict[str, float]
    calls: dict[str, int]             # entry function -> calls
    missing: list[str]
    stats: pstats.Stats

    def share(self, stage: str) -> float:
        return self.stages.get(stage, 0.0) / self.total if self.total else 0.0

    def rest(self) -> float:
        return max(self.total - sum(self.stages.values()), 0.0)


def _matches(key, file_name: str, func: str | None) -> bool:
    """file_name is the end of the path: "encoding.py", "logging/__init__.py"."""
    path, _, name = key
    return ("/" + path.replace("\\", "/")).endswith("/" + file_name) and func in (None, name)


def _cumulative(stats: pstats.Stats, entries) -> tuple[float, int, list[str]]:
    """Cumulative CPU of the entry points (all their definitions), calls, the ones not found."""
    total, calls, missing = 0.0, 0, []
    for file_name, func in entries:
        found = [(k, v) for k, v in stats.stats.items() if _matches(k, file_name, func)]
        if not found:
            missing.append(f"{file_name}:{func}")
        if func is None:           # a whole module: its own time, not nested calls twice
            total += sum(v[2] for _, v in found)
        else:
            total += sum(v[3] for _, v in found)
            calls += sum(v[1] for _, v in found)
    return total, calls, missing


def read(path: str) -> Profile:
    stats = pstats.Stats(path)
    stages, details, calls, missing = {}, {}, {}, []
    for stage, entries in STAGES.items():
        stages[stage], calls[stage], lost = _cumulative(stats, entries)
        if stage != "clean":       # a site may have no dedup... clean is checked as a whole
            missing += lost
    if not stages["clean"]:
        missing.append("pipelines process_item (clean)")
    for name, entries in DETAILS.items():
        details[name], calls[name], _ = _cumulative(stats, entries)
    return Profile(stats.total_tt, stages, details, calls, missing, stats)


# Who builds an lxml tree from the page's text: ours once, trafilatura again (and its
# readability fallback on the bytes).
PARSERS = {"ours (parse_html)": ("html_text.py", "parse_html"),
           "trafilatura (load_html)": ("trafilatura/utils.py", "load_html"),
           "trafilatura's readability (fromstring_bytes)": ("trafilatura/utils.py", "fromstring_bytes")}


def html_parses(stats: pstats.Stats) -> dict[str, tuple[int, float]]:
    """{parser: (calls, cumulative CPU seconds)} of the functions that parse page text."""
    out = {}
    for label, (file_name, func) in PARSERS.items():
        found = [v for k, v in stats.stats.items() if _matches(k, file_name, func)]
        out[label] = (sum(v[1] for v in found), sum(v[3] for v in found))
    return out


def top_functions(stats: pstats.Stats, n: int = 15) -> list[tuple[float, float, int, str]]:
    """(own CPU, cumulative CPU, calls, where) of the n functions with most own CPU."""
    rows = sorted(((v[2], v[3], v[1], f"{PurePath(k[0]).name}:{k[1]}({k[2]})")
                   for k, v in stats.stats.items()), reverse=True)
    return rows[:n]
