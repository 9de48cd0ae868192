import pytest
from publications.text import MAX_QUERY_TERMS, MAX_TERMS, STOP_WORDS, query_terms, stem, terms, words

pytestmark = pytest.mark.unit


def finds(query: str, *texts: str) -> bool:
    """Whether a search for ``query`` matches a publication made of ``texts``."""
    return set(query_terms(query)) <= set(terms(*texts))


def test_a_search_for_the_singular_finds_the_plural():
    assert stem("bewoner") in terms("Wat bewoners zelf doen")
    assert finds("bewoner", "Wat bewoners zelf doen")
    assert finds("buurthuizen", "Het buurthuis aan de Zamenhofdreef")


@pytest.mark.parametrize("written", ["De Wijkagenda's van Rotterdam", "De wijkagenda’s van Rotterdam"])
def test_apostrophe_plurals_meet_the_bare_word(written):
    assert finds("wijkagenda", written)
    assert finds("wijkagenda's", written)
    assert "wijkagenda" in words(written)


def test_apostrophe_endings_are_removed_not_indexed_as_words():
    assert words("auto's, cd'tjes en AOW'ers") == ["auto", "cd", "aow"]
    assert terms("agenda's") == terms("agenda")
    assert not finds("tjes", "twee cd'tjes")


def test_elided_articles_are_stop_words():
    assert words("'t Hart van 's-Hertogenbosch, zo'n buurt") == ["hart", "hertogenbosch", "buurt"]


def test_case_does_not_matter():
    assert terms("BEWONERS") == terms("bewoners")
    assert finds("Bewoners", "BEWONERS AAN HET WOORD")


def test_accents_do_not_matter():
    assert words("Ideeën") == words("ideeen") == ["ideeen"]
    assert finds("ideeen", "Nieuwe ideeën voor de wijk")
    assert finds("ideeën", "nieuwe ideeen")
    assert words("naïeve café-eigenaar") == ["naieve", "cafe", "eigenaar", "cafeeigenaar"]


def test_compatibility_forms_are_folded():
    # A ligature and full-width letters, as they come out of PDFs and East Asian input methods.
    assert words("ﬁets ＷＩＪＫ") == ["fiets", "wijk"]


def test_a_hyphenated_compound_yields_its_parts_and_the_joined_word():
    assert words("wijk-agenda") == ["wijk", "agenda", "wijkagenda"]
    assert finds("wijkagenda", "De wijk-agenda")
    assert finds("agenda", "De wijk-agenda")


def test_a_hyphenated_query_finds_both_spellings_of_the_compound():
    assert query_terms("wijk-agenda") == [stem("wijkagenda")]
    assert finds("wijk-agenda", "De wijk-agenda")
    assert finds("wijk-agenda", "De wijkagenda")


def test_stop_words_give_no_terms():
    assert terms("de het een van en") == []
    assert query_terms("van de") == []
    assert words("De kracht van de wijk") == ["kracht", "wijk"]


def test_stop_word_list_is_the_accent_free_snowball_list():
    assert {"de", "het", "een", "van", "en", "zijn", "andere"} <= STOP_WORDS
    assert len(STOP_WORDS) == 101
    assert all(word.isascii() and word.islower() for word in STOP_WORDS)


def test_one_character_tokens_are_dropped_but_digits_survive():
    assert words("a b 1 2024 Platform31") == ["2024", "platform31"]
    assert finds("2024", "Jaarverslag 2024")
    assert not finds("2023", "Jaarverslag 2024")


@pytest.mark.parametrize("text", ["", "   \n\t", "...!?—", "- / & ''"])
def test_text_without_words_gives_no_terms(text):
    assert words(text) == []
    assert terms(text) == []
    assert query_terms(text) == []


def test_terms_are_unique_and_in_order_of_first_appearance():
    result = terms("Wijken en buurten", "buurt en wijk, veiligheid", "Buurten")
    assert result == [stem("wijken"), stem("buurten"), stem("veiligheid")]


def test_unrelated_words_do_not_match():
    assert not finds("parkeren", "Bewoners en veiligheid in de wijk")


def test_a_very_long_text_is_capped_at_the_limit():
    text = " ".join(f"woord{i}" for i in range(MAX_TERMS + 500))
    result = terms(text)
    assert len(result) == MAX_TERMS
    assert result[0] == "woord0" and result[-1] == f"woord{MAX_TERMS - 1}"
    assert terms(text, limit=5) == ["woord0", "woord1", "woord2", "woord3", "woord4"]


def test_the_title_survives_the_cap_of_a_long_body():
    body = " ".join(f"woord{i}" for i in range(MAX_TERMS))
    assert finds("wijkagenda", "Wijkagenda", body)


def test_a_long_query_keeps_only_its_first_terms():
    query = " ".join(f"zoek{i}" for i in range(MAX_QUERY_TERMS + 5))
    assert query_terms(query) == [f"zoek{i}" for i in range(MAX_QUERY_TERMS)]
    assert query_terms("buurt buurten Buurt") == [stem("buurt")]
