// Language identification with eld's medium n-gram database (in the npm package). Loaded on first
// use: it takes about a second and 2 MB, and most servers never run Non English Call.
export interface LanguageGuess {
  /** ISO 639-1 code, '' when nothing was recognised. */
  language: string;
  reliable: boolean;
}

type Detector = { detect(text: string): { language: string; isReliable(): boolean } };
let detector: Promise<Detector> | undefined;

export async function identifyLanguage(text: string): Promise<LanguageGuess> {
  detector ??= import('eld/medium').then((module) => module.eld as Detector);
  const result = (await detector).detect(text);
  return { language: result.language, reliable: result.isReliable() };
}
