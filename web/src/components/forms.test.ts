import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { errorsOf, inDutch } from './forms';

describe("the API's field errors", () => {
  it('are said in Dutch where the message is a common one, and as sent otherwise', () => {
    expect(inDutch('String should have at least 3 characters')).toBe('Gebruik minstens 3 tekens.');
    expect(inDutch('List should have at least 1 item after validation, not 0')).toBe('Kies er minstens één.');
    expect(inDutch('an e-mail address, e.g. naam@example.nl')).toBe('Vul een geldig e-mailadres in, bijvoorbeeld naam@example.nl.');
    expect(inDutch('registration is closed')).toBe('registration is closed');
  });

  it('belong to their field, nested ones included', () => {
    const error = new ApiError({ status: 422, errors: [
      { field: 'location.name', message: 'Field required' }, { field: 'email', message: 'x' },
    ] });
    expect(errorsOf(error, 'location')).toEqual(['Vul dit in.']);
    expect(errorsOf(error, 'name')).toEqual([]);
  });
});

describe('the preferences\' and the replay\'s refusals', () => {
  it('are said in Dutch', () => {
    expect(inDutch('this message is about your own business: immediate or off')).toBe('Dit bericht gaat over uw eigen zaken: kies direct of niet.');
    expect(inDutch('give either event_id, or from and to')).toBe('Kies één gebeurtenis, of een begin en een eind.');
    expect(inDutch('a text of 3 to 1000 characters')).toBe('Gebruik 3 tot 1000 tekens.');
    expect(inDutch('10.20.30.40 resolves to an address that is not public (10.20.30.40)'))
      .toBe('10.20.30.40 leidt naar een adres dat niet openbaar is (10.20.30.40).');
    expect(inDutch('hooks.voorbeeld.invalid does not resolve ([Errno -2] Name or service not known)'))
      .toBe('hooks.voorbeeld.invalid is niet te vinden: controleer de naam.');
    expect(inDutch('https is required (plain http only for WEBHOOK_ALLOWED_NETWORKS)')).toBe('Gebruik https.');
    expect(inDutch('a withdrawn publication cannot be flagged')).toBe('Deze publicatie kan niet (meer) gemeld worden.');
    expect(inDutch('a changes requested publication cannot be submitted')).toBe('Dat kan niet in de fase waarin deze publicatie nu is. Laad de pagina opnieuw.');
    expect(inDutch('the publication changed since version 3 (it is at version 4); reload it and edit again'))
      .toBe('Iemand anders heeft de publicatie intussen gewijzigd (nu versie 4). Laad de pagina opnieuw en breng uw wijziging nog eens aan.');
  });
});

describe('the messages both the organisers\' and the admins\' forms meet', () => {
  it('are said once, the same way', () => {
    expect(inDutch('Input should be greater than or equal to 1')).toBe('Vul een getal van minstens 1 in.');
    expect(inDutch('Input should be less than or equal to 500')).toBe('Vul een getal van hoogstens 500 in.');
    expect(inDutch('Input should be a valid integer, unable to parse string as an integer')).toBe('Vul een heel getal in.');
    expect(inDutch('an ISO 8601 date or date and time, e.g. 2026-03-10')).toBe('Vul een datum en tijd in.');
  });
});
