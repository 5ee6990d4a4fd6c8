/**
 * What the admin CLI emits: a command's result as one JSON document or as text for a person, and failures
 * as one message with an exit code. Nothing here sees a key except one a command has just minted.
 */
import type { KeyCreated, KeyList, KeyRevoked, KeyRolled, KeyView, MintedKeyView } from './commands/keys.js';
import type { OriginsChanged } from './commands/origins.js';
import type { ProjectBranded, ProjectCreated, ProjectList, ProjectUpdated } from './commands/projects.js';

/** Exit codes: 1 when the store has no such thing or refuses the operation, 2 when the invocation is wrong. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user can fix; its message is printed as is, without a stack. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export type CommandResult =
  | ProjectCreated
  | ProjectList
  | ProjectUpdated
  | ProjectBranded
  | OriginsChanged
  | KeyCreated
  | KeyList
  | KeyRevoked
  | KeyRolled;

/** The text to print on stdout for a result: one JSON document, or lines for a person. */
export function render(result: CommandResult, json: boolean): string {
  if (json) {
    const { kind: _kind, ...document } = result;
    return `${JSON.stringify(document, null, 2)}\n`;
  }
  return `${humanLines(result).join('\n')}\n`;
}

function humanLines(result: CommandResult): string[] {
  switch (result.kind) {
    case 'project-created': {
      const { project, publishableKey, secretKey } = result;
      return [
        `Created project ${project.name} (${project.id})`,
        `  allowed origins: ${project.allowedOrigins.join(', ')}`,
        `  ad-hoc rooms: ${adHocRooms(project.allowAdHocRooms)}`,
        '',
        ...mintedLines('Publishable key', publishableKey),
        ...mintedLines('Secret key', secretKey),
        'These keys are shown this once: the store keeps only their hashes. Copy them now.',
        'The publishable key goes in the page (<video-chat-widget api-key="…">); keep the secret key on your servers.',
      ];
    }
    case 'project-list':
      if (result.projects.length === 0)
        return ['No projects yet. Create one with: vcw-admin projects create --name NAME --origin URL'];
      return table(
        ['ID', 'NAME', 'ORIGINS', 'AD-HOC ROOMS', 'CREATED'],
        result.projects.map((p) => [
          p.id,
          p.name,
          p.allowedOrigins.join(', ') || '(none)',
          p.allowAdHocRooms ? 'on' : 'off',
          time(p.createdAt),
        ]),
      );
    case 'project-updated': {
      const { project, changed } = result;
      return [
        `Project ${project.name} (${project.id}) ${changed ? 'now' : 'already'} has ad-hoc rooms ${adHocRooms(project.allowAdHocRooms)}.`,
      ];
    }
    case 'project-branded': {
      const { branding } = result;
      return [
        `Project ${result.projectId}'s join page:`,
        `  name shown: ${branding.displayName ?? "(the project's name)"}`,
        `  accent colour: ${branding.accentColor ?? "(the widget's)"}`,
        `  logo: ${branding.logoUrl ?? '(none)'}`,
      ];
    }
    case 'origins-changed': {
      const verb = result.action === 'added' ? (result.changed ? 'now allows' : 'already allowed') : 'no longer allows';
      return [
        `Project ${result.projectId} ${verb} ${result.origin}.`,
        `  allowed origins: ${result.allowedOrigins.join(', ') || '(none: no page can use its publishable keys)'}`,
      ];
    }
    case 'key-created':
      return [
        ...mintedLines(`Created ${result.key.type} key`, result.key),
        'This key is shown this once: the store keeps only its hash. Copy it now.',
      ];
    case 'key-list':
      if (result.keys.length === 0)
        return [
          `Project ${result.projectId} has no keys. Create one with: vcw-admin keys create --project ${result.projectId} --type publishable`,
        ];
      return table(
        ['ID', 'TYPE', 'ENV', 'KEY', 'CREATED', 'LAST USED', 'REVOKED', 'EXPIRES', 'REPLACED BY'],
        result.keys.map((k) => [
          k.id,
          k.type,
          k.environment,
          k.display,
          time(k.createdAt),
          time(k.lastUsedAt),
          time(k.revokedAt),
          time(k.expiresAt),
          k.replacedBy ?? '-',
        ]),
      );
    case 'key-revoked':
      return [`Revoked ${describe(result.key)}. It stopped working now.`];
    case 'key-rolled': {
      const { key, previous } = result;
      const until =
        result.overlapSeconds === 0
          ? `The old key ${previous.id} (${previous.display}) stopped working now.`
          : `The old key ${previous.id} (${previous.display}) keeps working until ${time(previous.expiresAt)} (${result.overlapSeconds} s): deploy the new key before then.`;
      return [
        ...mintedLines(`Rolled ${previous.id}; new ${key.type} key`, key),
        'This key is shown this once: the store keeps only its hash. Copy it now.',
        until,
      ];
    }
  }
}

function adHocRooms(allowed: boolean): string {
  return allowed ? 'on (joining a new room name opens a public room)' : 'off (only rooms created through the REST API)';
}

function mintedLines(label: string, key: MintedKeyView): string[] {
  return [`${label} (${key.environment}, id ${key.id}):`, `  ${key.plaintext}`, ''];
}

function describe(key: KeyView): string {
  return `${key.type} key ${key.id} (${key.display}) of project ${key.projectId}`;
}

/** ISO time without milliseconds; '-' for never. */
function time(iso: string | null): string {
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-';
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
