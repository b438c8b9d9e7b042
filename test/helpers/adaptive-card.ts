import { createRequire } from 'node:module';

/**
 * Checks a card with the Adaptive Cards reference library (the `adaptivecards` package that Microsoft's
 * renderers are built on): its parser reports unknown element types, invalid property values and
 * unsupported versions, and `validateProperties()` reports missing required properties.
 *
 * The package's ESM build imports files without extensions, which Node cannot load, so its UMD bundle
 * (`dist/adaptivecards.js`) is loaded instead; that path, `SerializationContext` and `validateProperties`
 * were checked against adaptivecards 3.0.6. `adaptiveCardProblems` throws when they are missing, so an
 * upgrade that moves them fails the tests loudly instead of passing every card.
 */
type AdaptiveCardsModule = typeof import('adaptivecards');

const load = (): AdaptiveCardsModule => {
  const library = createRequire(import.meta.url)(
    'adaptivecards/dist/adaptivecards.js',
  ) as AdaptiveCardsModule;
  if (typeof library.AdaptiveCard !== 'function' || typeof library.SerializationContext !== 'function') {
    throw new Error('adaptivecards no longer exports AdaptiveCard and SerializationContext from its bundle');
  }
  return library;
};

/** Every problem the reference library finds in a card; empty means valid. */
export const adaptiveCardProblems = (card: unknown): string[] => {
  const library = load();
  const parsed = new library.AdaptiveCard();
  const context = new library.SerializationContext();
  parsed.parse(card as Record<string, unknown>, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  // The parser accepts a TextBlock without text; the schema requires it.
  const missingText = (items: unknown[]): boolean =>
    items.some(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        (item as { type?: string }).type === 'TextBlock' &&
        typeof (item as { text?: unknown }).text !== 'string',
    );
  if (missingText(((card as { body?: unknown[] }).body ?? []) as unknown[]))
    problems.push('TextBlock without text');
  return problems;
};
