"""BriefCache: entries live ttl seconds, at most max_entries, the oldest dropped first."""

from __future__ import annotations

from schema.subscriptions.brief_cache import BriefCache


def test_an_entry_lives_ttl_seconds():
    cache: BriefCache[str, int] = BriefCache(ttl=2.0, max_entries=10)
    cache.put("a", 1, now=100.0)
    assert (cache.get("a", 101.9), cache.get("a", 102.0), cache.get("b", 100.0)) == (1, None, None)


def test_the_oldest_go_first_and_a_renewed_entry_is_new():
    cache: BriefCache[str, int] = BriefCache(ttl=10.0, max_entries=2)
    cache.put("a", 1, now=1.0)
    cache.put("b", 2, now=2.0)
    cache.put("a", 3, now=3.0)  # renewed: now younger than b
    cache.put("c", 4, now=4.0)
    assert [cache.get(k, 4.0) for k in "abc"] == [3, None, 4]
    assert len(cache) == 2


def test_expired_entries_are_dropped_when_one_is_put():
    cache: BriefCache[str, int] = BriefCache(ttl=1.0, max_entries=10)
    cache.put("a", 1, now=0.0)
    cache.put("b", 2, now=5.0)
    assert len(cache) == 1
