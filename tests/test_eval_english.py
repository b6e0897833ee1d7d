"""scripts/eval_english.py (`make eval-english`): the page folder comes from --pages or
VNNEWS_ENGLISH_PAGES (never a built-in path: the pages' licences keep them out of the
repository), the sealed half is fixed by the page id, sealed pages are printed only in
aggregate, and the last line is the contract."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "eval_english.py"
PARAGRAPH = ("The city council voted on Tuesday to extend the evening bus service to the "
             "northern suburbs, after a year in which ridership on the late routes doubled.")
PAGE = f"""<html><head><title>Council extends evening buses - The Example Post</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council extends evening buses</h1>
<p>{PARAGRAPH}</p><p>{PARAGRAPH.replace("Tuesday", "Monday")}</p>
<p>{PARAGRAPH.replace("city", "town")}</p></article>
<footer>Copyright The Example Post</footer></body></html>"""


def sealed(page_id: str) -> bool:
    return hashlib.sha256(f"vnnews-seal:{page_id}".encode()).hexdigest()[0] in "01234567"


def run(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if k != "VNNEWS_ENGLISH_PAGES"}
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**environment, **(env or {})})


def page_set(folder: Path, ids) -> Path:
    (folder / "pages").mkdir(parents=True)
    (folder / "gold").mkdir()
    rows = ["id\tdataset\turl\trepo\tpath\tcommit\tlicence\tnote"]
    for page_id in ids:
        (folder / "pages" / f"{page_id}.html").write_bytes(PAGE.encode("utf-8"))
        (folder / "gold" / f"{page_id}.txt").write_text(
            "Council extends evening buses\n" + PARAGRAPH + "\n", "utf-8")
        rows.append(f"{page_id}\tsynthetic\thttps://example.com/news/{page_id}\t\t\t\t\t")
    (folder / "manifest.tsv").write_text("\n".join(rows) + "\n", "utf-8")
    return folder


def test_no_folder_is_a_one_line_error():
    done = run()
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "--pages" in done.stderr and "VNNEWS_ENGLISH_PAGES" in done.stderr


def test_split_is_fixed_and_sealed_pages_stay_aggregate(tmp_path):
    ids = [f"p{i}" for i in range(12)]
    assert {sealed(i) for i in ids} == {True, False}
    folder = page_set(tmp_path / "english", ids)
    done = run("-v", env={"VNNEWS_ENGLISH_PAGES": str(folder)})
    assert done.returncode == 0, done.stderr
    printed = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    assert all((i in printed) != sealed(i) for i in ids)   # per page: tuned ones only
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("eval-english sealed_f1=")
    keys = [field.split("=")[0] for field in last.split()[1:]]
    assert keys == ["sealed_f1", "sealed_traf", "sealed_p", "sealed_traf_p", "tuned_f1",
                    "tuned_traf", "dropped", "worse_pages"]
    shown = run("--pages", folder, "--show", next(i for i in ids if sealed(i)))
    assert shown.returncode == 2 and "sealed" in shown.stderr


def test_ceed_is_staged_from_a_git_repository_into_the_folder_eval_english_reads(tmp_path):
    """scripts/stage_ceed.py: every CEED page with its gold, ids fixed by the file number."""
    repo = tmp_path / "content-extraction"
    for folder, name, text in (("HTML", "0.html", PAGE), ("Content", "0.txt", PARAGRAPH),
                               ("HTML", "7.html", PAGE)):      # 7 has no gold: not staged
        (repo / "CEED" / folder).mkdir(parents=True, exist_ok=True)
        (repo / "CEED" / folder / name).write_text(text, "utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "pages"], check=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    out = tmp_path / "staged"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "stage_ceed.py"), "--repo",
                           str(repo), "--out", str(out), "--commit", commit],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "pages").iterdir()) == ["ceed-0.html"]
    assert (out / "gold" / "ceed-0.txt").read_text("utf-8") == PARAGRAPH
    scored = run("--pages", out)
    assert scored.returncode == 0, scored.stderr
    assert scored.stdout.splitlines()[-1].startswith("eval-english sealed_f1=")
