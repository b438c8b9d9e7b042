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
  | { readonly object: Readonly<Record<string, Shape>> }
  | { readonly anyOf: readonly Shape[] };

const BUDGET: Shape = {
  object: {
    scope: 'string',
    id: 'string',
    period: 'string',
    usd: 'number',
    mode: 'string',
    downgradeTo: 'string',
  },
};
const FILTER: Shape = {
  object: {
    rules: { list: 'string' },
    severities: { list: 'string' },
    tenants: { list: 'string' },
    users: { list: 'string' },
    functions: { list: 'string' },
    models: { list: 'string' },
  },
};
const DIGEST: Shape = {
  object: {
    belowSeverity: 'string',
    quietHours: { object: { start: 'string', end: 'string', timeZone: 'string' } },
  },
};

export const CONFIG_SHAPE: Readonly<Record<string, Shape>> = {
  stackName: 'string',
  stageName: 'string',
  alertEmails: { list: { anyOf: ['string', { object: { address: 'string', filter: FILTER } }] } },
  alertChannels: {
    list: { object: { name: 'string', type: 'string', secret: 'string', filter: FILTER, digest: DIGEST } },
  },
  alertWebhooks: { list: 'string' },
  alerts: {
    object: {
      sessionCostUsd: 'number',
      consecutiveErrors: 'number',
      budgetSteps: { list: 'number' },
      unpricedModel: 'boolean',
    },
  },
  budgets: { list: BUDGET },
  budgetEnforcement: {
    object: {
      onUnavailable: 'string',
      timeoutMs: 'number',
      reservationTtlSeconds: 'number',
      runtimeRefreshSeconds: 'number',
    },
  },
  retentionDays: 'number',
  logRetentionDays: 'number',
  aggregator: {
    object: { batchSize: 'number', batchingWindowSeconds: 'number', parallelizationFactor: 'number' },
  },
  capacity: {
    object: {
      mode: 'string',
      minWriteUnits: 'number',
      maxWriteUnits: 'number',
      minReadUnits: 'number',
      maxReadUnits: 'number',
      targetUtilizationPercent: 'number',
    },
  },
  apiThrottle: { object: { rateLimit: 'number', burstLimit: 'number' } },
  reconciliation: {
    object: {
      enabled: 'boolean',
      schedule: 'string',
      adminKeySecretArn: 'string',
      lookbackDays: 'number',
      differencePercent: 'number',
      differenceUsd: 'number',
      unmonitoredAlerts: 'boolean',
      anthropic: {
        object: {
          reportApi: 'string',
          monitoredApiKeyIds: { list: 'string' },
          monitoredWorkspaceIds: { list: 'string' },
        },
      },
      bedrock: { object: { enabled: 'boolean' } },
    },
  },
  dashboardOrigin: 'string',
  removalPolicy: 'string',
  deletionProtection: 'boolean',
  keepLegacyDimensionIndex: 'boolean',
  keepSessionIndex: 'boolean',
  metricsDashboard: 'boolean',
};

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
};

/** What a list holds, in the plural (`strings`, `strings or objects`). */
const plural = (shape: Shape): string => {
  if (typeof shape === 'string') return `${shape}s`;
  if ('list' in shape) return 'lists';
  if ('anyOf' in shape) return shape.anyOf.map(plural).join(' or ');
  return 'objects';
};

const expected = (shape: Shape): string => {
  if (typeof shape === 'string') return `a ${shape}`;
  if ('list' in shape) return `a list of ${plural(shape.list)}`;
  if ('anyOf' in shape) return shape.anyOf.map(expected).join(' or ');
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

/** Keys that moved, with where they live now: a configuration written for an older release gets told. */
const MOVED_KEYS: Readonly<Record<string, string>> = {
  'alerts.budgets': 'budgets (each budget now also has a mode: enforce or alert)',
};

const unknownKey = (path: string, key: string, known: readonly string[]): string => {
  const moved = MOVED_KEYS[`${path}${key}`];
  if (moved) return `${path}${key} moved to ${moved}`;
  const closest = known
    .map((name) => ({ name, d: distance(key.toLowerCase(), name.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  const hint = closest && closest.d <= 3 ? ` (did you mean ${path}${closest.name}?)` : '';
  return `${path}${key} is not a configuration key${hint}; known keys: ${known.join(', ')}`;
};

const check = (value: unknown, shape: Shape, path: string, problems: string[]): void => {
  if (typeof shape === 'object' && 'anyOf' in shape) {
    // The first alternative of the value's own JSON kind decides (an object is checked as the object one).
    const kind = (candidate: Shape) =>
      typeof candidate === 'string'
        ? typeof value === candidate
        : 'object' in candidate
          ? isPlainObject(value)
          : Array.isArray(value);
    const match = shape.anyOf.find(kind);
    if (match === undefined) problems.push(`${path} must be ${expected(shape)}, got ${describe(value)}`);
    else check(value, match, path, problems);
    return;
  }
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
  if (!isPlainObject(value)) {
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
