"""Text cleaning steps: each module is a pure function plus a thin Scrapy pipeline class."""
