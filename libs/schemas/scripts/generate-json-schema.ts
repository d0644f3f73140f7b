// Writes libs/schemas/schema/event.schema.json from the contract (nx run schemas:generate-json-schema).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEventJsonSchema } from './render-json-schema.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'event.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderEventJsonSchema());
console.log(`wrote ${target}`);
