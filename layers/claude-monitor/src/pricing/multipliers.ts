import type { Ratio } from './exact-math';

/** Message Batches API: half price on every token rate (cache rates included). */
export const BATCH_DISCOUNT: Ratio = [1, 2];
/**
 * Regional endpoints over global ones on Bedrock (geographic profiles, in-Region ids) and Vertex (regions and
 * multi-regions), and the Claude API's `us` data-residency multiplier.
 */
export const TEN_PERCENT_PREMIUM: Ratio = [11, 10];
/** Fast mode of Opus 4.8 and later. */
export const FAST_2X: Ratio = [2, 1];
/** Fast mode of Opus 4.6 and 4.7. */
export const FAST_6X: Ratio = [6, 1];
