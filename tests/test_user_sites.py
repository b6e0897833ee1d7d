"""--sites DIR / VNNEWS_SITES: the user's own site files over the bundled registry."""
from __future__ import annotations

import json

import pandas as pd

from conftest import LOCAL, ROOT, run_cli

BUNDLED = ROOT / "crawler" / "sites"


def user_site(folder, site_id: str, name: str, source: str = "demo-laocai"):
    folder.mkdir(exist_ok=True)
    text = (BUNDLED / f"{source}.toml").read_text("utf-8")
    text = text.replace(f'id = "{source}"', f'id = "{site_id}"', 1)
    text = "\n".join(f'name = "{name}"' if line.startswith("name = ") else line
                     for line in text.splitlines())
    (folder / f"{site_id}.toml").write_text(text + "\n", "utf-8")


def listed(*args, env=None) -> dict:
    result = run_cli("sites", "--json", *args, env=env)
    assert result.returncode == 0, result.stderr
    return {s["id"]: s for s in json.loads(result.stdout)}


def test_user_folder_adds_and_overrides_sites(tmp_path):
    mine = tmp_path / "mysites"
    user_site(mine, "my-paper", "Báo của tôi")
    user_site(mine, "demo-cantho", "Cần Thơ, my rules", source="demo-cantho")
    for args, env in ((("--sites", mine), None), ((), {"VNNEWS_SITES": str(mine)})):
        sites = listed(*args, env=env)
        assert sites["my-paper"]["name"] == "Báo của tôi"
        assert sites["demo-cantho"]["name"] == "Cần Thơ, my rules"
        assert "demo-laocai" in sites                     # the bundled ones stay
    assert "my-paper" not in listed()


def test_a_crawl_uses_the_users_site_file(web, tmp_path):
    root, servers = web
    mine = tmp_path / "mysites"
    user_site(mine, "my-paper", "Báo của tôi")
    out = tmp_path / "corpus"
    result = run_cli("crawl", "my-paper", "--sites", mine, "--out", out, "--max-articles", "3",
                     "--base-url", servers["demo-laocai"].base_url, *LOCAL)
    assert result.returncode == 0, result.stderr
    rows = pd.read_parquet(out / "my-paper")
    assert len(rows) == 3 and set(rows.site) == {"my-paper"}


def test_bad_user_sites_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.toml").write_text("id = [\n", "utf-8")
    for args, env, message in (
            (("--sites", tmp_path / "nope"), None, "not a folder"),
            ((), {"VNNEWS_SITES": str(tmp_path / "nope")}, "is not a folder of site files"),
            (("--sites", bad), None, "broken.toml")):
        result = run_cli("sites", *args, env=env)
        assert result.returncode == 1, result.stdout
        assert message in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("vnnews ")
