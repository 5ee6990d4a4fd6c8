/**
 * What a join token says of its holder (its `name` and `role` claims), read without verifying the token: the
 * service verifies it and seats the holder under that name and role; the widget only uses them for its UI.
 */
function claims(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null; // not a token we can read: the service will say so
  }
}

/** The name a join token gives its holder, if any. */
export function tokenName(token: string): string | null {
  const name = claims(token)?.name;
  return typeof name === 'string' && name.trim() ? name.trim() : null;
}

/** Whether the token makes its holder a host of the room (the service checks it again on every host command). */
export function tokenIsHost(token: string): boolean {
  return claims(token)?.role === 'host';
}
