import * as z from 'zod';

/** Field formats several destination kinds share. */

export const bucket = z
  .string({ error: 'is required' })
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be a bucket name: 3-63 lowercase letters, digits, dots and hyphens',
  );

/**
 * An object key prefix: 1..512 characters of letters, digits and `! - _ . * ' ( ) = /`, in segments separated
 * by single slashes, no segment `.` or `..`, no leading slash (a trailing one is dropped).
 */
export const prefix = z
  .string()
  .max(512, 'must be at most 512 characters')
  .regex(/^[\w!\-.*'()=/]*$/, "must be an object key prefix of letters, digits and ! - _ . * ' ( ) = /")
  .refine((p) => !p.startsWith('/'), { message: 'must not have a leading slash' })
  .refine(
    (p) =>
      p
        .replace(/\/+$/, '')
        .split('/')
        .every((seg) => seg !== '' && seg !== '.' && seg !== '..') || p.replace(/\/+$/, '') === '',
    {
      message: "must not have empty, '.' or '..' segments",
    },
  )
  .transform((p) => p.replace(/\/+$/, ''))
  .optional();

export const secretArn = z
  .string({ error: 'is required' })
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
    'must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
  );
