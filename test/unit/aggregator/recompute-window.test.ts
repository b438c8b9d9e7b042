import { describe, expect, it } from 'vitest';
import { RecomputeInputError } from '../../../functions/aggregator/errors';
import { resolveRecomputeWindow } from '../../../functions/aggregator/recompute-window';

describe('resolveRecomputeWindow', () => {
  it('defaults to the last closed UTC day when no window is given (the scheduled check)', () => {
    // Prepare
    const now = new Date('2026-11-29T03:17:00.000Z');

    // Act
    const window = resolveRecomputeWindow({}, now);

    // Assess
    expect(window).toEqual({ from: '2026-11-28T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z' });
  });

  it('takes the day before when yesterday has not been closed for 15 minutes yet', () => {
    // Prepare
    const now = new Date('2026-11-29T00:05:00.000Z');

    // Act
    const window = resolveRecomputeWindow({}, now);

    // Assess: 2026-11-28 ended five minutes ago, so its last hour is still open.
    expect(window).toEqual({ from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' });
  });

  it('keeps an explicit window', () => {
    // Act
    const window = resolveRecomputeWindow(
      { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
      new Date(),
    );

    // Assess
    expect(window).toEqual({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
  });

  it('rejects a window with only one end', () => {
    // Act
    const act = () => resolveRecomputeWindow({ from: '2026-11-01T00:00:00Z' }, new Date());

    // Assess
    expect(act).toThrow(RecomputeInputError);
    expect(act).toThrow(/from and to must be given together/);
  });
});
