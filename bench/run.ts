/**
 * `npm run bench`: runs the whole benchmark once, prints the report and writes `bench-results.json` at the
 * repository root. `--quick` runs tiny workloads; `--calls N` sets the timed rounds per mode.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, toJson } from './report';
import { runBench } from './run-bench';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, calls: { type: 'string' } },
});
const calls = values.calls === undefined ? undefined : Number(values.calls);
if (calls !== undefined && !(Number.isSafeInteger(calls) && calls > 0)) {
  console.error(`--calls must be a positive whole number, got ${values.calls}`);
  process.exit(2);
}

// Lambda runs Node 24; the SDK's notice about the local Node version would only clutter the report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const repoRoot = process.cwd();
const results = await runBench({
  quick: values.quick,
  repoRoot,
  log: (line) => console.error(`[bench] ${line}`),
  ...(calls === undefined ? {} : { calls }),
});
console.log(formatReport(results));
const out = join(repoRoot, 'bench-results.json');
writeFileSync(out, `${JSON.stringify(toJson(results), null, 2)}\n`);
console.error(`[bench] wrote ${out}`);
