import { writeFileSync } from 'node:fs';
import { grafanaDashboard } from './metric-panels';

/** Writes docs/grafana-dashboard.json (run from the repository root): `npx tsx infra/dashboards/write-grafana.ts`. */
writeFileSync('docs/grafana-dashboard.json', `${JSON.stringify(grafanaDashboard(), null, 2)}\n`);
