"""`python -m corpus`: stats, card, export, neardup; help with examples; one-line errors."""
import json
import os
import subprocess
import sys

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")  # read before `datasets` is imported
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import corpus  # noqa: E402
from corpus import neardup  # noqa: E402
from crawler.cli.corpus import COMMANDS, main  # noqa: E402
from corpus.schema import FIELDS  # noqa: E402
from test_neardup import ROOT, national, republished, truncated, unrelated, write  # noqa: E402


@pytest.fixture
def marked(tmp_path):
    """A corpus of two runs with one near-duplicate cluster (3 rows) and a manifest."""
    out = tmp_path / "corpus"
    write(out, [national(), unrelated()], run_id="r1")
    write(out, [republished(), truncated()], run_id="r2")
    (out / "_runs").mkdir()
    (out / "_runs" / "r2.json").write_text(json.dumps(
        {"run_id": "r2", "dropped": {"TooShort": 3, "DuplicateContent": 1}}))
    neardup.update(out)
    return out


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_has_help_with_an_example(capsys):
    assert set(COMMANDS) == {"stats", "card", "export", "neardup", "compact"}
    for name in COMMANDS:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        assert "example:\n  python -m corpus " + name in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["stats"], "the following arguments are required: DIR"),
    (["stats", "/no/such/corpus"], "/no/such/corpus is not a corpus directory"),
    (["export", "{dir}", "--format", "xml", "--out", "x"], "invalid choice: 'xml'"),
    (["export", "{dir}", "--format", "jsonl", "--out", "{dir}"], "exists (use --overwrite"),
    (["export", "{dir}", "--format", "csv", "--out", "{tmp}/x.csv", "--columns", "url,nope"], "unknown column(s): nope"),
    (["export", "{dir}", "--format", "jsonl", "--out", "{tmp}/x.jsonl", "--since", "June"], "'June' is not an ISO date"),
    (["export", "{dir}", "--format", "hf", "--out", "{tmp}/hf", "--shard-rows", "0"], "--shard-rows must be >= 1"),
])
def test_user_errors_are_one_line(capsys, marked, tmp_path, args, message):
    args = [a.format(dir=marked, tmp=tmp_path) for a in args]
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("corpus: error: ") and message in err, err


def test_an_output_that_cannot_be_written_is_a_failure_not_a_usage_error(capsys, marked):
    code, out, err = run(capsys, "card", marked, "--out", "/proc/no-card-here")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("corpus: error: ") and "/proc/no-card-here" in err


def test_module_entry_point_and_no_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "corpus", "stats", tmp_path / "nope"], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("corpus: error: ")
    bare = subprocess.run([sys.executable, "-m", "corpus"], cwd=ROOT, capture_output=True,
                          text=True, env=env, timeout=60)
    assert bare.returncode == 2 and "examples:" in bare.stdout


def test_stats_json_counts_sites_provinces_drops_and_duplicates(capsys, marked):
    code, out, _ = run(capsys, "stats", marked, "--json")
    figures = json.loads(out)
    assert code == 0 and figures["articles"] == 4
    assert figures["words"] == int(corpus.load(marked).n_words.sum())
    assert {s["site"]: s["articles"] for s in figures["sites"]} == {"thoisu": 1, "baolaocai": 2, "baocantho": 1}
    provinces = {p["province"]: p for p in figures["provinces"]}
    assert provinces["Lào Cai"]["articles"] == 2 and provinces["Lào Cai"]["near_duplicate_rows"] == 1
    assert figures["near_duplicates"] == {"known": True, "rows": 2, "rate": 0.5, "clusters": 1,
                                          "min_containment": 0.6}
    drops = figures["drops"]
    assert drops["by_reason"] == {"TooShort": 3, "DuplicateContent": 1} and drops["kept"] == 2
    assert drops["rate"] == round(4 / 6, 4) and drops["exact_duplicate_rate"] == round(1 / 6, 4)
    assert figures["first"].startswith("2025-06-12T07:30:00+07:00")


def test_stats_give_the_share_of_dated_rows_per_site(capsys, tmp_path):
    """A site whose dates stop being found shows as a falling share (README: drift)."""
    undated = unrelated()
    undated.published_at = None
    write(tmp_path, [national(), unrelated(), undated])
    code, out, _ = run(capsys, "stats", tmp_path, "--json")
    figures = json.loads(out)
    shares = {s["site"]: s["dated_share"] for s in figures["sites"]}
    assert shares["thoisu"] == 1.0 and shares[undated.site] == 0.5
    assert figures["dated_share"] == round(2 / 3, 4)
    code, out, _ = run(capsys, "stats", tmp_path)
    assert " 50.0% " in out and "dated" in out


def test_an_unreadable_file_is_a_one_line_error(capsys, marked):
    (marked / "thoisu" / "2025-06" / "broken.parquet").write_bytes(b"PAR1 not really")
    code, out, err = run(capsys, "stats", marked)
    assert code == 2 and err.startswith("corpus: error: ") and err.count("\n") == 1


def test_stats_text_says_what_is_unknown(capsys, tmp_path):
    write(tmp_path, [national()])
    code, out, _ = run(capsys, "stats", tmp_path)
    assert code == 0
    assert "drops: unknown" in out and "near-duplicates: unknown" in out
    assert "thoisu" in out and "(none: national or generic)" in out


def test_card_explains_every_column_and_keeps_the_corpus_readable(capsys, marked):
    code, out, _ = run(capsys, "card", marked)
    readme = marked / "_card" / "README.md"
    assert code == 0 and str(readme) in out
    card = readme.read_text(encoding="utf-8")
    for name, _, meaning in FIELDS:
        assert f"| {name} |" in card
    assert "Icelandic eth" in card and "underthesea" in card       # the policies' docstrings
    assert "baolaocai" in card and "Lào Cai" in card and "TooShort 3" in card
    for png in ("articles_per_week.png", "length_distribution.png"):
        data = (marked / "_card" / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        assert f"]({png})" in card
    assert len(pd.read_parquet(marked)) == 4                        # nothing visible added to DIR


def test_export_jsonl_and_csv(capsys, marked, tmp_path):
    assert run(capsys, "export", marked, "--format", "jsonl", "--out", tmp_path / "a.jsonl")[0] == 0
    rows = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 and set(rows[0]) == set(corpus.COLUMNS)
    assert {r["published_at"] for r in rows} >= {"2025-06-12T07:30:00+07:00"}
    code, out, _ = run(capsys, "export", marked, "--format", "csv", "--out", tmp_path / "a.csv",
                       "--columns", "url,text,tags,dup_of", "--sites", "baolaocai", "--canonical-only")
    frame = pd.read_csv(tmp_path / "a.csv")
    assert code == 0 and "exported 1 articles" in out
    assert list(frame.columns) == ["url", "text", "tags", "dup_of"]
    assert frame.url.tolist() == [unrelated().url] and frame.text[0] == unrelated().text
    assert json.loads(frame.tags[0]) == []
    run(capsys, "export", marked, "--format", "csv", "--out", tmp_path / "none.csv",
        "--columns", "url,title", "--since", "2030-01-01")
    assert (tmp_path / "none.csv").read_text() == "url,title\n"      # nothing matched: a header


def test_export_hf_loads_with_datasets(capsys, marked, tmp_path):
    from datasets import load_dataset
    out = tmp_path / "hf"
    code, printed, _ = run(capsys, "export", marked, "--format", "hf", "--out", out, "--shard-rows", "3")
    assert code == 0 and "(2 file(s))" in printed
    shards = sorted(p.name for p in (out / "data").iterdir())
    assert shards == ["train-00000-of-00002.parquet", "train-00001-of-00002.parquet"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "path: data/train-*.parquet" in card
    loaded = load_dataset("parquet", data_dir=str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert sorted(loaded["url"]) == sorted(corpus.load(marked).url)
    assert loaded.column_names == corpus.COLUMNS
    again = run(capsys, "export", marked, "--format", "hf", "--out", out, "--overwrite")
    assert again[0] == 0 and len(list((out / "data").iterdir())) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temp left


def test_neardup_command_reports_counts(capsys, marked):
    code, out, _ = run(capsys, "neardup", marked, "--json")
    result = json.loads(out)
    assert code == 0 and result["clusters"] == 1 and result["duplicates"] == 2
    assert result["files_rewritten"] == 0 and result["sketched"] == 0
