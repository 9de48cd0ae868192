import { describe, expect, it } from 'vitest';
import { countLine, placesText, publicationHref } from './mine';

describe('my lists', () => {
  it('link an editable publication to its edit page, the others to the publication', () => {
    expect(publicationHref({ id: 'a1', status: 'draft' })).toBe('/publicaties/a1/bewerken');
    expect(publicationHref({ id: 'a1', status: 'changes_requested' })).toBe('/publicaties/a1/bewerken');
    expect(publicationHref({ id: 'a1', status: 'published' })).toBe('/publicaties/a1/bewerken');
    expect(publicationHref({ id: 'a1', status: 'submitted' })).toBe('/publicaties/a1');
    expect(publicationHref({ id: 'a1', status: 'withdrawn' })).toBe('/publicaties/a1');
    expect(publicationHref({ id: 'a1', status: 'rejected' })).toBe('/publicaties/a1');
  });

  it('count places taken and the waitlist', () => {
    expect(placesText({ capacity: 20, registered: 12, waitlisted: 0 })).toBe('12 van 20 plaatsen bezet');
    expect(placesText({ capacity: 2, registered: 2, waitlisted: 1 })).toBe('2 van 2 plaatsen bezet, 1 op de wachtlijst');
    expect(placesText({ capacity: 1, registered: 0, waitlisted: 0 })).toBe('0 van 1 plaats bezet');
    expect(placesText({ capacity: null, registered: 1, waitlisted: 0 })).toBe('1 aanmelding (geen maximum)');
  });

  it('say how many a page shows', () => {
    expect(countLine(0, false, 'bijdrage', 'bijdragen')).toBe('Geen bijdragen.');
    expect(countLine(1, false, 'bijdrage', 'bijdragen')).toBe('1 bijdrage.');
    expect(countLine(20, true, 'activiteit', 'activiteiten')).toBe('20 activiteiten op deze pagina; er zijn er meer.');
  });
});
