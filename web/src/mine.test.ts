import { describe, expect, it } from 'vitest';
import { countLine, placesText } from './mine';

describe('my lists', () => {
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
