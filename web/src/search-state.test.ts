import { describe, expect, it } from 'vitest';
import { activeFilters, apiQuery, firstPage, nextPage, parseSearch, previousPage, searchQuery } from './search-state';

describe('the search in the address bar', () => {
  it('keeps words, repeated filters and the order through a round trip', () => {
    const state = parseSearch('?q=buurt+preventie&topic=veiligheid&topic=buurtagenda&kind=artikel&sort=date');
    expect(state.q).toBe('buurt preventie');
    expect(state.filters.topic).toEqual(['veiligheid', 'buurtagenda']);
    expect(parseSearch(searchQuery(state))).toEqual(state);
  });

  it('pages forward and back with a stack of cursors, to the first page without one', () => {
    const first = parseSearch('?q=wijk');
    const second = nextPage(first, 'AAA');
    const third = nextPage(second, 'BBB');
    expect(searchQuery(third)).toBe('?q=wijk&cursor=BBB&vorige=.AAA');
    const back = previousPage(parseSearch(searchQuery(third)));
    expect(back && searchQuery(back)).toBe('?q=wijk&cursor=AAA&vorige=');
    const home = back && previousPage(parseSearch(searchQuery(back)));
    expect(home && searchQuery(home)).toBe('?q=wijk');
    expect(previousPage(first)).toBeNull();
  });

  it('counts the chosen filter values, not the words or the order', () => {
    expect(activeFilters(parseSearch('?q=wijk&sort=date'))).toBe(0);
    expect(activeFilters(parseSearch('?q=wijk&topic=veiligheid&topic=buurtagenda&kind=artikel'))).toBe(3);
  });

  it('starts a changed search at its first page', () => {
    const paged = parseSearch('?q=wijk&cursor=BBB&vorige=.AAA');
    expect(searchQuery(firstPage(paged, { sort: 'date' }))).toBe('?q=wijk&sort=date');
  });

  it('asks the API with its own parameter names', () => {
    const query = apiQuery(parseSearch('?q=%20wijk%20&focus_area=rotterdam-zuid&cursor=AAA&vorige='));
    expect(query.toString()).toBe('q=wijk&focus_area=rotterdam-zuid&cursor=AAA&limit=10');
  });
});
