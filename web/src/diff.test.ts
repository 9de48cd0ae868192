import { describe, expect, it } from 'vitest';
import { lineDiff } from './diff';

describe('the line diff of a revision', () => {
  it('keeps common lines and marks removed and added ones', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      { kind: 'same', text: 'a' }, { kind: 'del', text: 'b' }, { kind: 'ins', text: 'x' }, { kind: 'same', text: 'c' },
    ]);
    expect(lineDiff('', 'nieuw')).toEqual([{ kind: 'del', text: '' }, { kind: 'ins', text: 'nieuw' }]);
    expect(lineDiff('zelfde', 'zelfde')).toEqual([{ kind: 'same', text: 'zelfde' }]);
  });

  it('gives up line by line on huge texts', () => {
    expect(lineDiff('a\nb', 'c', 1)).toEqual([{ kind: 'del', text: 'a' }, { kind: 'del', text: 'b' }, { kind: 'ins', text: 'c' }]);
  });
});
