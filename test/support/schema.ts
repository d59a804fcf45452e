/** schema/mplsgre.schema.json compiled once with ajv (strict, draft 2020-12), for every tier's tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from './fixtures.js';

/** RFC 3339 date-time, as `Date.toISOString()` prints it and the schema's `format` asks. */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

export const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'mplsgre.schema.json'), 'utf8')) as Record<string, unknown>;
export const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
ajv.addFormat('date-time', DATE_TIME);
const validate = ajv.compile(schema);

/** Why `doc` breaks the schema, or undefined when it is valid. */
export function schemaErrors(doc: unknown): string | undefined {
  return validate(doc) ? undefined : ajv.errorsText(validate.errors, { separator: '\n' });
}
