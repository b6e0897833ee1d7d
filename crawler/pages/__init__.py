"""Page extraction: site selectors first, generic extractor as fallback."""
from crawler.pages.extract import NoArticle, extract_article

__all__ = ["NoArticle", "extract_article"]
