/**
 * The shape of the `claudeMonitor` configuration (file or CDK context): every key it may hold and the JSON
 * type of each. The loader checks a configuration against it before anything else, so a misspelt key
 * (`alertEmail`) or a value of the wrong type (`"alertEmails": "ops@example.com"`) stops `cdk synth` with a
 * message naming the key, instead of being silently ignored. Value ranges are checked afterwards, by the
 * construct's own validation.
 */
export type Shape =
  | 'string'
  | 'number'
  | 'boolean'
  | { readonly list: Shape }
  | { readonly object: Readonly<Record<string, Shape>> };

const BUDGET: Shape = { object: { scope: 'string', id: 'string', period: 'string', usd: 'number' } };

export const CONFIG_SHAPE: Readonly<Record<string, Shape>> = {
  stackName: 'string',
  stageName: 'string',
  alertEmails: { list: 'string' },
  alertWebhooks: { list: 'string' },
  alerts: {
    object: {
      sessionCostUsd: 'number',
      consecutiveErrors: 'number',
      budgets: { list: BUDGET },
      budgetSteps: { list: 'number' },
      unpricedModel: 'boolean',
    },
  },
  retentionDays: 'number',
  logRetentionDays: 'number',
  aggregator: { object: { batchSize: 'number', batchingWindowSeconds: 'number' } },
  apiThrottle: { object: { rateLimit: 'number', burstLimit: 'number' } },
  dashboardOrigin: 'string',
  removalPolicy: 'string',
  deletionProtection: 'boolean',
};

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
};

const expected = (shape: Shape): string => {
  if (typeof shape === 'string') return `a ${shape}`;
  if ('list' in shape) return `a list of ${expected(shape.list).replace(/^an? /, '')}s`;
  return 'an object';
};

/** Edit distance, to suggest the key that was probably meant. */
const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
};

const unknownKey = (path: string, key: string, known: readonly string[]): string => {
  const closest = known
    .map((name) => ({ name, d: distance(key.toLowerCase(), name.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  const hint = closest && closest.d <= 3 ? ` (did you mean ${path}${closest.name}?)` : '';
  return `${path}${key} is not a configuration key${hint}; known keys: ${known.join(', ')}`;
};

const check = (value: unknown, shape: Shape, path: string, problems: string[]): void => {
  if (typeof shape === 'string') {
    const ok =
      shape === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === shape;
    if (!ok) problems.push(`${path} must be ${expected(shape)}, got ${describe(value)}`);
    return;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) {
      problems.push(`${path} must be ${expected(shape)}, got ${describe(value)}`);
      return;
    }
    value.forEach((item, i) => {
      check(item, shape.list, `${path}[${i}]`, problems);
    });
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path} must be an object, got ${describe(value)}`);
    return;
  }
  checkObject(value as Record<string, unknown>, shape.object, `${path}.`, problems);
};

const checkObject = (
  value: Record<string, unknown>,
  shapes: Readonly<Record<string, Shape>>,
  prefix: string,
  problems: string[],
): void => {
  const known = Object.keys(shapes);
  for (const [key, item] of Object.entries(value)) {
    const shape = shapes[key];
    if (shape === undefined) problems.push(unknownKey(prefix, key, known));
    else if (item !== undefined) check(item, shape, `${prefix}${key}`, problems);
  }
};

/** Every problem of a configuration against {@link CONFIG_SHAPE}, each naming its key. Empty means valid. */
export const configShapeProblems = (config: Record<string, unknown>): string[] => {
  const problems: string[] = [];
  checkObject(config, CONFIG_SHAPE, '', problems);
  return problems;
};
