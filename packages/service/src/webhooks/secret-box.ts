/**
 * Seals webhook signing secrets for the store: AES-256-GCM under a key derived (HKDF-SHA256) from the
 * service's token secret. The service needs the secret itself to sign, so it cannot keep only a hash as it
 * does for API keys; what the store holds is useless without the token secret. Changing TOKEN_SECRET makes
 * every sealed secret unreadable: roll each endpoint's secret then.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const INFO = 'vcw webhook signing secrets';

export class SecretBox {
  private readonly key: Buffer;

  constructor(tokenSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', tokenSecret, Buffer.alloc(0), INFO, 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  /** The plaintext; throws if the sealed value was tampered with or sealed under another key. */
  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
