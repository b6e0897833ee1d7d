"""notebooks/explore_corpus.ipynb runs top to bottom (a real kernel from the venv) on a corpus
crawled from the fixture web, with one near-copy page added so a cluster exists."""
import json
import re

import nbformat
import pytest

import corpus
from conftest import LOCAL, ROOT, run_cli
from corpus import neardup

NOTEBOOK = ROOT / "notebooks" / "explore_corpus.ipynb"
SITES = ["demo-binhthuan", "demo-laocai", "demo-cantho"]
ORIGINAL = "bat-xat-dua-giong-lua-chat-luong-cao-vao-san-xuat-post40101.html"
COPY = "bat-xat-mo-rong-lua-chat-luong-cao-post40301.html"


def add_near_copy(site_root):
    """The Lào Cai rice story again a day later, under a new URL, edited and cut short."""
    page = (site_root / ORIGINAL).read_text(encoding="utf-8")
    page = re.sub(r'<link rel="canonical"[^>]*>', "", page)
    page = page.replace("2025-06-12T07:30:00+0700", "2025-06-13T09:00:00+0700")
    page = page.replace("12/06/2025 07:30", "13/06/2025 09:00").replace("5 sào", "năm sào")
    page = re.sub(r'<p style="text-align: justify;">Theo Phòng Nông nghiệp huyện.*?</p>', "", page, flags=re.S)
    (site_root / COPY).write_text(page, encoding="utf-8")
    home = site_root / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</body>", f'<a href="/{COPY}">Bát Xát mở rộng lúa chất lượng cao</a></body>'), encoding="utf-8")


@pytest.fixture
def crawled(web, tmp_path):
    root, servers = web
    add_near_copy(root / "demo-laocai")
    out = tmp_path / "corpus"
    bases = ",".join(f"{s}={servers[s].base_url}" for s in SITES)
    result = run_cli("crawl", *SITES, "--out", out, "--base-url", bases, *LOCAL)
    assert result.returncode == 0, result.stderr
    assert neardup.update(out)["clusters"] == 1
    return out


def test_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert "VNNEWS_CORPUS" in code[0].source and '"../demo-corpus"' in code[0].source


def test_notebook_runs_on_the_fixture_corpus(crawled, monkeypatch):
    from nbclient import NotebookClient
    monkeypatch.setenv("VNNEWS_CORPUS", str(crawled))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [_text(c) for c in notebook.cells if c.cell_type == "code"]
    frame = corpus.load(crawled)
    assert f"{len(frame)} articles from 3 sites" in outputs[0]
    assert "Lào Cai" in outputs[1] and "Cần Thơ" in outputs[1] and "near_duplicates" in outputs[1]
    assert "image/png" in outputs[2]
    assert "lúa" in outputs[3] or "lúa_chất_lượng" in outputs[3]
    original = frame[frame.url.str.endswith(ORIGINAL)].url.iloc[0]
    assert original in outputs[4] and COPY in outputs[4]
    assert "canonical: demo-laocai" in outputs[4] and "near-duplicate: demo-laocai" in outputs[4]
    assert nbformat.read(NOTEBOOK, as_version=4).cells[1].outputs == []  # the file is untouched


def _text(cell) -> str:
    return json.dumps(cell.outputs, ensure_ascii=False)
