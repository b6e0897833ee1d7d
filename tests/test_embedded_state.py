"""Pages their scripts render (crawler.pages.embedded): the HTML as served prints nothing of
the story, which sits in a JSON state blob next to its headline."""
import json

import pytest

from crawler.pages import NoArticle, extract_article

PARAGRAPHS = [f"Đoạn {i}: tỉnh tổng kết năm với nhiều chuyển biến tích cực trong phát triển "
              f"kinh tế, xã hội và chăm lo đời sống người dân vùng sâu." for i in range(6)]
TITLE = "Tỉnh tổ chức hội nghị tổng kết năm"
OTHER = " ".join(["Mô tả dài của một tin khác trên trang, không phải bài này."] * 15)


def _state(title: str = TITLE) -> dict:
    story = {"id": 123, "title": title, "sapo": "Tóm tắt ngắn.",
             "content": "".join(f"<p>{p}</p>" for p in PARAGRAPHS),
             "related": [{"title": "Tin khác", "description": OTHER}]}
    return {"props": {"pageProps": {"article": story}}}


def _page(script: str, head_title: str = TITLE) -> str:
    return (f"<html><head><title>{head_title} - Báo Tỉnh</title></head><body><div id='root'>"
            f"</div>{script}</body></html>")


@pytest.mark.parametrize("script", [
    '<script id="__NEXT_DATA__" type="application/json">{}</script>',
    "<script>window.__INITIAL_STATE__ = {};</script>",
])
def test_the_story_in_the_script_state_is_the_body(script):
    html = _page(script.replace("{}", json.dumps(_state(), ensure_ascii=False)))
    article = extract_article(html, "https://baotinh.vn/hoi-nghi-123456.html")
    assert article.text.splitlines() == PARAGRAPHS
    assert OTHER not in article.text


def test_a_state_whose_stories_are_not_this_pages_headline_gives_no_body():
    """A listing's state names other headlines: nothing of it is this page's body."""
    html = _page("<script>window.__STATE__ = " + json.dumps(_state("Một tin khác hẳn"),
                                                              ensure_ascii=False) + ";</script>")
    with pytest.raises(NoArticle):
        extract_article(html, "https://baotinh.vn/hoi-nghi-123456.html")


def test_a_broken_state_is_skipped():
    html = _page("<script>window.__STATE__ = {\"title\": \"" + TITLE + "\", broken</script>")
    with pytest.raises(NoArticle):
        extract_article(html, "https://baotinh.vn/hoi-nghi-123456.html")


def test_the_body_is_the_string_reading_as_prose_not_an_image_or_a_json_text():
    state = {"title": TITLE, "content": "".join(f"<p>{p}</p>" for p in PARAGRAPHS),
             "thumb": "data:image/jpeg;base64," + "A" * 5000,
             "seo": {"schema": json.dumps({"@type": "NewsArticle", "articleBody": OTHER * 3},
                                          ensure_ascii=False)}}
    html = _page("<script>window.__STATE__ = " + json.dumps(state, ensure_ascii=False)
                 + ";</script>")
    assert extract_article(html, "https://baotinh.vn/hoi-nghi-123456.html").text.splitlines() \
        == PARAGRAPHS


def test_a_state_nested_past_the_stack_or_a_bundle_of_assignments_is_no_crash():
    nested = "<script>window.__S__ = " + '{"a":' * 50_000 + "</script>"
    bundle = "<script>" + "var x = {a: 1}; y = [1]; " * 20_000 + "</script>"
    for script in (nested, bundle, nested.replace("<script>", '<script type="application/json">')):
        with pytest.raises(NoArticle):
            extract_article(_page(script), "https://baotinh.vn/hoi-nghi-123456.html")
