import type * as z from 'zod';
import { DomainError, type ErrorDetail, formatPath, invalid } from './errors.js';
import { zodMessages } from './zod.js';

/** A request body's JSON text, parsed; empty or malformed text is an `invalid_json` error. */
export function parseJson(text: string): unknown {
  if (text.trim() === '')
    throw new DomainError('invalid', 'invalid_json', 'request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DomainError(
      'invalid',
      'invalid_json',
      `request body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/** Parse with zod and turn every issue into a `{path, message}` detail of one invalid error. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  prefix = '',
): z.output<S> {
  const parsed = schema.safeParse(value, { error: zodMessages });
  if (parsed.success) return parsed.data;
  throw invalid(`invalid ${what}`, zodDetails(parsed.error, prefix));
}

export function zodDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...issue.path, key], prefix), message: 'is not a known field' });
      }
    } else {
      out.push({ path: formatPath(issue.path, prefix), message: issue.message });
    }
  }
  return out;
}
