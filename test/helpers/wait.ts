/**
 * Polls until `check` returns a value that is not undefined, or fails after the deadline
 * with what `describe` says is still pending.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, describe: () => Promise<string> | string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
