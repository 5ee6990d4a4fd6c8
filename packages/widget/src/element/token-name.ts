/**
 * The name a join token gives its holder (its `name` claim), read without verifying the token: the service
 * verifies it and seats the holder under that name; the widget only shows the same name to the holder.
 */
export function tokenName(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const name = (JSON.parse(json) as { name?: unknown }).name;
    return typeof name === 'string' && name.trim() ? name.trim() : null;
  } catch {
    return null; // not a token we can read: the service will say so
  }
}
