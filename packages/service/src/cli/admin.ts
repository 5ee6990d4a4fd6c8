#!/usr/bin/env node
/**
 * vcw-admin: manages projects, their settings, allowed origins and API keys in the store the environment names
 * (`DATA_DIR` for SQLite, `DATABASE_URL` for PostgreSQL). Every input is checked before the store is opened,
 * so a bad invocation writes nothing. Exit codes: 0 done, 1 no such thing or refused, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import type { KeyEnvironment, KeyType } from '../auth/api-key.js';
import { ConfigError, loadConfig } from '../config.js';
import { openStore } from '../store/database.js';
import { MAX_ROLL_OVERLAP_SECONDS, ProjectStore } from '../store/project-store.js';
import { createKey, listKeys, revokeKey, rollKey } from './commands/keys.js';
import { addOrigin, removeOrigin, toOrigin } from './commands/origins.js';
import { brandProject, createProject, listProjects, updateProject } from './commands/projects.js';
import { checkBranding } from '../join-page/branding-check.js';
import { ServiceError } from '../errors.js';
import { ProjectBrandingStore } from '../store/project-branding-store.js';
import type { ProjectBranding } from '../store/project-branding-store.js';
import { Args, BIN, DEFAULT_ROLL_OVERLAP_SECONDS, usageError, type Values } from './args.js';
import { CliError, EXIT, render, type CommandResult, type ExitCode } from './output.js';

const ENVIRONMENTS = ['test', 'live'] as const satisfies readonly KeyEnvironment[];
const KEY_TYPES = ['publishable', 'secret'] as const satisfies readonly KeyType[];
const ON_OFF = ['on', 'off'] as const;

interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** How help names the option's value. */
  value?: string;
  help: string;
}

/** A checked invocation, ready to run against the store. */
type Run = (store: ProjectStore, branding: ProjectBrandingStore) => Promise<CommandResult>;

interface CommandSpec {
  /** What follows the command's name, for help and usage messages. */
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Names of the positional arguments, all required. */
  positionals: string[];
  prepare(args: Args): Run;
}

const ENVIRONMENT_OPTION: OptionSpec = {
  type: 'string',
  value: 'test|live',
  help: 'test (default) or live: which kind of key to mint',
};
const PROJECT_OPTION: OptionSpec = { type: 'string', value: 'ID', help: 'the project id (see projects list)' };

const COMMANDS: Record<string, Record<string, CommandSpec>> = {
  projects: {
    create: {
      usage: '--name NAME --origin URL [--origin URL…] [--environment test|live] [--no-ad-hoc-rooms]',
      summary:
        'Creates a project with a publishable and a secret key. The keys are shown this once; the store keeps only their hashes.',
      options: {
        name: { type: 'string', value: 'NAME', help: 'a name people recognise' },
        origin: {
          type: 'string',
          multiple: true,
          value: 'URL',
          help: 'an origin whose pages may use the publishable key, e.g. https://acme.example (repeatable)',
        },
        environment: ENVIRONMENT_OPTION,
        'no-ad-hoc-rooms': {
          type: 'boolean',
          help: 'the publishable key joins only rooms created through the REST API, instead of opening a public room for any new name',
        },
      },
      positionals: [],
      prepare: (a) => {
        const input = {
          name: a.required('name'),
          origins: a.list('origin').map(toOrigin),
          environment: a.choice('environment', ENVIRONMENTS, 'test'),
          allowAdHocRooms: !a.flag('no-ad-hoc-rooms'),
        };
        return (store) => createProject(store, input);
      },
    },
    list: {
      usage: '',
      summary: 'Lists every project with its allowed origins and whether it allows ad-hoc rooms.',
      options: {},
      positionals: [],
      prepare: () => listProjects,
    },
    update: {
      usage: '--project ID --ad-hoc-rooms on|off',
      summary:
        "Changes a project's settings. --ad-hoc-rooms off: its publishable keys join only rooms created through the REST API (public rooms that exist keep working); on: joining a new name opens a public room.",
      options: {
        project: PROJECT_OPTION,
        'ad-hoc-rooms': {
          type: 'string',
          value: 'on|off',
          help: 'whether a publishable key may open a public room by joining a new name',
        },
      },
      positionals: [],
      prepare: (a) => {
        const input = { projectId: a.required('project'), allowAdHocRooms: a.choice('ad-hoc-rooms', ON_OFF) === 'on' };
        return (store) => updateProject(store, input);
      },
    },
    brand: {
      usage: '--project ID [--display-name TEXT] [--accent-color #RRGGBB] [--logo-url URL]',
      summary:
        "Sets how the project's join page (the url of rooms and tokens) looks. Each option given changes; 'none' clears one.",
      options: {
        project: PROJECT_OPTION,
        'display-name': {
          type: 'string',
          value: 'TEXT',
          help: "the name the page shows (default: the project's name)",
        },
        'accent-color': { type: 'string', value: '#RRGGBB', help: 'the colour of buttons and highlights' },
        'logo-url': { type: 'string', value: 'URL', help: 'an https:// image shown beside the name' },
      },
      positionals: [],
      prepare: (a) => {
        const input = { projectId: a.required('project'), patch: brandingPatch(a) };
        return (store, branding) => brandProject(store, branding, input);
      },
    },
  },
  origins: {
    add: {
      usage: '--project ID URL',
      summary: "Allows pages on another origin to use the project's publishable keys.",
      options: { project: PROJECT_OPTION },
      positionals: ['URL'],
      prepare: (a) => {
        const input = { projectId: a.required('project'), origin: toOrigin(a.positional(0)) };
        return (store) => addOrigin(store, input);
      },
    },
    remove: {
      usage: '--project ID URL',
      summary: "Stops pages on an origin from using the project's publishable keys.",
      options: { project: PROJECT_OPTION },
      positionals: ['URL'],
      prepare: (a) => {
        const input = { projectId: a.required('project'), origin: toOrigin(a.positional(0)) };
        return (store) => removeOrigin(store, input);
      },
    },
  },
  keys: {
    create: {
      usage: '--project ID --type publishable|secret [--environment test|live]',
      summary: 'Mints a key for a project and shows it this once; the store keeps only its hash.',
      options: {
        project: PROJECT_OPTION,
        type: {
          type: 'string',
          value: 'publishable|secret',
          help: 'publishable (for pages, locked to origins) or secret (for servers)',
        },
        environment: ENVIRONMENT_OPTION,
      },
      positionals: [],
      prepare: (a) => {
        const input = {
          projectId: a.required('project'),
          type: a.choice('type', KEY_TYPES),
          environment: a.choice('environment', ENVIRONMENTS, 'test'),
        };
        return (store) => createKey(store, input);
      },
    },
    list: {
      usage: '--project ID',
      summary: "Lists a project's keys, newest first: prefix and last four characters only, never a whole key.",
      options: { project: PROJECT_OPTION },
      positionals: [],
      prepare: (a) => {
        const input = { projectId: a.required('project') };
        return (store) => listKeys(store, input);
      },
    },
    revoke: {
      usage: 'KEY_ID',
      summary: 'Revokes a key: it stops working at once.',
      options: {},
      positionals: ['KEY_ID'],
      prepare: (a) => {
        const input = { keyId: a.positional(0) };
        return (store) => revokeKey(store, input);
      },
    },
    roll: {
      usage: 'KEY_ID [--overlap SECONDS]',
      summary:
        'Replaces a key with a new one (shown this once); the old one keeps working for the overlap, so the new one can be deployed first.',
      options: {
        overlap: {
          type: 'string',
          value: 'SECONDS',
          help: `how long the old key keeps working, in seconds (default ${DEFAULT_ROLL_OVERLAP_SECONDS}; 0 stops it at once; at most ${MAX_ROLL_OVERLAP_SECONDS})`,
        },
      },
      positionals: ['KEY_ID'],
      prepare: (a) => {
        const input = { keyId: a.positional(0), overlapSeconds: a.overlap() };
        return (store) => rollKey(store, input);
      },
    },
  },
};

/** Reads the argument list: either help to print, or a checked command to run. */
function resolve(argv: string[]): { help: string } | { run: Run; json: boolean } {
  const [group, action, ...rest] = argv;
  if (group === undefined) throw usageError('Missing command.');
  if (group === '--help' || group === '-h') return { help: overview(Object.keys(COMMANDS)) };
  if (group.startsWith('-'))
    throw usageError(
      `The command comes first, then its options: ${BIN} <command> [options] (got ${JSON.stringify(group)}).`,
    );
  const actions = COMMANDS[group];
  if (!actions) throw usageError(`Unknown command ${JSON.stringify(group)}.`);
  if (action === '--help' || action === '-h') return { help: overview([group]) };
  if (action === undefined) throw usageError(`Missing command: ${group} ${Object.keys(actions).join('|')}.`, group);
  const spec = actions[action];
  const name = `${group} ${action}`;
  if (!spec) throw usageError(`Unknown command ${JSON.stringify(name)}.`, group);

  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: { ...spec.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    // parseArgs explains at length how to pass positionals starting with '-'; its first sentence is the point.
    const first = (error as Error).message.split(/\.\s/)[0] ?? 'Bad arguments';
    throw usageError(`${name}: ${first.replace(/\.$/, '')}.`, name);
  }
  if (parsed.values['help'] === true) return { help: commandHelp(name, spec) };
  const extra = parsed.positionals.slice(spec.positionals.length);
  if (extra.length > 0) throw usageError(`${name}: unexpected argument ${JSON.stringify(extra[0])}.`, name);
  const missing = spec.positionals.slice(parsed.positionals.length);
  if (missing.length > 0) throw usageError(`${name}: ${missing.join(' ')} is required.`, name);
  return { run: spec.prepare(new Args(name, parsed.values, parsed.positionals)), json: parsed.values['json'] === true };
}

function overview(groups: string[]): string {
  const lines = groups.flatMap((group) =>
    Object.entries(COMMANDS[group] ?? {}).map(
      ([action, spec]) => `  ${`${group} ${action} ${spec.usage}`.trimEnd()}\n      ${spec.summary}`,
    ),
  );
  return [
    `${BIN}: manage the projects (and their settings), allowed origins and API keys of the video-chat-widget service.`,
    '',
    `Usage: ${BIN} <command> [options]    (in the repository: npm run admin -- <command>)`,
    '',
    'Commands:',
    ...lines,
    '',
    'Every command takes --json (one JSON document on stdout) and --help.',
    'The store is SQLite in DATA_DIR (./data), or PostgreSQL when DATABASE_URL is set.',
    'Exit codes: 0 done, 1 no such project or key (or refused), 2 bad usage.',
    '',
  ].join('\n');
}

function commandHelp(name: string, spec: CommandSpec): string {
  const options: [string, string][] = [
    ...Object.entries(spec.options).map(([flag, o]): [string, string] => [
      `--${flag}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
      o.help,
    ]),
    ['--json', 'print one JSON document on stdout'],
    ['--help', 'show this help'],
  ];
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `Usage: ${BIN} ${name} ${spec.usage}`.trimEnd(),
    '',
    spec.summary,
    '',
    'Options:',
    ...options.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`),
    '',
  ].join('\n');
}

/** The branding options given, checked as the REST API checks them ('none' clears one). */
function brandingPatch(a: Args): Partial<ProjectBranding> {
  const patch: Partial<ProjectBranding> = {};
  const fields = { 'display-name': 'displayName', 'accent-color': 'accentColor', 'logo-url': 'logoUrl' } as const;
  for (const [option, field] of Object.entries(fields)) {
    const value = a.optional(option);
    if (value !== undefined) patch[field] = value === 'none' ? null : value;
  }
  if (Object.keys(patch).length === 0) throw a.usage('give at least one of --display-name, --accent-color, --logo-url');
  try {
    return checkBranding(patch);
  } catch (error) {
    if (error instanceof ServiceError)
      throw a.usage(
        error.message
          .replace(/\.$/, '')
          .replace(/^(\w+)/, (field) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
      );
    throw error;
  }
}

async function main(argv: string[]): Promise<ExitCode> {
  const invocation = resolve(argv);
  if ('help' in invocation) {
    process.stdout.write(invocation.help);
    return EXIT.ok;
  }
  const db = await openStore(loadConfig(process.env));
  try {
    const result = await invocation.run(new ProjectStore(db), new ProjectBrandingStore(db));
    process.stdout.write(render(result, invocation.json));
  } finally {
    await db.destroy();
  }
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Only the message: a stack helps nobody running an admin command, and messages never carry keys.
    const code = error instanceof CliError ? error.exitCode : error instanceof ConfigError ? EXIT.usage : EXIT.refused;
    process.stderr.write(`${BIN}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = code;
  },
);
