import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while handling one HTTP request carries. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The id of the request being handled, when there is one. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
