"""The one spider: NewsSpider (`scrapy crawl news -a site=ID`)."""
