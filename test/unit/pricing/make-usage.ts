import { EMPTY_USAGE, type TokenUsage } from 'claude-monitor/domain';

/** Usage with every count 0 except those given. */
export const makeUsage = (counts: Partial<TokenUsage>): TokenUsage => ({ ...EMPTY_USAGE, ...counts });

/** 1,000 tokens of every kind: each component is then the $/MTok rate × 1,000,000 nano-dollars. */
export const THOUSAND_OF_EACH = makeUsage({
  inputTokens: 1000,
  outputTokens: 1000,
  cacheWrite5mTokens: 1000,
  cacheWrite1hTokens: 1000,
  cacheReadTokens: 1000,
});

/** A date at which no historical price applies. */
export const NOW = new Date('2026-11-29T12:00:00Z');
