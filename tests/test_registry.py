import pytest

from crawler.sites.registry import (RegistryError, generic_site, load_registry, load_site_file,
                              rebase_url)

GOOD = '''
id = "{id}"
name = "Báo Thử"
domains = ["baothu.vn"]
start_urls = ["https://baothu.vn/"]
[urls]
article = ['-post\\d+\\.html$']
[selectors]
title = "h1"
body = ["div.body", "article"]
'''


def write(tmp_path, text, name="baothu"):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_registered_site_loads():
    sites = load_registry()
    assert sites, "the registry is empty"
    for site in sites.values():
        assert site.domains and site.name


def test_good_file(tmp_path):
    site = load_site_file(write(tmp_path, GOOD.format(id="baothu")))
    assert site.selectors["body"] == ("div.body", "article")
    assert site.is_article_url("https://baothu.vn/a-b-post123.html")
    assert not site.is_article_url("https://baothu.vn/chuyen-muc/")
    assert site.owns("https://www.baothu.vn/x") and not site.owns("https://other.vn/x")


@pytest.mark.parametrize("change, key", [
    (("id = \"baothu\"", "id = \"Bad Id\""), "id"),
    (("id = \"baothu\"", "id = \"other\""), "id"),
    (("domains = [\"baothu.vn\"]", "domains = []"), "domains"),
    (("domains = [\"baothu.vn\"]", ""), "domains"),
    (("article = [", "article = ['(unclosed', "), "urls.article"),
    (("title = \"h1\"", "title = \"h1[\""), "selectors.title"),
    (("title = \"h1\"", "titel = \"h1\""), "selectors.titel"),
    (("name = \"Báo Thử\"", "name = \"Báo Thử\"\nstatus = \"gone\""), "status"),
])
def test_bad_file_names_path_and_key(tmp_path, change, key):
    text = GOOD.format(id="baothu").replace(*change)
    path = write(tmp_path, text)
    with pytest.raises(RegistryError) as err:
        load_site_file(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}:"), message
    assert "\n" not in message


def test_toml_syntax_error_names_path(tmp_path):
    path = write(tmp_path, "id = ")
    with pytest.raises(RegistryError, match=str(path)):
        load_site_file(path)


def test_rebase_and_generic():
    assert rebase_url("https://baothu.vn/a/b.html?p=2", "http://127.0.0.1:8000") == \
        "http://127.0.0.1:8000/a/b.html?p=2"
    assert rebase_url("https://baothu.vn/a.html", "http://mirror.org/archive/") == \
        "http://mirror.org/archive/a.html"
    site = generic_site("http://127.0.0.1:9/home")
    assert site.owns("http://127.0.0.1:9/x.html") and site.id == "generic"
