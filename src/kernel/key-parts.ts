/**
 * Keys built from several parts join them with ':'. A part of free text could hold a ':' and make two different
 * keys one (source `s` with id `eu:42`, source `s:eu` with id `42`), so every such part is escaped: '%' as '%25',
 * then ':' as '%3A'. Text without either is left as it is, so most keys read as they always did.
 */
export const keyPart = (text: string): string => text.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));

export const fromKeyPart = (part: string): string => part.replace(/%25|%3A/g, (e) => (e === '%25' ? '%' : ':'));
