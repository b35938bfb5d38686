// GenerativeJSON: the language model answers with a JSON object; response_format asks for the
// operator's json_result_schema and Ajv checks the answer. An invalid answer is retried once, told
// what was wrong; a second invalid answer gives no result, with the reason.
import { Ajv, type ValidateFunction } from 'ajv';
import type { ChatMessage, ChatModel } from '../../engines/llm/chat.js';
import type { AnalysedTranscript } from '../analysed-transcript.js';
import { promptMessages, readExamples } from '../llm-prompt.js';
import { json } from '../results.js';
import { isObject, perConfig, type Runner } from '../runner.js';
import { noResult, type RunOutcome } from '../types.js';
import { NO_LLM_REASON, readPrompt } from './generative.js';

// strict: false — the schema's titles and descriptions are for the model, not for Ajv.
const ajv = new Ajv({ allErrors: false, strict: false, addUsedSchema: false });

const validatorOf = perConfig((schema: object): ValidateFunction | string => {
  try {
    return ajv.compile(schema);
  } catch (error) {
    return `json_result_schema is not a valid JSON Schema (${(error as Error).message})`;
  }
});

function readSchema(config: unknown): Record<string, unknown> | null {
  return isObject(config) && isObject(config.json_result_schema) ? config.json_result_schema : null;
}

/** The object in an answer, also when the model wrapped it in a Markdown code fence. */
function parseAnswer(text: string): unknown {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  try {
    return JSON.parse(fenced === null ? text : fenced[1]!);
  } catch {
    return undefined;
  }
}

function problemOf(value: unknown, validate: ValidateFunction): string | null {
  if (value === undefined) return 'the answer is not JSON';
  if (!isObject(value)) return 'the answer is not a JSON object';
  if (validate(value)) return null;
  const [error] = validate.errors ?? [];
  return `the answer does not follow the schema: ${error?.instancePath || '/'} ${error?.message ?? 'is not valid'}`;
}

export function generativeJsonRunner(llm: ChatModel | null): Runner {
  return {
    name: 'generative-json',
    usesModel: true,
    outputType: 'json',
    checkConfig(config) {
      const problems = readPrompt(config) === null ? ['prompt must be a non-blank string'] : [];
      const schema = readSchema(config);
      if (schema === null) problems.push('json_result_schema must be an object');
      else if (typeof validatorOf(schema) === 'string') problems.push(validatorOf(schema) as string);
      return problems;
    },
    async run(transcript: AnalysedTranscript, config: unknown): Promise<RunOutcome> {
      if (llm === null) return noResult(NO_LLM_REASON);
      const [problem] = this.checkConfig(config);
      if (problem !== undefined) return noResult(`The operator's configuration cannot be used: ${problem}`);
      const schema = readSchema(config)!;
      const validate = validatorOf(schema) as ValidateFunction;
      const rule = `Answer with one JSON object, and nothing else, that follows this JSON Schema:\n${JSON.stringify(schema)}`;
      const messages: ChatMessage[] = promptMessages(
        readPrompt(config)!,
        readExamples((config as Record<string, unknown>).examples),
        transcript,
        rule,
      );
      let lastProblem = '';
      for (let attempt = 1; attempt <= 2; attempt++) {
        const answer = await llm.complete(messages, { jsonSchema: schema });
        if (!answer.ok) return noResult(answer.reason);
        const value = parseAnswer(answer.text);
        const invalid = problemOf(value, validate);
        if (invalid === null) return json(value as Record<string, unknown>);
        lastProblem = invalid;
        messages.push({ role: 'assistant', content: answer.text });
        messages.push({ role: 'user', content: `That answer is not valid: ${invalid}. Answer again with only the JSON object.` });
      }
      return noResult(`The language model gave no valid answer in two attempts (${lastProblem}).`);
    },
  };
}
