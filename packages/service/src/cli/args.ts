/** A command's parsed arguments, and the usage errors (exit 2) that reading them can raise. */
import { MAX_ROLL_OVERLAP_SECONDS } from '../store/project-store.js';
import { CliError, EXIT } from './output.js';

export const BIN = 'vcw-admin';
export const DEFAULT_ROLL_OVERLAP_SECONDS = 86_400;

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A command's parsed arguments, read with usage errors that name the command. */
export class Args {
  constructor(
    private readonly command: string,
    private readonly values: Values,
    private readonly positionals: string[],
  ) {}

  required(name: string): string {
    const value = this.values[name];
    if (typeof value !== 'string' || value.trim() === '') throw this.usage(`--${name} is required`);
    return value.trim();
  }

  /** A string option that may be left out. */
  optional(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value.trim() : undefined;
  }

  list(name: string): string[] {
    const value = this.values[name];
    const items = (Array.isArray(value) ? value : []).filter(
      (v): v is string => typeof v === 'string' && v.trim() !== '',
    );
    if (items.length === 0) throw this.usage(`--${name} is required`);
    return items;
  }

  /** A flag without a value: true when given. */
  flag(name: string): boolean {
    return this.values[name] === true;
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback?: T): T {
    const value = this.values[name];
    if (value === undefined && fallback !== undefined) return fallback;
    if (value === undefined) throw this.usage(`--${name} is required (${choices.join(' or ')})`);
    const found = choices.find((c) => c === value);
    if (!found) throw this.usage(`--${name} must be ${choices.join(' or ')}, not ${JSON.stringify(value)}`);
    return found;
  }

  positional(index: number): string {
    const value = this.positionals[index];
    if (value === undefined) throw new Error('positional count is checked before prepare');
    return value;
  }

  overlap(): number {
    const raw = this.values['overlap'];
    if (raw === undefined) return DEFAULT_ROLL_OVERLAP_SECONDS;
    const seconds = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(seconds <= MAX_ROLL_OVERLAP_SECONDS)) {
      throw this.usage(
        `--overlap must be a whole number of seconds from 0 to ${MAX_ROLL_OVERLAP_SECONDS} (30 days), not ${JSON.stringify(raw)}`,
      );
    }
    return seconds;
  }

  usage(message: string): CliError {
    return usageError(`${this.command}: ${message}.`, this.command);
  }
}

export function usageError(message: string, command?: string): CliError {
  return new CliError(`${message} Run '${BIN} ${command ? `${command} ` : ''}--help' for usage.`, EXIT.usage);
}
