import { describe, expect, it } from 'vitest';
import { hoursOf, lastDays, lastHours, segmentsOf } from '../../../functions/api/window';

const NOW = new Date('2026-11-29T10:30:00.000Z');

describe('segmentsOf', () => {
  it('reads a window inside one day hour by hour', () => {
    // Act
    const segments = segmentsOf(lastHours(NOW, 6), true);

    // Assess
    expect(segments).toEqual([{ granularity: 'hour', from: '2026-11-29T05', to: '2026-11-29T10' }]);
  });

  it('reads whole days as days and the partial days at both ends as hours', () => {
    // Act
    const segments = segmentsOf(lastHours(NOW, 720), true);

    // Assess
    expect(segments).toEqual([
      { granularity: 'hour', from: '2026-10-30T11', to: '2026-10-30T23' },
      { granularity: 'day', from: '2026-10-31', to: '2026-11-28' },
      { granularity: 'hour', from: '2026-11-29T00', to: '2026-11-29T10' },
    ]);
  });

  it('covers every hour of the window exactly once', () => {
    for (const hours of [1, 23, 24, 25, 47, 48, 49, 100, 2160]) {
      // Act
      const segments = segmentsOf(lastHours(NOW, hours), true);
      const covered = segments.flatMap((s) =>
        hoursOf({
          startMs: Date.parse(`${s.from}${s.granularity === 'day' ? 'T00' : ''}:00:00Z`),
          endMs: Date.parse(`${s.to}${s.granularity === 'day' ? 'T23' : ''}:00:00Z`),
        }),
      );

      // Assess
      expect(covered).toEqual(hoursOf(lastHours(NOW, hours)));
    }
  });

  it('stays hourly for dimensions without daily rollups', () => {
    // Act
    const segments = segmentsOf(lastHours(NOW, 100), false);

    // Assess
    expect(segments).toEqual([{ granularity: 'hour', from: '2026-11-25T07', to: '2026-11-29T10' }]);
  });

  it('makes a days window of whole UTC days, today included', () => {
    // Act
    const window = lastDays(NOW, 7);

    // Assess
    expect(segmentsOf(window, true)).toEqual([{ granularity: 'day', from: '2026-11-23', to: '2026-11-29' }]);
  });
});
