/**
 * A file the service sends as it is (the widget script, its chunks, the effect model): held in memory with its
 * brotli and gzip forms, sent in the best form the browser accepts, with a strong validator for each form.
 * The build writes `NAME.br` and `NAME.gz` beside each script; they are used when they decode to the file,
 * else (an older build, a file of a package) the forms are made here once, off the event loop.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants, gunzipSync, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type ContentCoding = 'br' | 'gzip' | 'identity';

export interface CompressedAsset {
  /** The file as it is; the others decode to it. */
  readonly identity: Buffer;
  readonly br: Buffer;
  readonly gzip: Buffer;
  /** Strong validators, one per form (a form is a representation of its own). */
  readonly etags: Readonly<Record<ContentCoding, string>>;
}

export interface CompressOptions {
  /** Brotli quality when the form is made here: 11 for small scripts, lower for megabytes of wasm. */
  brotliQuality?: number;
}

/** Reads `file` and its precompressed forms; `null` when the file is not there. */
export async function loadCompressedAsset(
  file: string,
  options: CompressOptions = {},
): Promise<CompressedAsset | null> {
  const identity = await readFile(file).catch(() => null);
  if (!identity) return null;
  const [br, gz] = await Promise.all([
    readFile(`${file}.br`).catch(() => null),
    readFile(`${file}.gz`).catch(() => null),
  ]);
  return compressedAsset(
    identity,
    {
      br: br && decodesTo(br, brotliDecompressSync, identity) ? br : null,
      gzip: gz && decodesTo(gz, gunzipSync, identity) ? gz : null,
    },
    options,
  );
}

/** The forms of `identity`, making those not given. */
export async function compressedAsset(
  identity: Buffer,
  given: { br?: Buffer | null; gzip?: Buffer | null } = {},
  options: CompressOptions = {},
): Promise<CompressedAsset> {
  const quality = options.brotliQuality ?? constants.BROTLI_MAX_QUALITY;
  const [br, gz] = await Promise.all([
    given.br ??
      brotli(identity, {
        params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length },
      }),
    given.gzip ?? gzipAsync(identity, { level: 9 }),
  ]);
  const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
  return { identity, br, gzip: gz, etags: { identity: `"${hash}"`, br: `"${hash}-br"`, gzip: `"${hash}-gz"` } };
}

function decodesTo(encoded: Buffer, decode: (data: Buffer) => Buffer, identity: Buffer): boolean {
  try {
    return decode(encoded).equals(identity);
  } catch {
    return false; // a torn or foreign file: made again here
  }
}

/**
 * The form to send for an `Accept-Encoding` header: brotli, else gzip, else the file as it is. A coding with
 * `q=0` is refused; `*` stands for any coding not named.
 */
export function chooseCoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    if (name) weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const accepts = (coding: string) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip') || accepts('x-gzip')) return 'gzip';
  return 'identity';
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for this header). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Sends the asset in the form the request accepts, or 304 when the browser holds that form already. */
export function sendCompressedAsset(
  request: FastifyRequest,
  reply: FastifyReply,
  asset: CompressedAsset,
  headers: { type: string; cacheControl: string },
): FastifyReply {
  const coding = chooseCoding(request.headers['accept-encoding']);
  const etag = asset.etags[coding];
  reply.header('vary', 'Accept-Encoding').header('etag', etag).header('cache-control', headers.cacheControl);
  if (noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send();
  if (coding !== 'identity') reply.header('content-encoding', coding);
  return reply.type(headers.type).send(asset[coding]);
}
