import { describe, expect, it } from 'vitest';
import { navSection } from './nav';

describe('the main navigation', () => {
  it('marks the most specific link of a path', () => {
    expect(navSection('/')).toBe('kennisbank');
    expect(navSection('/publicaties/abc')).toBe('kennisbank');
    expect(navSection('/publicaties/abc/bewerken')).toBe('bijdragen');
    expect(navSection('/bijdragen/nieuw')).toBe('bijdragen');
    expect(navSection('/activiteiten/nieuw')).toBe('plannen');
    expect(navSection('/activiteiten/12')).toBe('agenda');
    expect(navSection('/activiteiten/12/bewerken')).toBe('agenda');
    expect(navSection('/vragen')).toBe('vragen');
    expect(navSection('/vragen/nieuw')).toBe('vraagbaak');
    expect(navSection('/vragen/7')).toBe('vraagbaak');
    expect(navSection('/mijn/volgen')).toBe('mijn');
    expect(navSection('/mijn/bijdragen')).toBe('bijdragen');
    expect(navSection('/mijn/bijdragen/')).toBe('bijdragen');
    expect(navSection('/mijn/activiteiten')).toBe('activiteiten');
    expect(navSection('/beheer/partners/3')).toBe('beheer');
    expect(navSection('/redactie/5')).toBe('redactie');
    expect(navSection('/aanmelden/terug')).toBe(null);
  });
});
