"""Harvest state: reconcile with committed files, saved outranks dropped, validators, temp files."""
from crawler.harvest.state import HarvestState, remove_stale_temp_files
from corpus.writer import CorpusWriter
from crawler.items import Article


def article(i):
    return Article(url=f"https://a.vn/bai-post{i}.html", site="t", title="T", text="x",
                   fetched_url=f"https://a.vn/old-{i}.htm", content_hash=f"h{i}", run_id="r1")


def test_reconcile_imports_files_committed_but_not_marked(tmp_path):
    writer = CorpusWriter(tmp_path, "r1")
    for i in range(3):
        writer.add(article(i))
    writer.flush()                                  # committed, then "crashed" before marking
    state = HarvestState(tmp_path)
    assert state.seen_urls() == set()
    assert state.reconcile() == 1
    assert state.reconcile() == 0                   # idempotent
    urls, hashes = state.saved_keys()
    assert "https://a.vn/bai-post2.html" in urls and "https://a.vn/old-2.htm" in urls
    assert hashes == {"h0", "h1", "h2"}
    state.close()


def test_saved_outranks_an_earlier_drop_but_not_the_reverse(tmp_path):
    state = HarvestState(tmp_path)
    state.mark_seen(["https://a.vn/x"], "t", "dropped:TooShort", "r1")
    state.mark_file("t/2025-06/r2-0001.parquet", [{"url": "https://a.vn/x", "fetched_url": None,
                                                   "site": "t", "content_hash": "h", "run_id": "r2"}])
    state.mark_seen(["https://a.vn/x"], "t", "dropped:DuplicateURL", "r3")
    assert "https://a.vn/x" in state.saved_keys()[0]
    assert state.seen_urls() == {"https://a.vn/x"}
    state.close()


def test_validators_roundtrip_and_survive_reopen(tmp_path):
    state = HarvestState(tmp_path)
    state.save_validators({"https://a.vn/rss": ('"abc"', "Tue, 17 Jun 2025 06:43:00 GMT")})
    state.close()
    again = HarvestState(tmp_path)
    assert again.validators() == {"https://a.vn/rss": ('"abc"', "Tue, 17 Jun 2025 06:43:00 GMT")}
    again.close()


def test_stale_temp_files_are_removed(tmp_path):
    (tmp_path / "t" / "2025-06").mkdir(parents=True)
    (tmp_path / "t" / "2025-06" / ".r1-0001.parquet.tmp").write_bytes(b"half")
    (tmp_path / "t" / "2025-06" / "r1-0002.parquet").write_bytes(b"kept")
    assert remove_stale_temp_files(tmp_path) == 1
    assert [p.name for p in (tmp_path / "t" / "2025-06").iterdir()] == ["r1-0002.parquet"]
