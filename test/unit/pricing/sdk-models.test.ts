import { describe, expect, it } from 'vitest';
import {
  computeCost,
  PRICE_TABLE,
  resolveModel,
  UNPRICED_SDK_MODELS,
} from '../../../layers/claude-monitor/src/pricing';
import { sdkModelIds } from '../../helpers/sdk-models';
import { makeUsage, NOW } from './make-usage';

/**
 * An SDK upgrade that names a new model must not pass CI while the model is unpriced: every id of the
 * installed SDK's `Model` type resolves to a price, or is a documented exception without a public price.
 */
describe('the price table against the installed @anthropic-ai/sdk', () => {
  const sdk = sdkModelIds();

  it('reads the model ids of the SDK (not an empty list)', () => {
    // Assess: 1.14.0 names 22 ids; fewer than a handful means the type was not read.
    expect(sdk.models.length).toBeGreaterThan(10);
    expect(sdk.models).toContain('claude-sonnet-4-5');
  });

  it('prices every model id the SDK names, except the documented exceptions', () => {
    // Act
    const unpriced = sdk.models.filter(
      (id) => resolveModel(id, PRICE_TABLE) === undefined && !Object.hasOwn(UNPRICED_SDK_MODELS, id),
    );

    // Assess
    expect(unpriced, `SDK ${sdk.version} names models without a price; add them to the table`).toEqual([]);
  });

  it('keeps exceptions only for models that really have no price', () => {
    // Act
    const pricedAfterAll = Object.keys(UNPRICED_SDK_MODELS).filter((id) => resolveModel(id) !== undefined);

    // Assess
    expect(pricedAfterAll).toEqual([]);
  });

  it('records an exception as unpriced, never as free', () => {
    // Prepare
    const [id] = Object.keys(UNPRICED_SDK_MODELS);

    // Act
    const cost = computeCost(id!, makeUsage({ inputTokens: 1000 }), { at: NOW });

    // Assess
    expect(cost.priced).toBe(false);
  });
});
