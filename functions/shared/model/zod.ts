import type * as z from 'zod';

/**
 * The messages of zod issues a schema does not word itself, in the API's words (what the value must be, the
 * range), so no response carries zod's default English ("Too big: expected string to have <=256
 * characters"). Passed as the error map of every parse whose issues reach a client (`parseWith`,
 * `validateEvents`): a schema's own message still wins. (A per-parse map, not `z.config`: configuring zod
 * globally would need the `z` namespace as a value, which puts all of zod, locales included, in every bundle.)
 */
export function zodMessages(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = String(issue.expected);
      const noun: Record<string, string> = {
        string: 'a string',
        number: 'a number',
        int: 'an integer',
        boolean: 'true or false',
        object: 'an object',
        record: 'an object',
        array: 'an array',
        null: 'null',
      };
      return `must be ${noun[expected] ?? expected}`;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${max} items`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string')
        return min === '1' ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${min} items`;
      return issue.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
    }
    case 'invalid_format': {
      const formats: Record<string, string> = {
        email: 'must be an email address',
        url: 'must be a URL',
        datetime: 'must be an ISO 8601 date-time with timezone, e.g. 2026-11-24T10:00:00Z',
        date: 'must be an ISO 8601 date',
        ipv4: 'must be an IPv4 address',
        ipv6: 'must be an IPv6 address',
        ulid: 'must be a ULID',
        regex: 'is not in the expected form',
      };
      return formats[issue.format] ?? `must be a valid ${issue.format}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an item that is not allowed';
    case 'invalid_union':
      return 'does not match any of the allowed forms';
    default:
      return 'is not valid';
  }
}
