import { describe, expect, it } from 'vitest';
import { formatDeadline, fromLocalInput, toLocalInput } from './format';

describe('times in a datetime-local field', () => {
  it('are read on the Dutch clock, winter and summer', () => {
    expect(fromLocalInput('2026-03-10T14:00')).toBe('2026-03-10T14:00:00+01:00');
    expect(fromLocalInput('2026-07-01T09:30')).toBe('2026-07-01T09:30:00+02:00');
    expect(fromLocalInput('')).toBe('');
  });

  it('are shown on the Dutch clock', () => {
    expect(toLocalInput('2026-03-10T13:00:00Z')).toBe('2026-03-10T14:00');
    expect(toLocalInput('2026-07-01T09:30:00+02:00')).toBe('2026-07-01T09:30');
    expect(toLocalInput(null)).toBe('');
  });
});

describe('a deadline', () => {
  it('at midnight on the Dutch clock is shown as the end of the day before', () => {
    expect(formatDeadline('2026-12-03T00:00:00+01:00')).toBe('woensdag 2 december 2026 om 23:59');
  });
  it('at another time is shown as it is', () => {
    expect(formatDeadline('2026-12-03T14:30:00+01:00')).toBe('donderdag 3 december 2026 om 14:30');
  });
});
