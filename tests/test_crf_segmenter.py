"""pipelines.crf_segmenter scores underthesea's own model: its tags must be underthesea's.

The reference is underthesea itself (word_tokenize, and underthesea_core's CRFFeaturizer
for feature strings), on the VLSP 2013 test sentences that ship with underthesea."""
import logging
import re
import sys
from pathlib import Path

import pytest
from underthesea.pipeline.word_tokenize import word_tokenize as underthesea_word_tokenize

from pipelines import crf_segmenter as cs
from pipelines import tokenize as tk

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import eval_tokenize  # noqa: E402


@pytest.fixture(scope="module")
def vlsp_sentences() -> list[str]:
    path = eval_tokenize.find_test_set()
    assert path is not None, "underthesea's VLSP 2013 test set is missing"
    sentences = [" ".join(s for word in words for s in word)
                 for words in eval_tokenize.read_sentences(path)]
    assert len(sentences) > 1500
    return sentences


@pytest.fixture(scope="module")
def featurizer():
    import joblib
    from underthesea_core import CRFFeaturizer
    import underthesea.pipeline.word_tokenize as module
    base = Path(module.__file__).parent / "models" / "ws_crf_vlsp2013_20230727"
    names = joblib.load(base / "features.bin")
    dictionary = joblib.load(base / "dictionary.bin")
    return names, frozenset(dictionary), CRFFeaturizer(names, dictionary)


def _feature_strings(templates, dictionary, tokens):
    """What underthesea_core builds, as this module understands it."""
    n, out = len(tokens), []
    for pos in range(n):
        row = []
        for t in templates:
            if pos + t.start < 0:
                value = "BOS"
            elif pos + t.end >= n:
                value = "EOS"
            else:
                value = cs._value(t.attribute, " ".join(tokens[pos + t.start:pos + t.end + 1]),
                                  dictionary)
            row.append(f"{t.name}={value}")
        out.append(row)
    return out


def _safe_chars():
    ranges = re.findall(r"(.)-(.)|(.)", cs.SAFE_CHARS)
    for low, high, single in ranges:
        if single:
            yield single
        else:
            yield from map(chr, range(ord(low), ord(high) + 1))


def test_feature_values_match_underthesea_core_on_every_safe_character(featurizer):
    names, dictionary, rust = featurizer
    templates = cs.parse_templates(names)
    tokens = [t for ch in _safe_chars() if not ch.isspace()
              for t in (ch, ch + "a", "A" + ch, "a" + ch + "B", ch + "1")]
    assert len(tokens) > 200_000
    mismatches = []
    for k in range(0, len(tokens), 5000):
        batch = tokens[k:k + 5000]
        expected = rust.process([[[t] for t in batch]])[0]
        ours = _feature_strings(templates, dictionary, batch)
        mismatches += [batch[i] for i in range(len(batch)) if expected[i] != ours[i]]
    assert mismatches == []


def test_feature_strings_match_on_real_sentences_ends_included(featurizer, vlsp_sentences):
    names, dictionary, rust = featurizer
    templates = cs.parse_templates(names)
    for sentence in vlsp_sentences[:300] + ["Một", "Hai từ", "Ba từ nữa", "1 2 3 4"]:
        tokens = cs.syllables(sentence)
        assert _feature_strings(templates, dictionary, tokens) == \
            rust.process([[[t] for t in tokens]])[0], sentence


def test_syllables_are_underthesea_regex_tokens(vlsp_sentences):
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize
    for sentence in vlsp_sentences[:500] + ["Email: a.b@c.vn, www.baodanang.vn 12/3/2024 :)"]:
        assert cs.syllables(sentence) == tokenize(sentence, use_token_normalize=False)


def test_words_are_underthesea_words_on_vlsp(vlsp_sentences):
    """Same words on 2,000 real sentences, printed as shipped, hòa-style, in capitals and in
    lower case (casing moves the title and dictionary features)."""
    sample = vlsp_sentences[:500]
    variants = (sample + [tk.crf_style(s) for s in sample] + [s.upper() for s in sample]
                + [s.lower() for s in sample])
    differ = [s for s in variants
              if cs.word_tokenize(s) != underthesea_word_tokenize(s, use_token_normalize=False)]
    assert differ == []


def test_a_sentence_with_an_unsafe_character_is_segmented_by_underthesea():
    sentence = "Ký hiệu ƛ xuất hiện trong bài toán học sinh giỏi"
    assert cs._UNSAFE.search(sentence)
    assert cs.word_tokenize(sentence) == underthesea_word_tokenize(sentence,
                                                                   use_token_normalize=False)


def test_caches_stay_bounded(monkeypatch, vlsp_sentences):
    monkeypatch.setattr(cs, "MAX_CACHED", 500)
    segmenter = cs.default_segmenter()
    for sentence in vlsp_sentences[:400]:
        expected = underthesea_word_tokenize(sentence, use_token_normalize=False)
        assert cs.word_tokenize(sentence) == expected
        assert all(len(cache) <= 500 + len(cs.syllables(sentence)) + 2
                   for cache in segmenter.caches.values())
        assert len(segmenter.shared) <= 500


def test_an_unreadable_template_is_refused():
    with pytest.raises(cs.ModelMismatch):
        cs.parse_templates(["T[0]", "W[0].shape"])


def test_a_model_it_cannot_read_falls_back_to_underthesea(monkeypatch, caplog):
    text = "Bác sĩ bây giờ có thể thản nhiên báo tin bệnh nhân bị ung thư."
    fast = tk.tokenize_text(text)

    def refuse():
        raise cs.ModelMismatch("feature template 'W[0].shape' is not one this module reads")
    monkeypatch.setattr(cs, "default_segmenter", refuse)
    tk._cached_crf.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="pipelines.tokenize"):
            tokens = tk.tokenize_text(text)
        assert tokens == fast
        assert tokens.startswith("Bác_sĩ bây_giờ có_thể thản_nhiên")
        assert "falls back to underthesea.word_tokenize" in caplog.text
    finally:
        tk._cached_crf.cache_clear()


def test_a_file_that_is_not_a_crfsuite_model_is_refused(tmp_path):
    bogus = tmp_path / "models.bin"
    bogus.write_bytes(b"\x00" * 64)
    with pytest.raises(cs.ModelMismatch):
        cs.read_crfsuite(bogus)
