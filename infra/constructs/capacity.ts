import type { CapacityProps } from './claude-monitor-props';

/** Provisioned capacity as applied when `capacity.mode` is `provisioned` and a limit is left out. */
export const PROVISIONED_DEFAULTS = {
  minWriteUnits: 5,
  maxWriteUnits: 1_000,
  minReadUnits: 5,
  maxReadUnits: 100,
  targetUtilizationPercent: 70,
} as const;

/** DynamoDB's and Application Auto Scaling's ranges for the limits. */
const UNITS_RANGE = [1, 40_000] as const;
const UTILIZATION_RANGE = [20, 90] as const;

const PROVISIONED_KEYS = Object.keys(PROVISIONED_DEFAULTS) as (keyof typeof PROVISIONED_DEFAULTS)[];

/** Provisioned limits, every one set. */
export type ProvisionedCapacity = { readonly [K in keyof typeof PROVISIONED_DEFAULTS]: number };

/** The provisioned limits with defaults filled in, or undefined for on-demand. */
export const provisionedCapacityOf = (props: CapacityProps | undefined): ProvisionedCapacity | undefined => {
  if (props?.mode !== 'provisioned') return undefined;
  const entries = PROVISIONED_KEYS.map((key) => [key, props[key] ?? PROVISIONED_DEFAULTS[key]]);
  return Object.fromEntries(entries) as ProvisionedCapacity;
};

const whole = (value: number, [min, max]: readonly [number, number]): boolean =>
  Number.isSafeInteger(value) && value >= min && value <= max;

/** Problems with `capacity`, each naming the prop; empty when valid. */
export const capacityProblems = (props: CapacityProps | undefined): string[] => {
  if (props === undefined) return [];
  const problems: string[] = [];
  const mode = props.mode ?? 'onDemand';
  if (mode !== 'onDemand' && mode !== 'provisioned') {
    return [`capacity.mode must be "onDemand" or "provisioned", got ${JSON.stringify(props.mode)}`];
  }
  if (mode === 'onDemand') {
    for (const key of PROVISIONED_KEYS) {
      if (props[key] !== undefined) problems.push(`capacity.${key} needs capacity.mode "provisioned"`);
    }
    return problems;
  }
  for (const key of PROVISIONED_KEYS) {
    const value = props[key];
    const range = key === 'targetUtilizationPercent' ? UTILIZATION_RANGE : UNITS_RANGE;
    if (value !== undefined && !whole(value, range)) {
      problems.push(`capacity.${key} must be a whole number from ${range[0]} to ${range[1]}, got ${value}`);
    }
  }
  const limits = provisionedCapacityOf(props)!;
  if (limits.minWriteUnits > limits.maxWriteUnits) {
    problems.push(
      `capacity.minWriteUnits (${limits.minWriteUnits}) must not exceed capacity.maxWriteUnits (${limits.maxWriteUnits})`,
    );
  }
  if (limits.minReadUnits > limits.maxReadUnits) {
    problems.push(
      `capacity.minReadUnits (${limits.minReadUnits}) must not exceed capacity.maxReadUnits (${limits.maxReadUnits})`,
    );
  }
  return problems;
};
