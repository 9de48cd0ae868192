"""The search index's pure parts: which keys a publication has, where each bitmap is stored, and
how a search pages, ranks and counts over bitmaps."""
import pytest
from publications import index, search
from publications.index import Snapshot
from pyroaring import BitMap

pytestmark = pytest.mark.unit


def test_a_publication_is_indexed_under_its_terms_title_terms_and_field_values():
    doc = {"terms": ["bewoner", "wijk"], "title_terms": ["wijk"], "status": "published", "hidden": False,
           "topics": ["veiligheid", "jeugd"], "kind": "artikel", "audiences": [], "organisation": None}
    assert index.keys_of(doc) == {
        "term:bewoner", "term:wijk", "title:wijk", "field:status=published", "field:topics=veiligheid",
        "field:topics=jeugd", "field:kind=artikel"}
    assert "field:hidden=yes" in index.keys_of({**doc, "hidden": True})


def test_a_terms_bitmaps_share_a_document_and_each_field_has_one():
    assert index._storage("term:wijk") == ("term:wijk", "all")
    assert index._storage("title:wijk") == ("term:wijk", "title")
    assert index._storage("field:topics=rol-van-bewoners") == ("field:topics", "rol-van-bewoners")
    for key in ("term:a=b", "title:x:y", "field:kind=artikel"):   # terms may hold any character
        assert index._key(*index._storage(key)) == key


def test_a_bitmap_change_adds_and_drops_numbers_and_an_empty_one_is_none():
    stored = index._changed(None, {1, 5}, set())
    assert BitMap.deserialize(stored) == BitMap([1, 5])
    assert BitMap.deserialize(index._changed(stored, {7}, {1})) == BitMap([5, 7])
    assert index._changed(stored, set(), {1, 5}) is None


def test_pages_run_down_each_tier_from_the_cursor_newest_first():
    tiers = [BitMap([5, 9]), BitMap([1, 3, 7])]
    assert list(search._ranked(tiers, None)) == [(0, 9), (0, 5), (1, 7), (1, 3), (1, 1)]
    assert list(search._ranked(tiers, {"tier": 0, "n": 5})) == [(1, 7), (1, 3), (1, 1)]
    assert list(search._ranked(tiers, {"tier": 1, "n": 7})) == [(1, 3), (1, 1)]
    # a position whose publication left the tier still pages on below it
    assert list(search._ranked(tiers, {"tier": 1, "n": 4})) == [(1, 3), (1, 1)]


def test_long_tiers_are_read_in_slices_without_losing_or_repeating_a_number():
    tier = BitMap(range(1, 1000, 3))
    assert [n for _, n in search._ranked([tier], None)] == sorted(tier, reverse=True)


def test_facets_count_hits_per_value_most_first_and_leave_out_zeros():
    hits = BitMap([1, 2, 3])
    values = {"jeugd": BitMap([3, 8]), "veiligheid": BitMap([1, 2, 9]), "wonen": BitMap([4]), "armoede": BitMap([2])}
    assert search._counted(hits, values) == {"veiligheid": 2, "armoede": 1, "jeugd": 1}


def test_related_publications_rank_by_shared_terms_with_title_terms_triple():
    snapshot = Snapshot(None, 0, {
        "term:wijk": BitMap([1, 2, 3]), "term:veilig": BitMap([2, 3]), "title:veilig": BitMap([1])})
    hits = BitMap([1, 2, 3])
    # 1: wijk + veilig in its title (4); 2 and 3: both terms (2), newest first
    assert search._related(snapshot, hits, ["wijk", "veilig"], limit=3) == [1, 3, 2]


def test_visibility_without_status_is_published_and_for_readers_not_hidden():
    snapshot = Snapshot(None, 0, {"field:status=published": BitMap([1, 2, 3]), "field:status=draft": BitMap([4]),
                                  "field:hidden=yes": BitMap([2])})
    assert search._visible(snapshot, [], editor=False) == BitMap([1, 3])
    assert search._visible(snapshot, [], editor=True) == BitMap([1, 2, 3])
    assert search._visible(snapshot, ["draft", "published"], editor=True) == BitMap([1, 2, 3, 4])
