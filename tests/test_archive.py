"""The raw archive: every row points at the WARC record of the response it was made from, files
rotate by size, a killed crawl leaves every WARC readable, --no-archive turns it off."""
import gzip
import signal
from datetime import datetime, timezone

import pandas as pd
import pytest

from conftest import LOCAL, run_cli
from crawler.harvest import archive

SITES = ["demo-laocai", "demo-binhthuan"]


def crawl(servers, out, *extra, env=None):
    bases = ",".join(f"{s}={servers[s].base_url}" for s in SITES)
    return run_cli("crawl", *SITES, "--out", out, "--base-url", bases, *LOCAL, *extra, env=env)


def records(folder):
    return [r for path in archive.warc_paths([folder]) for r in archive.read_records(path)]


def record_at(out, warc_file, offset):
    (found,) = [r for r in archive.read_records(out / warc_file) if r.offset == offset]
    return found


def test_every_row_points_at_its_raw_response_and_files_rotate(web, tmp_path):
    _, servers = web
    out = tmp_path / "corpus"
    result = crawl(servers, out, "-s", "ARCHIVE_MAX_BYTES=30000")
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(out)
    assert frame.warc_file.notna().all() and frame.warc_offset.notna().all()
    for row in frame.itertuples():
        record = record_at(out, row.warc_file, row.warc_offset)
        assert record.vnnews["WARC-Vnnews-Kind"] == "article"
        assert record.vnnews["WARC-Vnnews-Linked-URL"] == row.fetched_url
        assert record.vnnews["WARC-Vnnews-Base-URL"] == servers[row.site].base_url
        assert record.date == row.crawled_at.to_pydatetime()
        assert row.title.encode() in record.body or "&" in row.title
    files = sorted((out / "_warc").glob("*.warc.gz"))
    assert len(files) > 2                          # rotated at ~30 kB
    kinds = {r.vnnews["WARC-Vnnews-Kind"] for r in records(out / "_warc")}
    assert kinds == {"article", "listing", "feed", "sitemap"}
    for path in files:                             # a gzip member per record: plain gzip reads it
        assert gzip.decompress(path.read_bytes()).startswith(b"WARC/1.1\r\nWARC-Type: warcinfo")


def test_no_archive(web, tmp_path):
    _, servers = web
    out = tmp_path / "corpus"
    assert crawl(servers, out, "--no-archive").returncode == 0
    assert not (out / "_warc").exists()
    assert pd.read_parquet(out).warc_file.isna().all()


def test_killed_crawl_leaves_every_warc_readable(web, tmp_path):
    _, servers = web
    out = tmp_path / "corpus"
    killed = crawl(servers, out, "-s", "CORPUS_FLUSH_ROWS=1", env={"VNNEWS_CRASH_AT": "after_rename:4"})
    assert killed.returncode == -signal.SIGKILL
    found = records(out / "_warc")
    assert len(found) >= 4
    for row in pd.read_parquet(out).itertuples():   # committed rows: their records are whole
        assert record_at(out, row.warc_file, row.warc_offset).body


def test_a_torn_last_record_ends_the_file_with_a_warning(tmp_path, caplog):
    """Cut anywhere inside the last record: the records before it, nothing else, a warning."""
    files = archive.WarcFiles(tmp_path, "run", max_bytes=10**9)
    now = datetime.now(timezone.utc)
    offsets = [files.write(archive.response_record(f"https://a.vn/{i}", 200, [("Content-Type", "text/html")],
                                                   f"<p>bài {i}</p>".encode() * 50, now, {}), now).offset
               for i in range(3)]
    files.close()
    (path,) = files.paths
    whole = path.read_bytes()
    assert [r.offset for r in archive.read_records(path)] == offsets
    cut_file = tmp_path / "cut.warc.gz"
    for cut in range(offsets[2] + 1, len(whole)):
        cut_file.write_bytes(whole[:cut])
        caplog.clear()
        got = list(archive.read_records(cut_file))
        assert [r.url for r in got] == ["https://a.vn/0", "https://a.vn/1"], cut
        assert [r.offset for r in got] == offsets[:2]
        assert "torn record" in caplog.text, cut


@pytest.mark.parametrize("status, expected", [(200, "200 OK"), (299, "299")])
def test_response_record_keeps_status_and_fits_content_length(tmp_path, status, expected):
    body = "Huyện ủy".encode()
    data = archive.response_record("https://a.vn/x", status, [("Content-Type", "text/html")], body,
                                   datetime.now(timezone.utc), {"WARC-Vnnews-Site": "a", "Empty": None})
    text = gzip.decompress(data)
    assert f"HTTP/1.1 {expected}".encode() in text
    assert f"Content-Length: {len(body)}".encode() in text and b"Empty" not in text
