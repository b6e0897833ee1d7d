"""crawler.spiders.parsing.ParsePool: pages extracted in worker processes, sent ahead so a
worker never waits for the event loop, with a time limit per page that a stuck or dying
worker cannot escape and that never costs the pages queued behind it."""
import asyncio
import time

import pytest

from crawler.demo.faultweb import article_html
from crawler.spiders.parsing import PageDropped, ParsePool

HANG = "hang-here"


def page(n: int) -> tuple[bytes, str]:
    url = f"http://127.0.0.1/tin/bai-{n}.html"
    return article_html(n, url).encode(), url


async def parse_all(pool: ParsePool, urls_and_bodies):
    async def one(body, url):
        try:
            article = await pool.parse(body, "utf-8", url, None)
            return "ok", article.title
        except PageDropped as drop:
            return drop.reason, str(drop)
    # a lost page would leave its caller waiting for good: fail instead
    return await asyncio.wait_for(
        asyncio.gather(*(one(body, url) for body, url in urls_and_bodies)), 60)


@pytest.fixture
def hang_env(monkeypatch):
    # read by the spawned workers (corpus.faults.hang_point) when they reach extraction
    monkeypatch.setenv("VNNEWS_HANG_AT", f"extract:{HANG}")


def hanging_page() -> tuple[bytes, str]:
    body, _ = page(99)
    return body, f"http://127.0.0.1/tin/{HANG}.html"


@pytest.mark.parametrize("workers", [1, 2])
def test_every_page_comes_back_to_its_own_caller(workers):
    pool = ParsePool(workers, timeout=30)
    try:
        pages = [page(n) for n in range(12)] + [(b"\x00\x01" * 500, "http://127.0.0.1/x")]
        results = asyncio.run(parse_all(pool, pages))
    finally:
        pool.close()
    from crawler.demo.faultweb import article_title
    assert results[:12] == [("ok", article_title(n)) for n in range(12)]
    assert results[12][0] == "Undecodable"


def test_a_page_over_the_time_limit_is_dropped_and_the_pages_behind_it_are_not(hang_env):
    pool = ParsePool(1, timeout=1.5)
    try:
        pages = [page(1), hanging_page(), page(2), page(3)]
        started = time.monotonic()
        results = asyncio.run(parse_all(pool, pages))
        elapsed = time.monotonic() - started
        # the pool goes on with a new process
        again = asyncio.run(parse_all(pool, [page(4)]))
    finally:
        pool.close()
    assert [r[0] for r in results] == ["ok", "ParseTimeout", "ok", "ok"]
    assert elapsed < 15
    assert again[0][0] == "ok"


def test_a_worker_that_dies_costs_only_its_current_page(hang_env):
    pool = ParsePool(1, timeout=60)

    async def scenario():
        task = asyncio.ensure_future(parse_all(pool, [hanging_page(), page(5), page(6)]))
        deadline = time.monotonic() + 30
        while not (pool.running and pool.running[0].current is not None
                   and HANG in pool.running[0].current.args[2]):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)                 # let it reach the hang
        pool.running[0].process.kill()           # as the OOM killer would
        return await task

    try:
        results = asyncio.run(scenario())
    finally:
        pool.close()
    assert [r[0] for r in results] == ["ParseError", "ok", "ok"]
    assert "worker died" in results[0][1]


def test_close_ends_workers_and_threads_with_pages_in_flight(hang_env):
    pool = ParsePool(2, timeout=60)

    async def scenario():
        tasks = [asyncio.ensure_future(pool.parse(b, "utf-8", u, None))
                 for b, u in [hanging_page(), hanging_page(), page(7)]]
        await asyncio.sleep(3)
        processes = [w.process for w in pool.running]
        threads = [w.thread for w in pool.running]
        pool.close()
        done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)
        return processes, threads, done

    processes, threads, done = asyncio.run(scenario())
    assert all(not p.is_alive() for p in processes)
    assert all(not t.is_alive() for t in threads)
    assert all(isinstance(d, PageDropped) for d in done[:2])   # no caller left waiting
