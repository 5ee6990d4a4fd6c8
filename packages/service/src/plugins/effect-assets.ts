/**
 * `GET /models/selfie-segmentation/:file`: the segmentation model, graph and wasm that the widget's
 * background-blur loads, served from the npm package installed with the service (nothing is fetched from
 * anywhere else at run time). Only the files listed in the shared contract; any site may load them. Sent
 * brotli- or gzip-compressed (made on first request: megabytes of wasm shrink to a quarter).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import fp from 'fastify-plugin';
import { EFFECT_ASSET_FILES, EFFECT_ASSETS_PATH } from '@vcw/shared';
import { compressedAsset, sendCompressedAsset, type CompressedAsset } from './compressed-asset.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.binarypb': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
};

/** The installed package's directory (it has no `exports` map, so any file of it resolves). */
function packageDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('@mediapipe/selfie_segmentation/selfie_segmentation.js'));
}

export default fp(
  async (app) => {
    const dir = packageDir();
    const served = new Set<string>(EFFECT_ASSET_FILES);
    const cache = new Map<string, Promise<CompressedAsset>>();
    app.get<{ Params: { file: string } }>(`${EFFECT_ASSETS_PATH}:file`, async (request, reply) => {
      const { file } = request.params;
      if (!served.has(file)) return reply.callNotFound();
      let asset = cache.get(file);
      if (!asset) {
        // Brotli's middle quality: its best would take seconds on the wasm, for a few per cent.
        asset = readFile(path.join(dir, file)).then((body) => compressedAsset(body, {}, { brotliQuality: 6 }));
        cache.set(file, asset);
        asset.catch(() => cache.delete(file));
      }
      reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
      // The package version pins the content; a new version is a new deployment of the service.
      return sendCompressedAsset(request, reply, await asset, {
        type: TYPES[path.extname(file)] ?? 'application/octet-stream',
        cacheControl: 'public, max-age=86400',
      });
    });
  },
  { name: 'effect-assets' },
);
