"""pipelines.tokenize: sentences, words, letters kept as printed, counts, pool, Scrapy step."""
import asyncio
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from crawler.items import Article
from pipelines import tokenize as tk
from pipelines.tokenize import (
    TokenizePipeline, TokenizerPool, bounded_chunks, count_sentences, count_words,
    split_sentences, tokenize_article_text, tokenize_text,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = ("Huyện ủy Tuy Phong cho biết, việc triển khai Kết luận số 01 của Bộ Chính trị khóa XIII "
        "về tiếp tục thực hiện Chỉ thị số 05 “Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
        "phong cách Hồ Chí Minh” được Huyện ủy, Ban Thường vụ Huyện ủy quan tâm.")

PARAGRAPHS = [
    "Tuy Phong: Nhân rộng mô hình, điển hình trong học tập và làm theo Bác",
    SEED,
    "Huyện đoàn Tuy Phong khen thưởng các tập thể, cá nhân có thành tích trong Tháng Thanh "
    "niên năm 2024.",
    "Giai đoạn 2021 – 2023, Huyện ủy, UBND huyện đã biểu dương, khen thưởng 23 tập thể. "
    "Cấp cơ sở đã khen thưởng 17 tập thể, 47 cá nhân điển hình tiên tiến.",
    "Hội Nông dân đã thành lập 60 tổ bảo vệ môi trường; Liên đoàn Lao động huyện có mô hình "
    "“Mỗi cụm thi đua phát động hỗ trợ thẻ bảo hiểm y tế cho học sinh”.",
    "Ông nói: “Tốt lắm.” Sau đó về nhà.",
    "Uỷ ban nhân dân tỉnh Hoà Bình đã phê duyệt kế hoạch khoẻ mạnh hoá nông thôn.",
    "Ðà Nẵng đón 1.500 khách; TP.HCM tăng 12,5% so với cùng kỳ năm 2023!",
    "Người H'Mông ở xã N’Thôn Hạ bán được 3 tấn cà phê (giá 45.000 đồng/kg).",
    "Trong nghành y tế, qui định mới có hiệu lực từ ngày 01/7/2024.",
]


def words_of(s: str) -> list[str]:
    """Non-space characters in order: `tokens` and `text` must agree on them."""
    return list("".join(s.replace("_", " ").split()))


# --- sentences -------------------------------------------------------------------------

@pytest.mark.parametrize("paragraph, expected", [
    ("Ông nói: “Tốt lắm.” Sau đó về nhà.", ["Ông nói: “Tốt lắm.”", "Sau đó về nhà."]),
    ("Ông nói: “Tốt lắm.”", ["Ông nói: “Tốt lắm.”"]),
    ("Anh hỏi: “Sao vậy?” Rồi đi.", ["Anh hỏi: “Sao vậy?”", "Rồi đi."]),
    ("Nó nói ‘được.’ Rồi đi.", ["Nó nói ‘được.’", "Rồi đi."]),
    ("Họ gọi «Hà Nội.» Xong.", ["Họ gọi «Hà Nội.»", "Xong."]),
    ('Anh nói: "Tôi đi." Xong.', ['Anh nói: "Tôi đi."', "Xong."]),
    # a straight quote after a closed sentence opens the next one
    ('Anh nói. "Tôi đi." Xong.', ["Anh nói.", '"Tôi đi."', "Xong."]),
    ("Cô ấy (sinh năm 1990.) Sau đó.", ["Cô ấy (sinh năm 1990.)", "Sau đó."]),
    ("Ông hỏi “Vì sao?!”) Hết.", ["Ông hỏi “Vì sao?!”", ") Hết."]),
    ("Lạ quá!”” Xong.", ["Lạ quá!””", "Xong."]),
    # the tail of a quoted question is not a sentence of its own
    ("“Tại sao vậy?”, anh hỏi. Rồi đi.", ["“Tại sao vậy?”, anh hỏi.", "Rồi đi."]),
    ("TP.HCM có 1.500 người. Ông đi.", ["TP.HCM có 1.500 người.", "Ông đi."]),
    ("Không có dấu chấm", ["Không có dấu chấm"]),
])
def test_split_sentences(paragraph, expected):
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize("text, lines", [
    ("Tiêu đề không có dấu chấm\nĐoạn một. Đoạn hai.", 3),
    ("Dòng một\n\n  \nDòng hai", 2),
    ("Dòng một\r\nDòng hai\u2028Dòng ba", 3),
    ("", 0),
    ("   \n\n", 0),
])
def test_one_sentence_per_line_and_line_breaks_end_sentences(text, lines):
    tokens = tokenize_text(text)
    assert count_sentences(tokens) == lines
    assert tokens == "\n".join(line for line in tokens.split("\n") if line.strip())


def test_headline_is_its_own_sentence():
    tokens = tokenize_text("Tuy Phong: Nhân rộng mô hình\nHuyện đoàn Tuy Phong khen thưởng.")
    assert tokens.split("\n") == ["Tuy_Phong : Nhân rộng mô_hình",
                                  "Huyện đoàn Tuy_Phong khen_thưởng ."]


def test_quote_repair_in_tokens():
    assert tokenize_text("Ông nói: “Tốt lắm.” Sau đó về nhà.").split("\n") == [
        "Ông nói : “ Tốt lắm . ”", "Sau đó về nhà ."]


# --- words -----------------------------------------------------------------------------

@pytest.mark.parametrize("joined", ["Huyện_ủy Tuy_Phong", "Bộ_Chính_trị", "Hồ_Chí_Minh",
                                    "triển_khai Kết_luận", "Huyện_ủy quan_tâm ."])
def test_words_joined_with_underscore(joined):
    assert joined in tokenize_text(SEED)


@pytest.mark.parametrize("text, expected", [
    # underthesea alone writes Sức_khỏe, Hòa_Bình, Đà_Nẵng, ngành, quy_định, Ủy
    ("Sức khoẻ của người dân.", "Sức_khoẻ của người_dân ."),
    ("Sức khỏe của người dân.", "Sức_khỏe của người_dân ."),
    ("Hoà Bình và Ðà Nẵng", "Hoà_Bình và Ðà_Nẵng"),
    ("Uỷ ban nhân dân tỉnh Hoà Bình họp.", "Uỷ_ban_nhân_dân tỉnh Hoà_Bình họp ."),
    ("Ủy ban nhân dân tỉnh Hòa Bình họp.", "Ủy_ban_nhân_dân tỉnh Hòa_Bình họp ."),
    ("Ðà Nẵng", "Ðà_Nẵng"),
    ("ðồng bằng", "ðồng_bằng"),
    ("Trong nghành y tế, qui định mới.", "Trong nghành y_tế , qui_định mới ."),
    ("Ông Trần Văn Thuỷ", "Ông Trần_Văn_Thuỷ"),
])
def test_tokens_keep_the_letters_printed(text, expected):
    assert tokenize_text(text) == expected


def test_rewrites_really_happen_in_underthesea():
    """If underthesea stops rewriting, the map-back becomes dead code: find out."""
    from underthesea import word_tokenize
    assert word_tokenize("Hoà Bình và Ðà Nẵng", format="text") == "Hòa_Bình và Đà_Nẵng"
    assert word_tokenize("Trong nghành y tế, qui định mới.", format="text") == (
        "Trong ngành y_tế , quy_định mới .")


@pytest.mark.parametrize("paragraph", PARAGRAPHS)
def test_tokens_have_the_same_characters_as_text(paragraph):
    assert words_of(tokenize_text(paragraph)) == words_of(paragraph)


@pytest.mark.parametrize("text, expected", [
    ("Hòa Bình, ủy ban, HÒA, thủy, khỏe, họa, xóa", "Hoà Bình, uỷ ban, HOÀ, thuỷ, khoẻ, hoạ, xoá"),
    ("Ủy ban ỦY Ủy", "Uỷ ban UỶ Uỷ"),
    # unchanged: tone inside the syllable, after qu, already VLSP style, other vowels
    ("hoàng quý Quỳ quỷ của thuở hoà uỷ khoẻ", "hoàng quý Quỳ quỷ của thuở hoà uỷ khoẻ"),
])
def test_crf_style(text, expected):
    assert tk.crf_style(text) == expected


@pytest.mark.parametrize("hoa_style, hoa_old_style", [
    ("Ủy ban nhân dân tỉnh Hòa Bình đã phê duyệt kế hoạch xóa đói.",
     "Uỷ ban nhân dân tỉnh Hoà Bình đã phê duyệt kế hoạch xoá đói."),
    ("Sức khỏe của người dân là quan trọng.", "Sức khoẻ của người dân là quan trọng."),
])
def test_segmentation_does_not_depend_on_tone_style(hoa_style, hoa_old_style):
    from underthesea import word_tokenize
    shape = [len(w) for w in tokenize_text(hoa_style).split()]
    assert shape == [len(w) for w in tokenize_text(hoa_old_style).split()]
    assert shape == [len(w) for w in word_tokenize(hoa_old_style, format="text",
                                                   use_token_normalize=False).split()]


def test_surface_words_maps_plain_underthesea_back():
    """Also used by scripts/eval_tokenize.py to measure plain underthesea on printed letters."""
    from underthesea import word_tokenize
    sentence = "Trong nghành y tế, qui định mới của Hoà Bình."
    assert tk.surface_words(sentence, word_tokenize(sentence)) == [
        ["Trong"], ["nghành"], ["y", "tế"], [","], ["qui", "định"], ["mới"], ["của"],
        ["Hoà", "Bình"], ["."]]


def test_text_that_is_not_nfc_keeps_underthesea_spelling():
    decomposed = "Vie\u0302\u0323t Nam"          # Việt written with combining marks
    assert tokenize_text(decomposed) == "Việt_Nam"


# --- counts ----------------------------------------------------------------------------

@pytest.mark.parametrize("tokens, words, sentences", [
    ("Ông nói : “ Tốt lắm . ”\nSau đó về nhà .", 8, 2),
    ("Huyện ủy Tuy_Phong cho biết , việc triển_khai", 7, 1),
    ("1.500 người - 12,5 % ...", 3, 1),
    ("H'Mông N’Thôn_Hạ 43H-0530", 3, 1),
    ("___ -- “ ”", 0, 1),
    ("", 0, 0),
    ("\n\n a \n", 1, 1),
])
def test_counts(tokens, words, sentences):
    assert count_words(tokens) == words
    assert count_sentences(tokens) == sentences


def test_tokenize_article_text():
    tokens, n_words, n_sentences = tokenize_article_text("Ông nói: “Tốt lắm.” Sau đó về nhà.")
    assert (tokens, n_words, n_sentences) == (
        "Ông nói : “ Tốt lắm . ”\nSau đó về nhà .", 8, 2)
    assert tokenize_article_text("") == ("", 0, 0)


# --- long paragraphs -------------------------------------------------------------------

@pytest.mark.parametrize("sentence, limit", [
    ("một hai ba " * 3000, 1000),
    ("một, hai; ba: bốn " * 2000, 500),
    ("x" * 2500, 1000),                                   # no space at all: hard cut
    ("a" * 700 + " " * 600 + "b" * 700, 1000),            # a run of spaces
])
def test_bounded_chunks(sentence, limit):
    chunks = list(bounded_chunks(sentence, limit))
    assert all(0 < len(c) <= limit for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(sentence.split())
    assert len(chunks) >= len(sentence.strip()) // limit


def test_cut_prefers_punctuation():
    chunks = list(bounded_chunks("một, hai; ba: bốn " * 2000, 500))
    assert all(c[-1] in ",;:" for c in chunks[:-1])


def test_long_paragraph_without_punctuation_is_chunked(monkeypatch):
    segmenter_words = tk._segmenter_words
    seen = []

    def spy(sentence):
        seen.append(len(sentence))
        return segmenter_words(sentence)

    monkeypatch.setattr(tk, "_segmenter_words", spy)
    paragraph = " ".join(["cán bộ đảng viên gắn với thực hiện tốt nhiệm vụ chính trị"] * 400)
    assert len(paragraph) > 20_000
    tokens = tokenize_text(paragraph)
    assert max(seen) <= tk.MAX_CHUNK_CHARS and len(seen) >= len(paragraph) // tk.MAX_CHUNK_CHARS
    assert count_sentences(tokens) == 1                   # still one sentence, one line
    assert words_of(tokens) == words_of(paragraph)


# --- pool ------------------------------------------------------------------------------

def test_pool_output_equals_serial():
    texts = PARAGRAPHS + ["\n".join(PARAGRAPHS[i:i + 3]) for i in range(0, 10)] + ["", "a"]
    serial = [tokenize_article_text(t) for t in texts]
    assert len(texts) >= 20
    with TokenizerPool(2) as pool:
        assert len(set(pool.warm_up())) == 2                  # two processes, both warm
        assert list(pool.map(texts)) == serial
        assert list(pool.map(texts, chunksize=1)) == serial

        async def each():
            return await asyncio.gather(*(pool.tokenize(t) for t in texts))

        assert asyncio.run(each()) == serial
        # any module-level function runs on the same warm workers, in order (the
        # end-of-crawl passes sketch there): more items than the 4 batches per worker in flight
        items = [str(n) * (n % 7) for n in range(50)]
        assert list(pool.imap(len, items)) == [len(item) for item in items]
        assert set(pool.imap(_pid, range(40))) <= set(pool.warm_up())


def _pid(_):
    import os
    return os.getpid()


def test_pool_survives_a_dead_worker():
    import os
    import signal
    with TokenizerPool(1) as pool:
        [pid] = pool.warm_up()
        os.kill(pid, signal.SIGKILL)            # as the OOM killer would
        assert asyncio.run(pool.tokenize(SEED)) == tokenize_article_text(SEED)


def test_inline_pool():
    pool = TokenizerPool(0)
    assert list(pool.map(PARAGRAPHS[:3])) == [tokenize_article_text(t) for t in PARAGRAPHS[:3]]
    assert asyncio.run(pool.tokenize(SEED)) == tokenize_article_text(SEED)
    pool.close()
    with pytest.raises(RuntimeError):
        asyncio.run(pool.tokenize(SEED))
    with pytest.raises(ValueError):
        TokenizerPool(-1)


# --- Scrapy ----------------------------------------------------------------------------

def _crawler(settings):
    from scrapy.utils.test import get_crawler
    return get_crawler(settings_dict=settings)


@pytest.mark.parametrize("workers", [0, 1])
def test_pipeline_fills_the_columns(workers):
    pipeline = TokenizePipeline.from_crawler(_crawler({"TOKENIZE_WORKERS": workers}))
    assert pipeline.workers == workers
    article = Article(url="https://baobinhthuan.com.vn/a.html", site="baobinhthuan",
                      text="Tuy Phong: Nhân rộng mô hình\n" + SEED)

    async def run():
        await pipeline.open_spider()
        try:
            return await pipeline.process_item(article)
        finally:
            await pipeline.close_spider()

    item = asyncio.run(run())
    assert item is article
    assert (item.tokens, item.n_words, item.n_sentences) == tokenize_article_text(article.text)
    assert item.n_sentences == 2 and "Bộ_Chính_trị" in item.tokens


def test_pipeline_default_workers_is_cpu_count():
    import os
    assert TokenizePipeline.from_crawler(_crawler({})).workers == os.cpu_count()


def test_scrapy_runs_it_without_deprecation_warnings():
    """Through Scrapy's own ItemPipelineManager: no spider argument wanted or warned about."""
    from scrapy.exceptions import ScrapyDeprecationWarning
    from scrapy.pipelines import ItemPipelineManager

    crawler = _crawler({"TOKENIZE_WORKERS": 0,
                        "ITEM_PIPELINES": {"pipelines.tokenize.TokenizePipeline": 900}})
    article = Article(url="https://x.vn/a", site="x", text="Ông nói: “Tốt lắm.” Sau đó về nhà.")

    async def run():
        manager = ItemPipelineManager.from_crawler(crawler)
        await manager.open_spider_async()
        item = await manager.process_item_async(article)
        await manager.close_spider_async()
        return item

    with warnings.catch_warnings():
        warnings.simplefilter("error", ScrapyDeprecationWarning)
        item = asyncio.run(run())
    assert item.n_sentences == 2 and item.n_words == 8


def test_a_closed_pool_is_taken_over_warm():
    """One model load per worker for the whole run: the end-of-crawl pass reuses the crawl's
    workers instead of starting (and loading) new ones."""
    import psutil
    with TokenizerPool(2) as pool:
        first = pool.warm_up()
    assert all(psutil.pid_exists(pid) for pid in first)         # parked, not ended
    with TokenizerPool(2) as again:
        assert again.warm_up() == first
        assert list(again.map(PARAGRAPHS[:4])) == [tokenize_article_text(t) for t in PARAGRAPHS[:4]]
    with TokenizerPool(0) as inline:                             # no process to start: use them
        assert inline.warm_up() == first
        assert asyncio.run(inline.tokenize(SEED)) == tokenize_article_text(SEED)


def test_parking_another_pool_ends_the_older_one():
    import psutil
    with TokenizerPool(2) as pool:
        older = pool.warm_up()
    with TokenizerPool(1) as other:                               # another size: a new pool
        [pid] = other.warm_up()
        assert pid not in older
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
                   for p in older)
    with TokenizerPool(1) as again:
        assert again.warm_up() == [pid]


def test_a_broken_pool_is_not_parked():
    import os
    from concurrent.futures.process import BrokenProcessPool
    import signal
    with TokenizerPool(1) as pool:
        [pid] = pool.warm_up()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            list(pool.map(["a"] * 8, chunksize=1))
    with TokenizerPool(1) as fresh:
        assert fresh.warm_up() != [pid]


def test_inline_warm_up_does_not_tie_the_caller_to_its_parent(monkeypatch):
    """Only worker processes exit with their parent; a crawler tokenizing inline must not."""
    import threading
    monkeypatch.setattr(tk, "_parked", None)                     # no warm pool to take over
    with TokenizerPool(0) as pool:
        assert pool.warm_up() == []
    assert "parent-watch" not in {t.name for t in threading.enumerate()}


# --- engines ---------------------------------------------------------------------------

NAMES = "Ông Nguyễn Văn An, Chủ tịch UBND xã cho biết: bà con đi lại thuận tiện hơn."


@pytest.fixture
def pyvi_engine(monkeypatch):
    pytest.importorskip("pyvi")
    monkeypatch.setattr(tk, "_engine", tk.DEFAULT_ENGINE)     # restored after the test
    tk.use_engine("pyvi")


def test_underthesea_is_the_default_engine():
    assert tk.engine() == "underthesea" == tk.DEFAULT_ENGINE
    assert TokenizePipeline.from_crawler(_crawler({})).engine == "underthesea"
    assert tokenize_text(NAMES).startswith("Ông Nguyễn_Văn_An ,")


def test_unknown_engine_is_refused(monkeypatch):
    monkeypatch.setattr(tk, "_engine", tk.DEFAULT_ENGINE)
    with pytest.raises(ValueError, match="TOKENIZE_ENGINE='spacy': expected one of underthesea, pyvi"):
        TokenizePipeline.from_crawler(_crawler({"TOKENIZE_ENGINE": "spacy"}))


def test_pyvi_engine_segments_and_keeps_the_letters_printed(pyvi_engine):
    assert tokenize_text(NAMES).startswith("Ông Nguyễn Văn_An ,")       # pyvi's own choice
    tokens, words, sentences = tokenize_article_text("Toà án xử lưu động.\nHoà bình!")
    assert tokens == "Toà_án xử lưu_động .\nHoà_bình !" and (words, sentences) == (4, 2)


def test_the_setting_picks_the_engine_for_the_process_and_its_pools(monkeypatch):
    pytest.importorskip("pyvi")
    monkeypatch.setattr(tk, "_engine", tk.DEFAULT_ENGINE)
    pipeline = TokenizePipeline.from_crawler(_crawler({"TOKENIZE_ENGINE": "pyvi"}))
    assert pipeline.engine == tk.engine() == "pyvi"        # the end-of-crawl pass follows
    with TokenizerPool(1) as pool:
        assert pool.engine == "pyvi"
        assert list(pool.map([NAMES])) == [tokenize_article_text(NAMES)]
        assert "Nguyễn Văn_An" in asyncio.run(pool.tokenize(NAMES))[0]


def test_shutdown_parked_ends_the_workers():
    import psutil
    with TokenizerPool(1) as pool:
        [pid] = pool.warm_up()
    tk.shutdown_parked()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    tk.shutdown_parked()                                          # nothing parked: no-op


def test_loading_pyvi_leaves_no_model_file_behind(tmp_path):
    """pyvi's model is unpickled into a temporary file; a process that used the engine must
    not leave it in the temporary folder when it exits (each left ~640 KB). A pool worker
    ends with os._exit, which runs no finalizer: the file must be gone before that."""
    pytest.importorskip("pyvi")
    script = ("import os; from pipelines import tokenize as tk; tk.use_engine('pyvi'); "
              "print(tk.tokenize_text('Hoà bình!'), flush=True); os._exit(0)")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Hoà_bình" in done.stdout
    assert list(tmp_path.iterdir()) == []
