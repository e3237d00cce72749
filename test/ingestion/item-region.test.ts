import { countryRegion, itemRegion, localeRegion } from '../../src/ingestion/item-region';

describe('the region an item tells for national phone numbers', () => {
  it.each([
    ['DE', 'DE'],
    ['de', 'DE'],
    [' fr ', 'FR'],
    ['DEU', 'DE'],
    ['gbr', 'GB'],
    ['Germany', 'DE'],
    ['Deutschland', 'DE'],
    ['Allemagne', 'DE'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['Österreich', 'AT'],
  ])('reads the country %p as %p', (country, region) => {
    expect(countryRegion(country)).toBe(region);
  });

  it.each(['XX', 'Atlantis', '', '12', 'QQQ'])('tells no region for %p', (country) => {
    expect(countryRegion(country)).toBeNull();
  });

  it.each([
    ['de-DE', 'DE'],
    ['en_GB', 'GB'],
    ['pt-BR', 'BR'],
    ['zh-Hant-TW', 'TW'],
  ])('reads the locale %p as %p', (locale, region) => {
    expect(localeRegion(locale)).toBe(region);
  });

  it.each(['de', 'en', 'es-419', 'not a locale', ''])('a locale without a country, %p, tells none', (locale) => {
    expect(localeRegion(locale)).toBeNull();
  });

  it("prefers the address's country to the locale, and falls back to the locale", () => {
    expect(itemRegion({ country: 'Austria', locale: 'de-DE' })).toBe('AT');
    expect(itemRegion({ country: 'Atlantis', locale: 'de-CH' })).toBe('CH');
    expect(itemRegion({ locale: 'fr-BE' })).toBe('BE');
    expect(itemRegion({})).toBeNull();
  });
});
