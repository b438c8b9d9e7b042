import { writeFile } from 'node:fs/promises';
import { buildOpenApi } from './openapi';

/** Regenerates docs/openapi.json from the route table: `npx tsx functions/api/write-openapi.ts`. */
await writeFile(
  new URL('../../docs/openapi.json', import.meta.url),
  `${JSON.stringify(buildOpenApi(), null, 2)}\n`,
);
