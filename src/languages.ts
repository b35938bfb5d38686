// Transcription languages and the rule for "does this operator support that language". The web
// console bundles this file too (console/services.tsx), so it imports nothing.

export const TRANSCRIPTION_LANGUAGES = [
  'da-DK',
  'nl-NL',
  'en-AU',
  'en-GB',
  'en-US',
  'fr-FR',
  'de-DE',
  'it-IT',
  'no-NO',
  'pl-PL',
  'pt-BR',
  'pt-PT',
  'es-MX',
  'es-ES',
  'es-US',
  'sv-SE',
] as const;

const transcriptionLanguages = new Set<string>(TRANSCRIPTION_LANGUAGES);

export function isTranscriptionLanguage(code: string): boolean {
  return transcriptionLanguages.has(code);
}

const baseLanguage = (code: string) => {
  const dash = code.indexOf('-');
  return dash === -1 ? code : code.slice(0, dash);
};

/**
 * A supported entry covers a code when it names it exactly or names its base language
 * (`en` covers `en-US`). A bare code asked for (`en`) is covered by any of its regional codes too.
 */
export function languageSupported(supported: readonly string[], code: string): boolean {
  const wanted = code.toLowerCase();
  const wantedBase = baseLanguage(wanted);
  const wantedIsBare = wantedBase === wanted;
  for (const entry of supported) {
    const candidate = entry.toLowerCase();
    if (candidate === wanted || candidate === wantedBase) return true;
    if (wantedIsBare && baseLanguage(candidate) === wanted) return true;
  }
  return false;
}
