"""Reading our counters out of Scrapy's flat stats: "<prefix><name>" -> {name: value}."""

DROP_PREFIX = "item_dropped_reasons_count/"   # Scrapy's own count per DropItem class
REQUEST_DROP_PREFIX = "request_dropped_reasons_count/"   # ours, per typed reason (guards.py)


def stats_under(stats: dict, prefix: str) -> dict[str, int]:
    """{name: value} of the stats whose key is prefix + name, sorted by name."""
    return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}
