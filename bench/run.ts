/**
 * `npm run bench`: runs the whole benchmark once, prints the report and writes `bench-results.json` at the
 * repository root. `--quick` runs tiny workloads; `--calls N` sets the timed rounds per mode; `--only a,b` runs
 * only the named phases (client, budgets, zero-code, aggregation, concurrency, reads, layer).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, toJson } from './report';
import { BENCH_PHASES, type BenchPhase, runBench } from './run-bench';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    calls: { type: 'string' },
    only: { type: 'string' },
  },
});
const only = values.only?.split(',').map((phase) => phase.trim());
const unknown = only?.filter((phase) => !(BENCH_PHASES as readonly string[]).includes(phase)) ?? [];
if (only && (only.length === 0 || unknown.length > 0)) {
  console.error(`--only takes phases among ${BENCH_PHASES.join(', ')}, got ${values.only}`);
  process.exit(2);
}
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
  ...(only ? { only: only as BenchPhase[] } : {}),
});
console.log(formatReport(results));
// A partial run writes a file of its own, so the full run's figures stay as they were.
const out = join(repoRoot, only ? `bench-results-${only.join('-')}.json` : 'bench-results.json');
writeFileSync(out, `${JSON.stringify(toJson(results), null, 2)}\n`);
console.error(`[bench] wrote ${out}`);
