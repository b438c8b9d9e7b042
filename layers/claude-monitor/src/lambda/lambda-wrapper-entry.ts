/** Entry of `lambda-wrapper.mjs`: the handler loads during the runtime's init, as the function's own would. */
import { loadWrappedHandler } from './wrapper';

export const handler = await loadWrappedHandler();
