/**
 * A letter (or card) that could not be rendered: it names the item by its id and says what
 * is wrong, never with a supporter's name, email or text, so that it can be logged and shown
 * on a failed print run as it is.
 */
export class PrintRenderError extends Error {
  constructor(
    readonly itemId: string,
    readonly reason: string,
    readonly kind: 'letter' | 'card' = 'letter',
  ) {
    super(`${kind} ${itemId}: ${reason}`);
    this.name = 'PrintRenderError';
  }
}

/** Runs one item's rendering; any error becomes a PrintRenderError naming the item (the cause kept). */
export async function renderingItem<T>(itemId: string, kind: 'letter' | 'card', render: () => T | Promise<T>): Promise<T> {
  try {
    return await render();
  } catch (error) {
    if (error instanceof PrintRenderError) throw error;
    // A library's message may quote the text it choked on: only its class is repeated here.
    const rendered = new PrintRenderError(itemId, `the PDF library failed (${error instanceof Error ? error.name : typeof error})`, kind);
    (rendered as { cause?: unknown }).cause = error;
    throw rendered;
  }
}
