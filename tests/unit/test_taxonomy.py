import pytest
from wijkwijzer import taxonomy

pytestmark = pytest.mark.unit


def test_reference_data_has_every_vocabulary_of_the_product():
    tax = taxonomy.load()
    assert tax.version >= 1
    assert len(tax.topics) == 17
    assert len(tax.focus_areas) == 20
    assert tax.slugs("organisations") == (
        "platform31", "verwey-jonker", "movisie", "ccv", "lpb", "lsa", "bzk"
    )
    assert tax.slugs("audiences") == ("bewoners", "professionals", "gemeenten", "beleidsmakers")
    assert "vraag-en-antwoord" in tax.publication_kinds
    assert "intervisie" in tax.activity_kinds


@pytest.mark.parametrize("vocabulary", ["topics", "focus_areas", "organisations"])
def test_slugs_are_unique(vocabulary):
    slugs = taxonomy.load().slugs(vocabulary)
    assert len(slugs) == len(set(slugs))


def test_every_focus_area_names_its_municipality():
    assert all(fa.municipality for fa in taxonomy.load().focus_areas)


def test_known_slugs_pass_unchanged():
    assert taxonomy.check("topics", ["abcd", "jeugd"]) == ["abcd", "jeugd"]


def test_unknown_slug_names_the_valid_ones():
    with pytest.raises(taxonomy.UnknownSlug) as err:
        taxonomy.check("topics", ["jeugd", "voetbal"])
    assert err.value.unknown == ["voetbal"]
    assert "buurtagenda" in err.value.valid
    assert "voetbal" in str(err.value)
