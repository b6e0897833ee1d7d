"""Judging a run: exit codes, extraction collapse, field drift, zero-yield warnings."""
import json

from crawler.harvest.health import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, SiteReport, judge


def stats_for(site, new=10, pages=10, no_text=0, filled=None, errors=None, finish="finished"):
    stats = {"finish_reason": finish, f"vnnews/responses/{site}/article": pages,
             f"vnnews/responses/{site}/listing": 2, f"vnnews/saved/{site}": new}
    if no_text:
        stats[f"vnnews/dropped/{site}/NotAnArticle"] = no_text
    for field, count in (filled or {}).items():
        stats[f"vnnews/filled/{site}/{field}"] = count
    for kind, count in (errors or {}).items():
        stats[f"vnnews/errors/{site}/{kind}"] = count
    return stats


def history(*runs):
    """(run_id, new, pages, no_text, fill_rates json) rows, newest first."""
    return [(f"r{i}", new, new, 0, json.dumps(rates)) for i, (new, rates) in enumerate(runs)]


def run(stats, sites, histories=None):
    reports = [SiteReport.from_stats(stats, s) for s in sites]
    return judge(stats, reports, histories or {})


def test_ok():
    assert run(stats_for("a", filled={"author": 10}), ["a"])[:2] == (EXIT_OK, "ok")


def test_extraction_collapse_is_partial():
    code, reason, _ = run(stats_for("a", new=3, pages=10, no_text=7), ["a"])
    assert code == EXIT_PARTIAL and "extraction collapsed (7 of 10" in reason


def test_field_drift_names_the_field():
    usual = {"author": 1.0, "lead": 0.9}
    stats = stats_for("a", new=10, filled={"author": 1, "lead": 9})
    code, reason, _ = run(stats, ["a"], {"a": history((10, usual), (12, usual))})
    assert code == EXIT_PARTIAL and "field author filled in 10%" in reason
    # without enough history the same run is fine
    assert run(stats, ["a"], {"a": history((10, usual))})[0] == EXIT_OK


def test_dead_links_are_not_failures_but_failed_requests_are():
    assert run(stats_for("a", errors={"HTTP 404": 30}), ["a"])[0] == EXIT_OK
    code, reason, _ = run(stats_for("a", pages=2, errors={"TimeoutError": 9}), ["a"])
    assert code == EXIT_PARTIAL and "9 failed requests" in reason


def test_all_dead_is_failure_one_dead_is_partial():
    stats = {"finish_reason": "finished", "vnnews/errors/a/DNSLookupError": 3,
             "vnnews/errors/b/DNSLookupError": 3}
    code, reason, _ = run(stats, ["a", "b"])
    assert code == EXIT_FAILED and reason == "no site answered (DNSLookupError)"
    stats.update(stats_for("a"))
    code, reason, _ = run(stats, ["a", "b"])
    assert code == EXIT_PARTIAL and "b: no answer" in reason


def test_crawl_stopped_early_is_failure():
    assert run(stats_for("a", finish="shutdown"), ["a"])[0] == EXIT_FAILED
    assert run(stats_for("a", finish="closespider_timeout"), ["a"])[0] == EXIT_OK


def test_zero_yield_for_five_runs_warns():
    stats = stats_for("a", new=0, pages=0)
    _, _, warnings = run(stats, ["a"], {"a": history(*[(0, {})] * 4)})
    assert warnings == ["possibly drifted: a gave no new article in 5 runs"]
    assert run(stats, ["a"], {"a": history((0, {}), (3, {}), (0, {}), (0, {}))})[2] == []


def test_a_site_that_never_gave_an_article_page_is_partial_not_ok():
    # a wrong start URL, or a site whose links discovery cannot read: pages answer, no article
    stats = stats_for("a", new=0, pages=0)
    reports = [SiteReport.from_stats(stats, "a")]
    code, reason, _ = judge(stats, reports, {}, seen_sites=set())
    assert code == EXIT_PARTIAL and "a: no article found (2 pages answered" in reason
    # a quiet day of a site that gave articles before (on record, or in a past run) is fine
    assert judge(stats, [SiteReport.from_stats(stats, "a")], {}, seen_sites={"a"})[0] == EXIT_OK
    assert judge(stats, [SiteReport.from_stats(stats, "a")], {"a": history((4, {}))},
                 seen_sites=set())[0] == EXIT_OK
    # and so is a run stopped (--max-runtime) before it reached any article
    stopped = {**stats, "finish_reason": "closespider_timeout"}
    assert judge(stopped, [SiteReport.from_stats(stopped, "a")], {}, seen_sites=set())[0] == EXIT_OK
