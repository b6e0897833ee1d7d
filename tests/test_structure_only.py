"""scripts/eval_structure_only.py: the rule-free layer on tuned pages whose class and id
names say nothing (a proxy for papers whose markup no word list knows)."""
from __future__ import annotations

from conftest import load_script, real_pages_or_skip


def _script():
    return load_script("eval_structure_only")


def test_scrambling_renames_each_class_and_id_alike_and_leaves_the_text():
    scramble = _script().scramble
    html = ('<div class="sapo detail" id="main"><p class="sapo">Tin <b class="x">mới</b></p>'
            "<p class='detail'>Sapo là phần tóm tắt</p></div>")
    out = scramble(html)
    assert "sapo" not in out and "main" not in out and 'id="n' in out
    first, second = (out.split('class="')[i].split('"')[0].split() for i in (1, 2))
    assert first[0] == second[0]                       # "sapo" twice, one token
    assert "Tin <b" in out and "mới</b>" in out and "Sapo là phần tóm tắt" in out


def test_scrambled_pages_keep_their_text_dates_sections_and_main_lists(capsys):
    """A floor: what structure alone gives today may not slip back."""
    real_pages_or_skip()
    assert _script().main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = dict(part.split("=") for part in last.split()[1:])
    assert int(figures["pages"]) >= 25 and int(figures["listings"]) >= 40
    # 0.972 -> 0.980 (eighth session) -> 0.985 (ninth: a line running the page's headline
    # links together, a box of stories trafilatura printed as one line, goes)
    assert float(figures["scrambled_f1"]) >= 0.98
    assert float(figures["scrambled_min"]) >= 0.8       # 0.492 -> 0.772 -> 0.865
    assert float(figures["scrambled_when"]) >= 0.9
    assert float(figures["scrambled_category"]) >= 0.8
    assert float(figures["scrambled_links_recall_min"]) >= 0.95
    # article boxes named with words trafilatura deletes a block for: 0.871 and 5 pages
    # below trafilatura before the second reading was called by sentences (2026-12-07);
    # 0.959 and 3 after (one page's standfirst-only first reading: the second reading adds
    # its body but not twice its words, and a second reading that merely extends the first
    # was refused: it padded short articles with the boxes trafilatura had dropped)
    # 0.968 -> 0.984 (eighth session: a pop-up appended to the page is no story)
    assert int(figures["misnamed"]) >= 150 and float(figures["misnamed_f1"]) >= 0.975
    # 0 after the second reading was also taken when it goes on from the first (seventh
    # session): none may fall below trafilatura again
    assert int(figures["misnamed_below_traf"]) == 0
    # main lists held by a block named "sidebar": what the spider asks for reaches them
    # since side boxes' stories come after the main list (1.000, 0 of 55 below 0.95); the
    # main part alone was 0.781 (27 of 55 below 0.95), 0.884 (16 below) since a "sidebar"
    # holding more stories than the rest of the page is read as the main column (eighth
    # session); the rest are lists lighter than the page's other boxes
    assert float(figures["misnamed_links_recall_mean"]) >= 0.95
    assert int(figures["misnamed_links_below_095"]) <= 2
    assert float(figures["misnamed_links_main_recall_mean"]) >= 0.86
    assert int(figures["misnamed_links_main_below_095"]) <= 18
    # each article printed as an older CMS would (<br><br> for <p>; <div> paragraphs and no
    # HTML5 tags; each with its names scrambled too): 0.977, lowest 0.710, trafilatura
    # 0.850 (ninth session; before, pages at 0.000 and three below trafilatura: a block's
    # loose text was no paragraph, and a reading of other stories' teasers stood)
    assert int(figures["oldmarkup"]) >= 100 and float(figures["oldmarkup_f1"]) >= 0.97
    assert float(figures["oldmarkup_min"]) >= 0.7
    assert int(figures["oldmarkup_below_traf"]) == 0
