import countries from 'i18n-iso-countries';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';

/**
 * Country names are matched in these languages (the library's own data); the first that knows a name decides. English
 * first: a name two languages give to different countries is read as the English one.
 */
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'nb', 'fi', 'pl', 'cs', 'tr', 'ru', 'ja', 'zh'] as const;
for (const language of LANGUAGES) countries.registerLocale(require(`i18n-iso-countries/langs/${language}.json`));

/** Names seen before, by their lower-cased text: a stream repeats a handful of spellings, so lookups stay cheap. */
const byName = new Map<string, CountryCode | null>();
const MAX_NAMES = 2_000;

const supported = (code: string | undefined): CountryCode | null => {
  const upper = code?.toUpperCase();
  return upper && isSupportedCountry(upper) ? upper : null;
};

/** An ISO 3166-1 alpha-2 or alpha-3 code, or a country's name in one of LANGUAGES; null when it names no phone region. */
export function countryRegion(country: string): CountryCode | null {
  const text = country.trim();
  // A code first; what is not one may still be a name the library knows (`UK`, `USA`).
  const code = /^[A-Za-z]{2}$/.test(text) ? supported(text) : /^[A-Za-z]{3}$/.test(text) ? supported(countries.alpha3ToAlpha2(text.toUpperCase())) : null;
  if (code) return code;
  const key = text.toLowerCase();
  if (byName.has(key)) return byName.get(key)!;
  let named: CountryCode | null = null;
  for (const language of LANGUAGES) {
    named = supported(countries.getSimpleAlpha2Code(text, language));
    if (named) break;
  }
  if (byName.size >= MAX_NAMES) byName.clear();
  byName.set(key, named);
  return named;
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
