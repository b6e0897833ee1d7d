"""The provincial papers after the merger of provinces (63 -> 34, in force 1 July 2025): one
entry per pre-merger paper, an active paper for every current province, merged papers
pointing at a live successor, no id or domain twice."""
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.sites.registry import SITES_DIR, load_registry, load_site_file

# Current province <- provinces merged into it (Resolution 202/2025/QH15 of 12 June 2025).
MERGED_INTO = {
    "Hà Nội": [], "Huế": [], "Lai Châu": [], "Điện Biên": [], "Sơn La": [],
    "Lạng Sơn": [], "Quảng Ninh": [], "Thanh Hóa": [], "Nghệ An": [], "Hà Tĩnh": [],
    "Cao Bằng": [],
    "Tuyên Quang": ["Hà Giang"], "Lào Cai": ["Yên Bái"], "Thái Nguyên": ["Bắc Kạn"],
    "Phú Thọ": ["Vĩnh Phúc", "Hòa Bình"], "Bắc Ninh": ["Bắc Giang"],
    "Hưng Yên": ["Thái Bình"], "Hải Phòng": ["Hải Dương"],
    "Ninh Bình": ["Hà Nam", "Nam Định"], "Quảng Trị": ["Quảng Bình"],
    "Đà Nẵng": ["Quảng Nam"], "Quảng Ngãi": ["Kon Tum"], "Gia Lai": ["Bình Định"],
    "Khánh Hòa": ["Ninh Thuận"], "Lâm Đồng": ["Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Phú Yên"], "TP Hồ Chí Minh": ["Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Bình Phước"], "Tây Ninh": ["Long An"],
    "Cần Thơ": ["Sóc Trăng", "Hậu Giang"], "Vĩnh Long": ["Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Tiền Giang"], "Cà Mau": ["Bạc Liêu"], "An Giang": ["Kiên Giang"],
}
# Huế was Thừa Thiên Huế province until it became a centrally governed city (1 January 2025).
RENAMED = {"Huế": "Thừa Thiên Huế"}
REGIONS = {"Trung du và miền núi phía Bắc", "Đồng bằng sông Hồng",
           "Bắc Trung Bộ và Duyên hải miền Trung", "Tây Nguyên", "Đông Nam Bộ",
           "Đồng bằng sông Cửu Long"}
SITES = load_registry()
PROVINCIAL = [s for s in SITES.values() if s.province_before_2025 and s.status != "demo"]


def test_the_merger_table_itself():
    assert len(MERGED_INTO) == 34
    assert len(MERGED_INTO) + sum(map(len, MERGED_INTO.values())) == 63


@pytest.mark.parametrize("path", sorted(SITES_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_site_file_loads(path: Path):
    site = load_site_file(path)
    assert site.id == path.stem and site.name and site.domains


def test_one_entry_per_pre_merger_paper():
    before = sorted(s.province_before_2025 for s in PROVINCIAL)
    survivors = [RENAMED.get(p, p) for p in MERGED_INTO]
    expected = sorted(survivors + sum(MERGED_INTO.values(), []))
    assert before == expected


@pytest.mark.parametrize("province", sorted(MERGED_INTO))
def test_every_current_province_has_one_active_paper(province):
    active = [s.id for s in PROVINCIAL if s.province == province and s.status == "active"]
    assert len(active) == 1, (province, active)
    site = SITES[active[0]]
    assert site.province_before_2025 == RENAMED.get(province, province)
    assert not site.successor


@pytest.mark.parametrize("site", [s for s in PROVINCIAL if s.status != "active"],
                         ids=lambda s: s.id)
def test_merged_papers_point_to_a_live_successor(site):
    assert site.status == "merged", "archive-only papers need a reason in their file"
    successor = SITES.get(site.successor)
    assert successor is not None, f"{site.id}: successor {site.successor!r} is not registered"
    assert successor.status == "active" and successor.province == site.province
    assert site.province_before_2025 in MERGED_INTO[site.province]
    assert site.region == successor.region      # the region of the province now


def test_domains_are_unique_across_entries():
    owner = {}
    for site in SITES.values():
        for domain in site.domains:
            key = domain.lower().removeprefix("www.")
            assert key not in owner, f"{domain} is in {owner.get(key)} and {site.id}"
            owner[key] = site.id


def test_ids_are_unique_and_the_file_names():
    ids = [load_site_file(p).id for p in SITES_DIR.glob("*.toml")]
    assert len(ids) == len(set(ids)) == len(SITES)


@pytest.mark.parametrize("site", PROVINCIAL, ids=lambda s: s.id)
def test_provincial_entries_are_complete(site):
    assert site.region in REGIONS
    assert site.start_urls and all(site.owns(u) for u in site.start_urls)
    assert all(urlsplit(u).scheme == "https" for u in site.start_urls)
    if site.verified == "generic":     # rules nobody checked against a page: none at all
        assert not site.selectors and not site.urls.article
