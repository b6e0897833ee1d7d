"""Site-level boilerplate learning: repeated short lines go, order does not matter, leads and
real paragraphs stay, near-duplicate copies do not count."""
import random

import pandas as pd
import pytest

from crawler.harvest import site_boilerplate
from corpus.writer import CorpusWriter
from crawler.items import Article

FOOTER = "Mời bạn đọc gửi tin bài, ảnh về hộp thư toà soạn"
STORY = ("Sáng nay, ủy ban nhân dân xã {i} tổ chức lễ khánh thành cây cầu mới bắc qua suối, "
         "giúp hơn {i}00 hộ dân đi lại thuận tiện trong mùa mưa lũ sắp tới.")


def rows(n=6, site="t", footer=FOOTER):
    out = []
    for i in range(n):
        lead = f"Tin từ xã số {i}: người dân phấn khởi đón công trình mới."
        text = "\n".join([lead, STORY.format(i=i), footer, STORY.format(i=i + 100)])
        out.append(Article(url=f"https://a.vn/{site}-{i}-post{i}.html", site=site, title=f"Bài {i}",
                           lead=lead, text=text, content_hash=f"{site}{i}", run_id="r1"))
    return out


def build(directory, articles):
    writer = CorpusWriter(directory, "r1", flush_rows=2)
    for article in articles:
        writer.add(article)
    writer.flush()


def texts(directory):
    frame = pd.read_parquet(directory).sort_values("url")
    return frame.set_index("url")


def test_repeated_line_goes_everywhere_and_rows_are_retokenised(tmp_path):
    build(tmp_path, rows(6) + rows(3, site="other", footer="Dòng khác"))
    result = site_boilerplate.update(tmp_path, workers=0)
    assert result["rows_cleaned"] == 6 and result["lines"] == 1
    frame = texts(tmp_path)
    for url, row in frame[frame.site == "t"].iterrows():
        assert FOOTER not in row.text
        assert row.text.splitlines()[0] == row.lead            # the lead stays
        assert "toà_soạn" not in row.tokens and "khánh_thành" in row.tokens
        assert row.n_words > 20
    assert (frame.loc[frame.site == "other", "text"].str.contains("Dòng khác")).all()  # 3 < 5 pages
    assert (tmp_path / "_boilerplate" / "t.json").is_file()
    assert site_boilerplate.update(tmp_path, workers=0)["rows_cleaned"] == 0       # idempotent


def test_order_of_pages_does_not_matter(tmp_path):
    articles = rows(7)
    build(tmp_path / "a", articles)
    shuffled = articles[:]
    random.Random(3).shuffle(shuffled)
    build(tmp_path / "b", shuffled)
    for name in "ab":
        site_boilerplate.update(tmp_path / name, workers=0)
    columns = ["text", "tokens", "content_hash"]
    assert texts(tmp_path / "a")[columns].equals(texts(tmp_path / "b")[columns])


def test_too_few_pages_or_long_lines_stay(tmp_path):
    long_line = " ".join(["một đoạn văn dài lặp lại"] * 10)
    build(tmp_path, rows(4) + rows(6, site="long", footer=long_line))
    assert site_boilerplate.update(tmp_path, workers=0)["rows_cleaned"] == 0


def test_near_duplicate_copies_do_not_count():
    page = {"lead": None, "text": "Dòng chung"}
    assert site_boilerplate.learn([{**page, "dup_of": None}] * 6) == {"dòng chung": 6}
    assert site_boilerplate.learn([{**page, "dup_of": "x" if i else None} for i in range(6)]) == {}


@pytest.mark.parametrize("lead", [None, FOOTER])
def test_cleaned_never_drops_the_lead(lead):
    row = {"text": f"{FOOTER}\nĐoạn thân bài.", "lead": lead}
    kept = site_boilerplate.cleaned(row, {site_boilerplate.line_key(FOOTER): 9})
    assert kept == (row["text"] if lead else "Đoạn thân bài.")
