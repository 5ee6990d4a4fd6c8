/**
 * What an interface method returns when one implementation answers at once (in process) and another would
 * have to ask a shared store (several nodes): callers `await` it either way.
 */
export type Awaitable<T> = T | Promise<T>;
