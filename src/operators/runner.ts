// The contract every operator runner keeps: read the shared analysed transcript and the operator's
// config, answer a result or no result with a reason. Runners never throw for a bad transcript.
import type { AnalysedTranscript } from './analysed-transcript.js';
import { noResult, type RunOutcome } from './types.js';
import type { OperatorTypeOutputType } from '../catalog/types.js';

export interface Runner {
  /** The runner's name, as catalog bindings and CATALOG_FILE `engine.runner` give it. */
  name: string;
  /** The operator type output_type whose results this runner produces. */
  outputType: OperatorTypeOutputType;
  /** Calls the language model when one is configured: such runs stay on the main thread, where its client is. */
  usesModel?: boolean;
  /** Problems of a config for this runner, [] when it can run with it. */
  checkConfig(config: unknown): string[];
  run(transcript: AnalysedTranscript, config: unknown): RunOutcome | Promise<RunOutcome>;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Memoises per config object: a config is compiled once however many transcripts it runs on. */
export function perConfig<C extends object, T>(build: (config: C) => T): (config: C) => T {
  const cache = new WeakMap<C, T>();
  return (config) => {
    let value = cache.get(config);
    if (value === undefined) {
      value = build(config);
      cache.set(config, value);
    }
    return value;
  };
}

/** A config's compiled form, read once per config object; a string says why it cannot be used. */
export function compiledConfig<T>(read: (config: Record<string, unknown>) => T | string): (config: unknown) => T | string {
  const once = perConfig(read);
  return (config) => (isObject(config) ? once(config) : 'config must be an object');
}

export const unusableConfig = (problem: string): RunOutcome => noResult(`The operator's configuration cannot be used: ${problem}`);
