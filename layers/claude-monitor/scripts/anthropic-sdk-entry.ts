/** Entry of the Anthropic SDK copy shipped in the layer: the package's root API, nothing more. */
export * from '@anthropic-ai/sdk';
export { default } from '@anthropic-ai/sdk';
