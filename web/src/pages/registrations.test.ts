import { describe, expect, it } from 'vitest';
import { csvName } from './registrations';

describe("the CSV export's file name", () => {
  it("is the activity's title as a plain slug", () => {
    expect(csvName('Buurtavond Overvecht: samen veilig')).toBe('aanmeldingen-buurtavond-overvecht-samen-veilig.csv');
    expect(csvName('Café “De Ruif” – één avond')).toBe('aanmeldingen-cafe-de-ruif-een-avond.csv');
    expect(csvName('???')).toBe('aanmeldingen-activiteit.csv');
  });
});
