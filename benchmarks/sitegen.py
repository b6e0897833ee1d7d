"""A generated provincial-paper web of N articles, served on 127.0.0.1 (port chosen by the OS).

Every page is a pure function of (N, seed, path): the three benchmark runs (our crawl, the
naive stack, the tokeniser bound) see byte-identical pages, and nothing is held in memory,
so N = 50,000 costs no more RAM than N = 1,000.

The pages look like a Vietnamese provincial paper's CMS (about 60-80 KB each): a header with
a long menu, breadcrumbs, a sapo, body paragraphs with subheadings, photos with captions
(figcaption and the older image-table layout), a "Tin liên quan" box inside the body, a
byline, tags, a comment form ("Phản hồi"), a most-read sidebar, a "Liên kết website" select
and a footer with the address and copyright; inline CSS and JavaScript as real pages carry.
Discovery: robots.txt names a sitemap index (1,000 URLs per child sitemap); the home page and
section listings (20 articles per page, ?page=K) link the articles too.

    python benchmarks/sitegen.py --n 1000          # serve until Ctrl-C, print the base URL
"""
from __future__ import annotations

import argparse
import html
import json
import random
import threading
import unicodedata
import zlib
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

SITE_NAME = "Báo Bình Sơn"
PROVINCE = "Bình Sơn"
FIRST_ID = 120000
PER_LISTING = 20
PER_SITEMAP = 1000
SECTIONS = {"thoi-su": "Thời sự", "kinh-te": "Kinh tế", "xa-hoi": "Xã hội",
            "van-hoa": "Văn hóa", "the-thao": "Thể thao", "phap-luat": "Pháp luật",
            "giao-duc": "Giáo dục", "suc-khoe": "Sức khỏe"}
PLACES = ["Tuy Phong", "Bắc Bình", "Hàm Thuận Bắc", "Hàm Thuận Nam", "Tánh Linh", "Đức Linh",
          "Hàm Tân", "La Gi", "Phú Quý", "Phan Thiết", "Bảo Lộc", "Di Linh", "Lạc Dương",
          "Mường Khương", "Bát Xát", "Sa Pa", "Bảo Thắng", "Văn Bàn", "Thới Lai", "Cờ Đỏ"]
COMMUNES = ["Phước Thể", "Hòa Minh", "Chí Công", "Bình Thạnh", "Phan Rí Thành", "Hồng Thái",
            "Đông Giang", "Thuận Hòa", "Tân Lập", "Mương Mán", "Nghị Đức", "Gia An", "Trà Tân",
            "Tân Hà", "Sơn Mỹ", "Ngũ Phụng", "Tam Thanh", "Long Hải", "Bản Lầu", "Trịnh Phú"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Quốc", "Thu", "Hoài"]
GIVEN = ["An", "Bình", "Thủy", "Hùng", "Lan", "Tuấn", "Hòa", "Phương", "Dũng", "Hạnh",
         "Khoa", "Nga", "Sơn", "Trang", "Việt", "Yến", "Quang", "Tâm", "Long", "Mai"]
CROPS = ["thanh long", "lúa", "cà phê", "hồ tiêu", "điều", "cao su", "xoài", "sầu riêng",
         "rau màu", "chè", "bưởi", "nho"]
BODIES = ["Sở Nông nghiệp và Môi trường", "Sở Y tế", "Sở Giáo dục và Đào tạo",
          "Sở Văn hóa, Thể thao và Du lịch", "Công an tỉnh", "Hội Nông dân tỉnh",
          "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Liên đoàn Lao động tỉnh", "Tỉnh đoàn",
          "Sở Tài chính", "Sở Xây dựng", "Ban Quản lý các khu công nghiệp"]
TOPICS = ["chuyển đổi số", "cải cách hành chính", "xây dựng nông thôn mới", "giảm nghèo bền vững",
          "phòng chống thiên tai", "an toàn thực phẩm", "bảo vệ môi trường", "phát triển du lịch",
          "giải phóng mặt bằng", "phòng chống dịch bệnh", "khởi nghiệp", "an sinh xã hội",
          "trật tự an toàn giao thông", "xây dựng Đảng", "bảo hiểm y tế"]

# Sentence templates in the style of provincial news; slots are filled per article.
SENTENCES = [
    "Theo {body}, trong {n} tháng đầu năm {y}, toàn tỉnh đã triển khai {k} mô hình về {topic}, "
    "vượt {p}% kế hoạch đề ra.",
    "Ông {person}, Chủ tịch UBND xã {commune} cho biết: “Nhờ có sự vào cuộc của cả hệ thống "
    "chính trị, bà con đã mạnh dạn thay đổi cách làm, thu nhập tăng rõ rệt.”",
    "Huyện {place} hiện có {k} hộ trồng {crop} với tổng diện tích hơn {n}.{d}00 ha, năng suất "
    "bình quân đạt {d},{n} tấn/ha.",
    "Giá {crop} tại vườn dao động từ {k}.000 đến {k2}.000 đồng/kg, tăng khoảng {p}% so với cùng kỳ "
    "năm trước.",
    "Tại buổi làm việc, đồng chí {person} đề nghị các sở, ngành tập trung tháo gỡ khó khăn, "
    "vướng mắc trong công tác {topic}, bảo đảm tiến độ theo kế hoạch.",
    "Đến ngày {day}/{month}/{y}, tỷ lệ giải ngân vốn đầu tư công của huyện {place} đạt {p}%, "
    "cao hơn mức bình quân chung của tỉnh.",
    "Nhiều hộ dân ở xã {commune} đã vay vốn ưu đãi từ Ngân hàng Chính sách xã hội để đầu tư "
    "chăn nuôi, trồng {crop}, từng bước thoát nghèo.",
    "Bà {person}, một người dân ở thôn {k}, xã {commune}, phấn khởi cho biết gia đình bà đã có "
    "nước sạch để dùng sau nhiều năm chờ đợi.",
    "Lực lượng chức năng đã phát hiện, xử lý {k} vụ vi phạm, xử phạt hành chính hơn {n}0 triệu "
    "đồng, tiêu hủy hàng nghìn sản phẩm không rõ nguồn gốc.",
    "Trong năm học {y} - {y1}, toàn tỉnh có {k} trường đạt chuẩn quốc gia, tăng {d} trường so "
    "với năm học trước.",
    "Bệnh viện Đa khoa khu vực {place} đã tiếp nhận và điều trị thành công cho bệnh nhân {n} "
    "tuổi bị tai nạn giao thông; sức khỏe bệnh nhân hiện đã ổn định.",
    "Các hoạt động văn hóa, thể thao như kéo co, đẩy gậy, đua thuyền được tổ chức sôi nổi, thu "
    "hút hàng nghìn người dân và du khách tham gia.",
    "Đây là dịp để các cấp ủy, chính quyền lắng nghe tâm tư, nguyện vọng của cử tri về {topic} "
    "và những vấn đề dân sinh bức xúc.",
    "UBND tỉnh yêu cầu các địa phương rà soát, đánh giá kết quả thực hiện, kịp thời đề xuất "
    "giải pháp khắc phục những tồn tại, hạn chế.",
    "Dự án có tổng vốn đầu tư hơn {n}{d} tỷ đồng, dự kiến hoàn thành và đưa vào sử dụng trong "
    "quý {q} năm {y1}.",
    "Theo kế hoạch, đến năm 2030 tỉnh phấn đấu có {p}% số xã đạt chuẩn nông thôn mới nâng cao, "
    "thu nhập bình quân đầu người đạt {k} triệu đồng/năm.",
    "Ông {person}, Giám đốc {body}, nhấn mạnh: “Chúng tôi sẽ tiếp tục đồng hành cùng doanh "
    "nghiệp, tạo điều kiện thuận lợi nhất để các dự án sớm đi vào hoạt động.”",
    "Thời gian qua, công tác {topic} trên địa bàn huyện {place} đã có nhiều chuyển biến tích "
    "cực, được người dân đồng tình, ủng hộ.",
    "Tuy nhiên, bên cạnh kết quả đạt được, việc thực hiện {topic} vẫn còn một số khó khăn do "
    "nguồn lực hạn chế, địa bàn rộng, giao thông đi lại khó khăn.",
    "Hội nghị đã biểu dương, khen thưởng {k} tập thể và {n} cá nhân có thành tích xuất sắc "
    "trong phong trào thi đua giai đoạn {y} - 2025.",
    "Sáng {day}/{month}, tại xã {commune}, đoàn công tác của tỉnh do đồng chí {person} làm "
    "trưởng đoàn đã đến thăm, tặng quà các gia đình chính sách.",
    "Mỗi suất quà trị giá {k}00.000 đồng gồm tiền mặt và nhu yếu phẩm; tổng giá trị quà tặng "
    "gần {n}0 triệu đồng.",
    "Được biết, thời gian qua, nắng nóng kéo dài khiến nhiều diện tích {crop} ở các xã vùng "
    "cao bị thiếu nước tưới nghiêm trọng.",
    "Ngành chức năng khuyến cáo người dân chủ động phòng, chống sốt xuất huyết, thường xuyên "
    "diệt lăng quăng, bọ gậy và vệ sinh môi trường xung quanh nhà ở.",
    "Trong đợt cao điểm, Công an huyện {place} đã lập biên bản {k} trường hợp vi phạm nồng độ "
    "cồn, tạm giữ {d}{n} phương tiện các loại.",
    "Việc ứng dụng công nghệ thông tin giúp người dân nộp hồ sơ trực tuyến, rút ngắn thời gian "
    "giải quyết thủ tục hành chính từ {k} ngày xuống còn {d} ngày.",
    "Đến nay, {p}% hồ sơ thủ tục hành chính của tỉnh được tiếp nhận và giải quyết trực tuyến "
    "toàn trình, vượt chỉ tiêu Chính phủ giao.",
    "Thời gian tới, huyện {place} sẽ tiếp tục đẩy mạnh tuyên truyền, nâng cao nhận thức của "
    "người dân về {topic}.",
    "Tổng kinh phí thực hiện chương trình là {n}{k} tỷ đồng, trong đó ngân sách Trung ương hỗ "
    "trợ {p}%, phần còn lại do ngân sách địa phương và xã hội hóa.",
    "Ghi nhận của phóng viên tại công trường, hàng chục máy móc, thiết bị và hơn {k} công nhân "
    "đang tập trung thi công cả ngày lẫn đêm để kịp tiến độ.",
    "Nhân dịp này, {body} đã trao {k} suất học bổng cho học sinh có hoàn cảnh khó khăn, vượt "
    "khó học giỏi trên địa bàn huyện {place}.",
    "Sau hơn {d} năm triển khai, mô hình đã giúp {k} hộ nông dân tăng thu nhập từ {n} đến {k2} "
    "triệu đồng mỗi năm so với cách làm truyền thống.",
    "Người dân cần chủ động theo dõi thông tin dự báo thời tiết, không ra khơi khi có gió mạnh, "
    "sóng lớn để bảo đảm an toàn tính mạng và tài sản.",
    "Các đại biểu cũng thảo luận, làm rõ nguyên nhân chậm tiến độ và thống nhất nhiều giải pháp "
    "trọng tâm trong thời gian tới.",
    "Cũng trong tháng {month}, Trung tâm Y tế huyện {place} đã khám, cấp thuốc miễn phí cho "
    "hơn {k}0 người cao tuổi và trẻ em.",
    "Lãnh đạo địa phương cho biết, khó khăn lớn nhất hiện nay là thiếu quỹ đất tái định cư và "
    "một số hộ dân chưa đồng thuận với phương án bồi thường.",
]
HEADLINES = [
    "{place}: Đẩy mạnh {topic} gắn với phát triển kinh tế - xã hội năm {y}",
    "Nông dân xã {commune} vào vụ {crop} trái vụ, kỳ vọng giá cao",
    "{body} triển khai nhiệm vụ {topic} {n} tháng cuối năm {y}",
    "Đồng chí {person} kiểm tra tiến độ các công trình trọng điểm tại {place}",
    "Xã {commune} về đích nông thôn mới sau {d} năm nỗ lực",
    "Huyện {place} tháo gỡ vướng mắc trong công tác {topic}",
    "Phát hiện {k} vụ vi phạm về {topic} tại {place} trong tháng {month}",
    "Giá {crop} tăng mạnh, người trồng ở {commune} phấn khởi",
    "{place} khánh thành trường học mới cho hơn {k}0 học sinh vùng khó",
    "Tiếp xúc cử tri xã {commune}: Nhiều kiến nghị về {topic}",
]
SUBHEADS = ["Chuyển biến từ {topic} ở {commune}", "Còn {d} khó khăn cần tháo gỡ tại {place}",
            "Kỳ vọng năm {y1} với {k} dự án mới", "Bài học từ mô hình {crop} ở {commune}"]
CAPTIONS = ["Lãnh đạo huyện {place} kiểm tra thực tế tại xã {commune}.",
            "Nông dân xã {commune} chăm sóc vườn {crop}. Ảnh: {author}",
            "Quang cảnh buổi làm việc về {topic} sáng {day}/{month}.",
            "Người dân {commune} làm thủ tục tại bộ phận một cửa. Ảnh: {author}"]
AUTHORS = ["Ngọc Lan", "Minh Anh", "Thanh Hòa", "Đức Trung", "Hoài Thương", "Quang Huy",
           "Bảo Trâm", "Văn Tiến", "Phương Thảo", "Hữu Phước", "Kim Ngân", "Trọng Nghĩa"]
FOLLOW_LINE = f"Theo dõi {SITE_NAME} trên Google News và Zalo để cập nhật tin tức mới nhất."

_CSS = ("/* theme */\n" + "".join(
    f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}px;color:#{i * 2713 % 0xFFFFFF:06x};"
    f"font:{12 + i % 6}px/1.5 Arial,sans-serif}}\n" for i in range(260)))
_JS = ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}\n" + "".join(
    f"var w{i}=document.querySelectorAll('.c{i}');for(var j=0;j<w{i}.length;j++)"
    f"{{w{i}[j].setAttribute('data-k','{i}')}}\n" for i in range(160)))


def ascii_slug(text: str) -> str:
    """'Xã Phước Thể về đích' -> 'xa-phuoc-the-ve-dich' (as Vietnamese CMSs build URLs)."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if c.isascii())
    words = "".join(c.lower() if c.isalnum() else " " for c in plain).split()
    return "-".join(words[:12])


class Web:
    """The pages of one generated site: `page(path, query)` -> (status, content type, bytes)."""

    def __init__(self, n: int, seed: int = 15):
        self.n, self.seed = n, seed
        self.base_url = ""            # set by the server: sitemaps need absolute URLs

    # -- articles ------------------------------------------------------------------------
    def ids(self) -> range:
        return range(FIRST_ID, FIRST_ID + self.n)

    def section_of(self, article_id: int) -> str:
        return list(SECTIONS)[article_id % len(SECTIONS)]

    def _rng(self, article_id: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + article_id)

    def _slots(self, rng: random.Random) -> dict:
        y = rng.randint(2019, 2025)
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        return dict(place=rng.choice(PLACES), commune=rng.choice(COMMUNES), crop=rng.choice(CROPS),
                    body=rng.choice(BODIES), topic=rng.choice(TOPICS), person=person,
                    author=rng.choice(AUTHORS), y=y, y1=y + 1, n=rng.randint(2, 98),
                    k=rng.randint(11, 480), k2=rng.randint(481, 990), d=rng.randint(1, 9),
                    p=rng.randint(12, 97), q=rng.randint(1, 4), day=rng.randint(1, 28),
                    month=rng.randint(1, 12))

    def _fill(self, template: str, rng: random.Random) -> str:
        return template.format(**self._slots(rng))

    def title(self, article_id: int) -> str:
        rng = self._rng(article_id)
        return self._fill(rng.choice(HEADLINES), rng)

    def url(self, article_id: int) -> str:
        return f"/{self.section_of(article_id)}/{ascii_slug(self.title(article_id))}-{article_id}.html"

    def article(self, article_id: int) -> dict:
        """Title, lead, body blocks (('p'|'h2'|'fig'|'related', text)), author, date: the
        printed article, from which the page is built and the bound's text is taken."""
        rng = self._rng(article_id)
        title = self._fill(rng.choice(HEADLINES), rng)
        lead = " ".join(self._fill(rng.choice(SENTENCES), rng) for _ in range(2))
        blocks = []
        for i in range(rng.randint(6, 12)):
            sentences = [self._fill(rng.choice(SENTENCES), rng) for _ in range(rng.randint(2, 4))]
            blocks.append(("p", " ".join(sentences)))
            if i in (2, 7) and rng.random() < 0.7:
                blocks.append(("fig", self._fill(rng.choice(CAPTIONS), rng)))
            if i == 3:
                blocks.append(("related", ""))
            if i == 5 and rng.random() < 0.5:
                blocks.append(("h2", self._fill(rng.choice(SUBHEADS), rng)))
        if rng.random() < 0.15:           # a sign-off some editors paste into the body
            blocks.append(("p", FOLLOW_LINE))
        day = 1 + article_id % 28
        return dict(id=article_id, title=title, lead=lead, blocks=blocks,
                    author=rng.choice(AUTHORS), published=f"2025-{1 + article_id % 12:02d}-"
                    f"{day:02d}T{7 + article_id % 12:02d}:{article_id % 60:02d}:00+07:00")

    def text(self, article_id: int) -> str:
        """The article's text as a perfect extractor gives it: lead, then paragraphs and
        subheadings, one per line (what the tokeniser bound tokenises)."""
        a = self.article(article_id)
        lines = [a["lead"]] + [t for kind, t in a["blocks"] if kind in ("p", "h2")]
        return "\n".join(lines)

    # -- pages ---------------------------------------------------------------------------
    def page(self, path: str, query: str = "") -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /tim-kiem/\nSitemap: {self.base_url}/sitemap.xml\n"
            return 200, "text/plain; charset=utf-8", body.encode()
        if path == "/sitemap.xml":
            return 200, "application/xml", self.sitemap_index().encode()
        if path.startswith("/sitemap-") and path.endswith(".xml"):
            part = path[len("/sitemap-"):-len(".xml")]
            if part.isdigit() and int(part) < self.sitemap_count():
                return 200, "application/xml", self.sitemap(int(part)).encode()
        page_no = int((parse_qs(query).get("page") or ["1"])[0] or 1)
        if path == "/":
            return 200, "text/html; charset=utf-8", self.listing(None, page_no).encode()
        section = path.strip("/")
        if section in SECTIONS:
            return 200, "text/html; charset=utf-8", self.listing(section, page_no).encode()
        article_id = self._id_of(path)
        if article_id is not None and self.url(article_id) == path:
            return 200, "text/html; charset=utf-8", self.article_page(article_id).encode()
        return 404, "text/html; charset=utf-8", "<html><body><h1>404</h1></body></html>".encode()

    def _id_of(self, path: str) -> int | None:
        tail = path.rsplit("-", 1)[-1].removesuffix(".html")
        if tail.isdigit() and FIRST_ID <= int(tail) < FIRST_ID + self.n:
            return int(tail)
        return None

    def sitemap_count(self) -> int:
        return (self.n + PER_SITEMAP - 1) // PER_SITEMAP

    def sitemap_index(self) -> str:
        items = "".join(f"<sitemap><loc>{self.base_url}/sitemap-{i}.xml</loc></sitemap>"
                        for i in range(self.sitemap_count()))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>')

    def sitemap(self, part: int) -> str:
        ids = self.ids()[part * PER_SITEMAP:(part + 1) * PER_SITEMAP]
        items = "".join(f"<url><loc>{self.base_url}{self.url(i)}</loc>"
                        f"<lastmod>{self.article(i)['published']}</lastmod></url>" for i in ids)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>')

    def _newest(self, section: str | None) -> list[int]:
        ids = reversed(self.ids())
        return [i for i in ids if section is None or self.section_of(i) == section]

    def listing(self, section: str | None, page_no: int) -> str:
        ids = self._newest(section)
        pages = max(1, (len(ids) + PER_LISTING - 1) // PER_LISTING)
        chunk = ids[(page_no - 1) * PER_LISTING:page_no * PER_LISTING]
        items = "".join(
            f'<article class="story"><h3 class="story__title"><a href="{self.url(i)}">'
            f"{html.escape(self.title(i))}</a></h3><p class=\"story__summary\">"
            f"{html.escape(self.article(i)['lead'][:160])}...</p></article>" for i in chunk)
        here = f"/{section}/" if section else "/"
        pager = "".join(f'<a href="{here}?page={k}">{k}</a>'
                        for k in range(1, min(pages, page_no + 3) + 1))
        name = SECTIONS.get(section or "", "Trang chủ")
        main = (f'<div class="list-news"><h1 class="cat-title">{name}</h1>{items}'
                f'<div class="pagination">{pager}</div></div>')
        return self._frame(f"{name} - {SITE_NAME}", main, "", section)

    def article_page(self, article_id: int) -> str:
        a = self.article(article_id)
        rng = random.Random(article_id * 7 + 1)
        section = self.section_of(article_id)
        body = "".join(self._block(kind, text, rng, article_id) for kind, text in a["blocks"])
        tags = "".join(f'<a href="/tu-khoa/{ascii_slug(t)}.html">{html.escape(t)}</a>'
                       for t in rng.sample(TOPICS, 3))
        main = (
            f'<div class="breadcrumbs"><a href="/">Trang chủ</a> / '
            f'<a href="/{section}/">{SECTIONS[section]}</a></div>'
            f'<article class="detail"><h1 class="detail__title">{html.escape(a["title"])}</h1>'
            f'<div class="detail__meta"><span class="date">{_printed(a["published"])}</span>'
            f'<div class="share"><a href="#">Chia sẻ</a> <a href="#">In bài</a></div></div>'
            f'<div class="detail__sapo"><p>{html.escape(a["lead"])}</p></div>'
            f'<div class="detail__content">{body}'
            f'<p class="author" style="text-align:right"><strong>{a["author"]}</strong></p></div>'
            f'<div class="detail__tags"><span>Từ khóa:</span> {tags}</div>'
            f'{self._comments()}'
            f'<div class="other-news"><h3>Các tin khác</h3><ul>{self._links(rng, 8)}</ul></div>'
            f"</article>")
        head = self._article_head(a, section)
        return self._frame(f"{a['title']} - {SITE_NAME}", main, head, section, rng)

    def _block(self, kind: str, text: str, rng: random.Random, article_id: int) -> str:
        if kind == "p":
            return f"<p>{html.escape(text)}</p>"
        if kind == "h2":
            return f"<h2>{html.escape(text)}</h2>"
        if kind == "related":
            return (f'<div class="related-news"><h4>Tin liên quan</h4>'
                    f"<ul>{self._links(rng, 3)}</ul></div>")
        img = f'<img src="/uploads/2025/{article_id}-{rng.randint(1, 9)}.jpg" alt="">'
        if rng.random() < 0.3:       # the older CMS layout: a 2-row image table
            return (f'<table class="image center"><tbody><tr><td>{img}</td></tr><tr>'
                    f'<td class="image_desc">{html.escape(text)}</td></tr></tbody></table>')
        return f"<figure class=\"image\">{img}<figcaption>{html.escape(text)}</figcaption></figure>"

    def _links(self, rng: random.Random, k: int) -> str:
        ids = [FIRST_ID + rng.randrange(self.n) for _ in range(k)]
        return "".join(f'<li><a href="{self.url(i)}">{html.escape(self.title(i))}</a></li>'
                       for i in ids)

    def _article_head(self, a: dict, section: str) -> str:
        url = f"{self.base_url}{self.url(a['id'])}"
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
              "datePublished": a["published"], "articleSection": SECTIONS[section],
              "author": {"@type": "Person", "name": a["author"]},
              "publisher": {"@type": "Organization", "name": SITE_NAME}}
        return (f'<link rel="canonical" href="{url}">'
                f'<meta name="description" content="{html.escape(a["lead"][:200])}">'
                f'<meta property="og:title" content="{html.escape(a["title"])}">'
                f'<meta property="og:site_name" content="{SITE_NAME}">'
                f'<meta property="article:published_time" content="{a["published"]}">'
                f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')

    def _comments(self) -> str:
        return ('<div class="comments"><h3>Phản hồi</h3><form action="/binh-luan" method="post">'
                '<textarea name="noi_dung" placeholder="Ý kiến của bạn"></textarea>'
                '<input name="ho_ten" placeholder="Họ và tên"><button>Gửi</button></form></div>')

    def _frame(self, title: str, main: str, head: str, section: str | None,
               rng: random.Random | None = None) -> str:
        rng = rng or random.Random(zlib.crc32(title.encode()))
        menu = "".join(f'<li><a href="/{s}/">{name}</a><ul class="submenu">'
                       + "".join(f'<li><a href="/{s}/?page={k}">{name} {k}</a></li>' for k in (2, 3))
                       + "</ul></li>" for s, name in SECTIONS.items())
        most_read = self._links(rng, 10)
        links = "".join(f"<option>Báo {p}</option>" for p in PLACES[:12])
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title>{head}<style>{_CSS}</style>"
            f"<script>{_JS}</script></head><body>"
            f'<header class="header"><div class="logo"><a href="/">{SITE_NAME}</a></div>'
            f'<nav class="menu"><ul><li><a href="/">Trang chủ</a></li>{menu}</ul></nav>'
            f'<div class="hotline">Đường dây nóng: 0252 3822 {rng.randint(100, 999)}</div></header>'
            f'<div class="container"><div class="main">{main}</div>'
            f'<aside class="sidebar"><div class="most-read"><h3>Đọc nhiều</h3><ul>{most_read}'
            "</ul></div><div class=\"banner\"><img src=\"/ads/banner.jpg\" alt=\"\"></div></aside>"
            "</div>"
            '<footer class="footer"><div class="links"><h3>Liên kết website</h3>'
            f"<select>{links}</select></div>"
            f"<p>{SITE_NAME} - Cơ quan của Tỉnh ủy {PROVINCE}. Tổng Biên tập: {rng.choice(SURNAMES)} "
            "Văn Minh.</p><p>Địa chỉ: 58 Nguyễn Tất Thành, TP Phan Thiết. Điện thoại: 0252 3822 "
            "117.</p><p>© Bản quyền thuộc về Báo. Ghi rõ nguồn khi phát hành lại thông tin từ "
            "website này.</p></footer>"
            f"<script>{_JS[:2000]}</script></body></html>")


def _printed(iso: str) -> str:
    """'2025-03-04T07:05:00+07:00' -> '04/03/2025 07:05', as the page prints it."""
    date, time = iso[:10], iso[11:16]
    y, m, d = date.split("-")
    return f"{d}/{m}/{y} {time}"


# -- the server ------------------------------------------------------------------------------
class WebServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, web: Web, prerender: bool = False):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.web = web
        self.base_url = web.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.requests = 0
        self.rendered: dict[tuple[str, str], tuple[int, str, bytes]] = {}
        if prerender:
            # A benchmark's crawls share the host's cores with this server: rendering every
            # article before they start (and each listing once) keeps the server's CPU, a
            # remote site's on a real crawl, from slowing the crawl being measured.
            for article_id in web.ids():
                path = web.url(article_id)
                self.rendered[(path, "")] = web.page(path)

    def page(self, path: str, query: str) -> tuple[int, str, bytes]:
        found = self.rendered.get((path, query))
        if found is None:
            found = self.web.page(path, query)
            if self.rendered:                  # prerendered: listings and sitemaps too
                self.rendered[(path, query)] = found
        return found


class _Handler(BaseHTTPRequestHandler):
    server: WebServer
    protocol_version = "HTTP/1.1"      # keep-alive, as real servers

    def log_message(self, format, *args):  # noqa: A002 - no line per request
        pass

    def do_GET(self):
        self.server.requests += 1
        url = urlsplit(self.path)
        status, ctype, body = self.server.page(url.path, url.query)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(n: int, seed: int = 15, prerender: bool = False) -> Iterator[WebServer]:
    """The generated web of n articles on a fresh 127.0.0.1 port, for the block's duration;
    `prerender`: every page rendered once and served from memory (~55 KB an article)."""
    server = WebServer(Web(n, seed), prerender)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    with serve(args.n, args.seed) as server:
        print(server.base_url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
