/**
 * A query built and compiled once, run with new values: the store's lookups on every connect and join (a room
 * by name, the room's open call, a project's webhook endpoints) otherwise build Kysely's whole query tree and
 * compile it to the same SQL each time, the main garbage of a join after the call itself.
 *
 * `build` gets one placeholder per value (`value(0)`, `value(1)`…) where the query takes them; `run` puts the
 * values where those placeholders landed among the compiled parameters (constants the query holds stay).
 * Compiled on first use, against the dialect of the database it first runs on: so each store holds its own.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** A placeholder no caller's value can be equal to: a NUL character starts it. */
const placeholder = (index: number): string => `\u0000value ${index}`;

export class CompiledOnce<Row> {
  private compiled: CompiledQuery<Row> | null = null;
  /** For each compiled parameter, the index of the value it takes, or -1 for a constant of the query. */
  private slots: number[] = [];

  constructor(private readonly build: (db: Kysely<Database>, value: (index: number) => string) => Compilable<Row>) {}

  /** Runs the query on `db` (a Kysely or one of its transactions) with `values` in place of the placeholders. */
  run(db: Kysely<Database>, ...values: unknown[]): Promise<QueryResult<Row>> {
    const compiled = (this.compiled ??= this.compile(db));
    const parameters = new Array<unknown>(this.slots.length);
    for (let i = 0; i < parameters.length; i++) {
      const slot = this.slots[i]!;
      parameters[i] = slot < 0 ? compiled.parameters[i] : values[slot];
    }
    return db.executeQuery<Row>({ query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters });
  }

  /** The first row, if any. */
  async first(db: Kysely<Database>, ...values: unknown[]): Promise<Row | undefined> {
    return (await this.run(db, ...values)).rows[0];
  }

  private compile(db: Kysely<Database>): CompiledQuery<Row> {
    const compiled = this.build(db, placeholder).compile();
    this.slots = compiled.parameters.map((p) =>
      typeof p === 'string' && p.startsWith('\u0000value ') ? Number(p.slice(7)) : -1,
    );
    return compiled;
  }
}
