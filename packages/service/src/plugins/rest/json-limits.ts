/**
 * Two schema keywords for free-form JSON (a room's `metadata`): `x-max-depth`, how deep objects and arrays
 * may nest, and `x-max-keys`, how many keys all its objects may hold together. Checked by the request
 * validator, so a document nested thousands deep is refused with `invalid_payload` before any code walks
 * it recursively (`JSON.stringify` of one overflows the stack). The walk itself is iterative and stops at
 * the first bound crossed.
 */

/** The part of Ajv's API this needs (Fastify's validator is an Ajv instance). */
interface KeywordHost {
  addKeyword(definition: {
    keyword: string;
    schemaType: 'number';
    errors: false;
    validate: (limit: number, data: unknown) => boolean;
  }): unknown;
}

/** Adds both keywords to Fastify's Ajv (`ajv.plugins` in Fastify's options). */
export function jsonLimits<A extends KeywordHost>(ajv: A): A {
  ajv.addKeyword({
    keyword: 'x-max-depth',
    schemaType: 'number',
    errors: false,
    validate: (limit, data) => depthWithin(data, limit),
  });
  ajv.addKeyword({
    keyword: 'x-max-keys',
    schemaType: 'number',
    errors: false,
    validate: (limit, data) => keysWithin(data, limit),
  });
  return ajv;
}

/** Whether `value` nests objects and arrays at most `limit` deep (a scalar is depth 0, `{}` depth 1). */
export function depthWithin(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return false;
    for (const child of Object.values(node))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return true;
}

/** Whether all objects in `value` hold at most `limit` keys together. */
export function keysWithin(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  let keys = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const children = Object.values(node);
    if (!Array.isArray(node)) keys += children.length;
    if (keys > limit) return false;
    for (const child of children) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return true;
}
