/** Where the built-in prices were read; each entry's `source` names one or more of these. */
export const SOURCE = {
  pricingPage: 'platform.claude.com/docs/en/about-claude/pricing (model pricing table, read 2026-11)',
  pricingPagePtBr:
    'platform.claude.com/docs/pt-BR/about-claude/pricing (model pricing table incl. legacy rows)',
  modelPages: 'platform.claude.com/docs/en/models/<model>/overview (lineup table: input / output per MTok)',
  bedrockGlobal:
    'docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html (global ~10% below geographic profiles)',
  dataResidency: 'docs.aws.amazon.com/claude-platform/latest/userguide/data-residency (US: 1.1x multiplier)',
  claude3Launch: 'anthropic.com/news/claude-3-family (Claude 3 launch prices)',
  modelsOverview2025:
    'docs.anthropic.com/en/docs/about-claude/models/overview (2025 edition, "Model pricing" table: Claude Sonnet 3.5 $3 / $3.75 / $6 / $0.30 / $15)',
  cloudEndpoints:
    'platform.claude.com/docs/en/build-with-claude/claude-on-amazon-bedrock and .../claude-on-vertex-ai ("Global vs regional endpoints": regional endpoints include a 10% pricing premium over global endpoints, for Claude Sonnet 4.5 and later models only)',
  dataResidency1p:
    'platform.claude.com/docs/en/build-with-claude/data-residency ("The inference_geo parameter is only available on the Claude API (1P)"; on Bedrock and Vertex the endpoint decides the region)',
  litellm: 'BerriAI/litellm model_prices_and_context_window.json (2026-07)',
  genaiPrices: 'pydantic/genai-prices prices/providers/anthropic.yml (2026-08-21)',
  claudit: 'kurofune/claudit v1.9.x price table (checked against the pricing page 2026-10-24)',
  promptFuel: 'TheKrush/PromptFuel v1.0.2x price table',
  fable52Coverage:
    'archid21/rightsize v0.10.2 release notes; docs.laozhang.ai Fable 5.2 announcement (2026-11-10); qiita (fast $16/$80)',
  haiku55Tiers:
    'platform.claude.com/docs/zh-TW/models/haiku-5-5/overview (two bands); inference.sh model card (<=100K / >100K)',
} as const;
