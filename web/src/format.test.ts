import { describe, expect, it } from 'vitest';
import { formatDeadline } from './format';

describe('a deadline', () => {
  it('at midnight on the Dutch clock is shown as the end of the day before', () => {
    expect(formatDeadline('2026-12-03T00:00:00+01:00')).toBe('woensdag 2 december 2026 om 23:59');
  });
  it('at another time is shown as it is', () => {
    expect(formatDeadline('2026-12-03T14:30:00+01:00')).toBe('donderdag 3 december 2026 om 14:30');
  });
});
