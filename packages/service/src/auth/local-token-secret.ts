/**
 * Without TOKEN_SECRET, a single node keeps its token-signing secret in `DATA_DIR/token-secret` (mode 0600,
 * like a TLS private key), made on first start, so tokens survive restarts. Several nodes must share
 * TOKEN_SECRET instead.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function localTokenSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'token-secret');
  const saved = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (saved.length >= 32) return saved;
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
