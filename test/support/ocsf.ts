import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * The OCSF class schemas of test/fixtures/ocsf (written by hand from the public OCSF schema), compiled once.
 * `ocsfClass('authentication')` validates one class; `anyOcsfClass` any of them.
 */
const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/ocsf/ocsf-classes.schema.json'), 'utf8'),
) as Record<string, unknown>;
// OCSF's at_least_one constraints are `anyOf` of `required` lists, which strictRequired would refuse.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(schema);
const ID = 'urn:activity-events:test:ocsf-classes';

export function ocsfClass(key: string): ValidateFunction {
  const v = ajv.getSchema(`${ID}#/$defs/${key}`);
  if (!v) throw new Error(`no OCSF class schema ${key}`);
  return v;
}

export const anyOcsfClass: ValidateFunction = ajv.getSchema(ID) as ValidateFunction;
