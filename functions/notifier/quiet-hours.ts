import {
  type AlertSeverity,
  type DigestConfig,
  isBelowSeverity,
  type QuietHours,
} from 'claude-monitor/domain';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since local midnight in `timeZone`. */
export const localMinutes = (ms: number, timeZone: string): number => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
};

/** True when `ms` falls in the quiet window (start inclusive, end exclusive; may span midnight). */
export const inQuietHours = (ms: number, quiet: QuietHours): boolean => {
  const now = localMinutes(ms, quiet.timeZone ?? 'UTC');
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
};

/** Whether a notification of `severity` arriving at `ms` is held for the channel's digest. */
export const holdsForDigest = (
  digest: DigestConfig | undefined,
  severity: AlertSeverity,
  ms: number,
): boolean =>
  digest !== undefined &&
  isBelowSeverity(severity, digest.belowSeverity) &&
  (digest.quietHours === undefined || inQuietHours(ms, digest.quietHours));

/**
 * When a notification held at `ms` is sent: at the next full hour (UTC) for an hourly digest, or when the
 * quiet window ends. The end is found in local time; across a daylight-saving change the first guess can
 * land inside the window again, so it steps on until it is out.
 */
export const digestReleaseAt = (digest: DigestConfig, ms: number): number => {
  if (!digest.quietHours) return Math.floor(ms / HOUR_MS) * HOUR_MS + HOUR_MS;
  const quiet = digest.quietHours;
  const zone = quiet.timeZone ?? 'UTC';
  const minute = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const untilEnd = (minutesOf(quiet.end) - localMinutes(minute, zone) + DAY_MINUTES) % DAY_MINUTES;
  let release = minute + untilEnd * MINUTE_MS;
  for (let step = 0; step < 8 && inQuietHours(release, quiet); step++) release += 15 * MINUTE_MS;
  return release;
};
