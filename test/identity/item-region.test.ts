import { countryRegion, itemRegion, localeRegion, payloadRegion } from '../../src/identity/item-region';

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

describe('the region a payload as it arrived tells', () => {
  it('reads events and records like the normalisers do, and tells nothing of other shapes', () => {
    expect(payloadRegion({ type: 'IDENTIFY', traits: { address: { country: 'Deutschland' } }, context: { locale: 'fr-FR' } })).toBe('DE');
    expect(payloadRegion({ type: 'IDENTIFY', context: { locale: 'de-AT', traits: { country: 'CH' } } })).toBe('CH');
    expect(payloadRegion({ type: 'PAGE', context: { locale: 'de-AT' } })).toBe('AT');
    expect(payloadRegion({ source: 'crm', attributes: { country: 'NLD' } })).toBe('NL');
    expect(payloadRegion('a string')).toBeNull();
    expect(payloadRegion([{ traits: { country: 'DE' } }])).toBeNull();
  });
});
