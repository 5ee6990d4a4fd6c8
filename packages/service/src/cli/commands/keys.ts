/** `keys create|list|revoke|roll`: a project's API keys. Only a key minted by this very command is shown whole. */
import type { KeyEnvironment, KeyType } from '../../auth/api-key.js';
import type { ApiKeyRecord, ProjectStore } from '../../store/project-store.js';
import { CliError, EXIT } from '../output.js';
import { requireProject } from './origins.js';

/** A key as a person may see it: its display prefix and last four characters, never the key. */
export interface KeyView {
  id: string;
  projectId: string;
  type: KeyType;
  environment: KeyEnvironment;
  /** `pk_test_…abcd` */
  display: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  replacedBy: string | null;
}

/** A key minted by this command, with the key itself: printed once, never stored. */
export interface MintedKeyView extends KeyView {
  plaintext: string;
}

export interface KeyCreated {
  kind: 'key-created';
  key: MintedKeyView;
}

export interface KeyList {
  kind: 'key-list';
  projectId: string;
  keys: KeyView[];
}

export interface KeyRevoked {
  kind: 'key-revoked';
  key: KeyView;
}

export interface KeyRolled {
  kind: 'key-rolled';
  key: MintedKeyView;
  previous: KeyView;
  overlapSeconds: number;
}

/** Hides everything about a stored key but what identifies it to a person. */
export function keyView(record: ApiKeyRecord): KeyView {
  return {
    id: record.id,
    projectId: record.projectId,
    type: record.type,
    environment: record.environment,
    display: `${record.displayPrefix}…${record.last4}`,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
    expiresAt: record.expiresAt,
    replacedBy: record.replacedBy,
  };
}

/** Pairs a freshly minted key's record with its plaintext. */
export function mintedView(minted: { key: ApiKeyRecord; plaintext: string }): MintedKeyView {
  return { ...keyView(minted.key), plaintext: minted.plaintext };
}

/** Mints a key for an existing project. */
export async function createKey(
  store: ProjectStore,
  input: { projectId: string; type: KeyType; environment: KeyEnvironment },
): Promise<KeyCreated> {
  await requireProject(store, input.projectId);
  return {
    kind: 'key-created',
    key: mintedView(await store.createApiKey(input.projectId, input.type, input.environment)),
  };
}

/** Lists a project's keys, newest first. */
export async function listKeys(store: ProjectStore, input: { projectId: string }): Promise<KeyList> {
  await requireProject(store, input.projectId);
  return { kind: 'key-list', projectId: input.projectId, keys: (await store.listKeys(input.projectId)).map(keyView) };
}

/** Revokes a key at once; refuses one already revoked so a typo'd id is noticed. */
export async function revokeKey(store: ProjectStore, input: { keyId: string }): Promise<KeyRevoked> {
  const key = await requireKey(store, input.keyId);
  if (key.revokedAt) throw new CliError(`Key ${key.id} was already revoked at ${key.revokedAt}.`, EXIT.refused);
  await store.revokeKey(key.id);
  const revoked = await requireKey(store, key.id);
  return { kind: 'key-revoked', key: keyView(revoked) };
}

/** Replaces a key; the old one keeps working for `overlapSeconds`. */
export async function rollKey(
  store: ProjectStore,
  input: { keyId: string; overlapSeconds: number },
): Promise<KeyRolled> {
  const key = await requireKey(store, input.keyId);
  // Checked here too (the store would refuse) so the message says why.
  if (key.revokedAt)
    throw new CliError(`Key ${key.id} is revoked; create a new key instead of rolling it.`, EXIT.refused);
  if (key.replacedBy)
    throw new CliError(`Key ${key.id} was already rolled; it was replaced by ${key.replacedBy}.`, EXIT.refused);
  const rolled = await store.rollKey(key.id, input.overlapSeconds);
  return {
    kind: 'key-rolled',
    key: mintedView(rolled),
    previous: keyView(rolled.previous),
    overlapSeconds: input.overlapSeconds,
  };
}

async function requireKey(store: ProjectStore, keyId: string): Promise<ApiKeyRecord> {
  const key = await store.findKey(keyId);
  if (!key)
    throw new CliError(
      `No key with id ${keyId}. List a project's keys with: vcw-admin keys list --project PROJECT_ID`,
      EXIT.refused,
    );
  return key;
}
