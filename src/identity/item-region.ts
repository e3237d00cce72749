import countries from 'i18n-iso-countries';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { isObject, type JsonObject } from '../shared/json-tree';

/**
 * Country names are matched in these languages (the library's own data); the first that knows a name decides. English
 * first: a name two languages give to different countries is read as the English one.
 */
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'nb', 'fi', 'pl', 'cs', 'tr', 'ru', 'ja', 'zh'] as const;
for (const language of LANGUAGES) countries.registerLocale(require(`i18n-iso-countries/langs/${language}.json`));

const supported = (code: string | undefined): CountryCode | null => {
  const upper = code?.toUpperCase();
  return upper && isSupportedCountry(upper) ? upper : null;
};

/** Case and accents do not tell names apart (`osterreich`, `Österreich`). */
const simple = (name: string) => name.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().trim();

/** Every name and alias of every country in LANGUAGES, built once: a lookup is then one map read. */
const BY_NAME: ReadonlyMap<string, CountryCode> = (() => {
  const names = new Map<string, CountryCode>();
  for (const language of LANGUAGES) {
    for (const [code, aliases] of Object.entries(countries.getNames(language, { select: 'all' }))) {
      const region = supported(code);
      if (!region) continue;
      for (const name of aliases) if (!names.has(simple(name))) names.set(simple(name), region);
    }
  }
  return names;
})();

/** An ISO 3166-1 alpha-2 or alpha-3 code, or a country's name in one of LANGUAGES; null when it names no phone region. */
export function countryRegion(country: string): CountryCode | null {
  const text = country.trim();
  // A code first; what is not one may still be a name the library knows (`UK`, `USA`).
  const code = /^[A-Za-z]{2}$/.test(text) ? supported(text) : /^[A-Za-z]{3}$/.test(text) ? supported(countries.alpha3ToAlpha2(text.toUpperCase())) : null;
  return code ?? BY_NAME.get(simple(text)) ?? null;
}

/** The region subtag of a BCP 47 locale (`de-DE`, `en_GB`); a language alone (`de`) tells no region. */
export function localeRegion(locale: string): CountryCode | null {
  try {
    return supported(new Intl.Locale(locale.trim().replace(/_/g, '-')).region);
  } catch {
    return null;
  }
}

/**
 * The region an item itself tells for phone numbers written without a country code: the country of its address
 * (where the person lives says more about their number than the language of their browser), else its locale's region.
 */
export function itemRegion(hints: { country?: string | undefined; locale?: string | undefined }): CountryCode | null {
  return (hints.country !== undefined ? countryRegion(hints.country) : null) ?? (hints.locale !== undefined ? localeRegion(hints.locale) : null);
}

const objectIn = (value: unknown): JsonObject => (isObject(value) ? value : {});
const textIn = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The country of an address in traits or record attributes, nested (`address: {country}`) or flat (`country`). */
export function addressCountry(raw: JsonObject): string | undefined {
  const address = objectIn(raw.address);
  return textIn(('country' in address ? address : raw).country);
}

/**
 * The region an event or a record as it arrived tells (its traits, `context.traits` or attributes, and its
 * `context.locale`), as the normalisers read it: for payloads that were never normalised, such as rejected ones.
 */
export function payloadRegion(raw: unknown): CountryCode | null {
  const payload = objectIn(raw);
  const context = objectIn(payload.context);
  const traits = { ...objectIn(context.traits), ...objectIn(payload.traits) };
  return itemRegion({ country: addressCountry(traits) ?? addressCountry(objectIn(payload.attributes)), locale: textIn(context.locale) });
}
