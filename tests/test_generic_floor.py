"""The rule-free layer keeps at least what trafilatura keeps (issue 11): each behaviour of
the generic layer that could lose article text, or add text that is not the article, on
small synthetic pages."""
from crawler.pages import extract_article
from crawler.pages.generic import title_from_head
from crawler.pages.html_text import parse_html

PARAGRAPHS = [
    "The city council voted on Tuesday to extend the evening bus service to the northern "
    "suburbs, after a year in which ridership on the late routes doubled.",
    "Officials said the extra buses would run every twenty minutes until midnight on "
    "weekdays, and every half hour on Saturdays and Sundays.",
    "The transport committee will review the service in a year, when it expects to have "
    "enough passenger counts to decide whether the routes should become permanent.",
]


def body(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def test_title_from_head_reads_the_title_element():
    tree = parse_html("<html><head><title>Council extends  buses - The Post</title></head>"
                      "<body><p>x</p></body></html>")
    assert title_from_head(tree) == "Council extends buses"


def test_page_without_og_title_or_h1_keeps_its_head_title():
    html = (f"<html><head><title>Council extends evening buses | The Post</title></head>"
            f"<body><div>{body(*PARAGRAPHS)}</div></body></html>")
    article = extract_article(html, "https://example.com/news/buses-2009-11.html")
    assert article.title == "Council extends evening buses"
