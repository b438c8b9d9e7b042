import { BadRequestError } from './errors';
import {
  FILTER_DIMENSION,
  FILTER_NAMES,
  type FilterName,
  type QueryName,
  ROUTES,
  type RouteName,
} from './routes';

/** Query values of one route: only the parameters its entry in `ROUTES` declares can be read. */
export type RouteQuery<R extends RouteName> = Partial<Record<QueryName<R>, string>>;

/** A parameter name as quoted back in an error: names come from the caller, so they are cut short. */
const quoted = (name: string): string => (name.length > 64 ? `${name.slice(0, 64)}…` : name);

/**
 * The parameters of a request to `route`, from every value of every parameter (`c.req.queries()`). Each must
 * be one that the route declares in `ROUTES`, given once: an unknown parameter (a typo'd filter would
 * silently widen a total) or a repeated one (one of the values would be ignored) is a 400 that names it.
 */
export const routeQuery = <R extends RouteName>(
  route: R,
  queries: Record<string, string[]>,
): RouteQuery<R> => {
  const declared = ROUTES[route].query as readonly string[];
  const picked: Record<string, string> = {};
  for (const [name, values] of Object.entries(queries)) {
    if (!declared.includes(name)) {
      const known = declared.length > 0 ? `: it takes ${declared.join(', ')}` : ': it takes none';
      throw new BadRequestError(
        quoted(name),
        `unknown parameter ${quoted(name)} for ${ROUTES[route].path}${known}`,
      );
    }
    if (values.length !== 1) {
      throw new BadRequestError(name, `${name} must be given once, got ${values.length} values`);
    }
    picked[name] = values[0]!;
  }
  return picked as RouteQuery<R>;
};

/** Whole number in [min, max]; `fallback` when absent. */
export const readInt = (
  parameter: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new BadRequestError(parameter, `${parameter} must be a whole number, got "${raw}"`);
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    throw new BadRequestError(parameter, `${parameter} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
};

/** One of `allowed`; `fallback` when absent. */
export const readChoice = <T extends string>(
  parameter: string,
  raw: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T => {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new BadRequestError(parameter, `${parameter} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
};

/** `hours`, bounded by the retention of raw records. */
export const readHours = (raw: string | undefined, retentionDays: number, fallback = 24): number =>
  readInt('hours', raw, fallback, 1, retentionDays * 24);

/** `days`, bounded by the retention. */
export const readDays = (raw: string | undefined, retentionDays: number, fallback = 7): number =>
  readInt('days', raw, fallback, 1, retentionDays);

export interface Filter {
  name: FilterName;
  dim: (typeof FILTER_DIMENSION)[FilterName];
  value: string;
}

const filterOf = (name: FilterName, raw: string): Filter => {
  const value = raw.trim();
  if (value === '' || value.length > 256) {
    throw new BadRequestError(name, `${name} must be a non-empty value of at most 256 characters`);
  }
  return { name, dim: FILTER_DIMENSION[name], value };
};

/** Every filter given (raw-record reads can combine them). */
export const readFilters = (query: Partial<Record<string, string>>): Filter[] =>
  FILTER_NAMES.filter((name) => query[name] !== undefined).map((name) => filterOf(name, query[name]!));

/**
 * The filter of a request. Rollups are kept per single dimension, so totals can be filtered by at most one
 * of model, user, tenant, session and function at a time.
 */
export const readFilter = (query: Partial<Record<string, string>>): Filter | undefined => {
  const given = readFilters(query);
  if (given.length > 1) {
    throw new BadRequestError(
      given[1]!.name,
      `only one of ${FILTER_NAMES.join(', ')} can be given at a time`,
    );
  }
  return given[0];
};
