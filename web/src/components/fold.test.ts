import { describe, expect, it } from 'vitest';
import { filtersSummary } from './fold';

describe('the summary of a fold of filters', () => {
  it('counts the filters in use, and says no number when there are none', () => {
    expect(filtersSummary(0)).toBe('Filters');
    expect(filtersSummary(2)).toBe('Filters (2)');
  });
});
