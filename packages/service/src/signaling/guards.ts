/**
 * Wraps each command handler so that no handler ever sees an unvalidated payload or a flood, every command
 * gets exactly one acknowledgement (or, for one sent without, its refusal where the command says), and a
 * failure becomes an error ack instead of a crash.
 */
import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { errorBody, type Ack, type ClientCommand, type ErrorBody } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import type { RateLimiter, Verdict } from '../limits/rate-limiter.js';
import type { SignalingContext, SignalingSocket } from './context.js';
import { closeSession } from './sockets.js';

/** What a command does with a valid payload from `socket`; its result (or `ServiceError`) is the acknowledgement. */
type Handler<S extends TSchema, R extends object> = (
  payload: Static<S>,
  socket: SignalingSocket,
  ctx: SignalingContext,
) => Promise<R> | R;

/**
 * A command a connection may send. Commands are defined once for the service, not per connection: a
 * connection's commands cost it no listener or closure of its own (see `receiveCommands`).
 */
export interface Command {
  event: ClientCommand;
  schema: TSchema;
  handle: Handler<TSchema, object>;
  /** Where a refusal goes when the command came without an acknowledgement; without this, such a command is ignored. */
  refusedWithoutAck?: (error: ErrorBody, payload: unknown, socket: SignalingSocket) => void;
}

export function command<S extends TSchema, R extends object>(
  event: ClientCommand,
  schema: S,
  handle: Handler<S, R>,
  refusedWithoutAck?: Command['refusedWithoutAck'],
): Command {
  // The table holds every command alike; the schema checked before `handle` runs is the one it was written for.
  return {
    event,
    schema,
    handle: handle as unknown as Handler<TSchema, object>,
    ...(refusedWithoutAck ? { refusedWithoutAck } : {}),
  };
}

/** Each schema's validator, compiled once for the process, on its first use. */
const validators = new WeakMap<TSchema, ReturnType<typeof TypeCompiler.Compile>>();
function validatorOf(schema: TSchema): ReturnType<typeof TypeCompiler.Compile> {
  let check = validators.get(schema);
  if (!check) validators.set(schema, (check = TypeCompiler.Compile(schema)));
  return check;
}

/**
 * Runs one command `socket` sent: its payload, and its acknowledgement if it asked for one. What a command
 * costs per message is spent here for every command alike (signals arrive by the thousand a second), so it
 * makes no closure it does not need.
 */
export function runCommand(
  socket: SignalingSocket,
  ctx: SignalingContext,
  spec: Command,
  payload: unknown,
  ack: ((reply: Ack) => void) | undefined,
): void {
  // Without an acknowledgement, only a command that says where its refusals go is answered (see `answer`).
  const answered = ack !== undefined || spec.refusedWithoutAck !== undefined;
  const refusal = spendMessage(socket, ctx);
  if (refusal) {
    if (answered) answer(socket, spec, payload, ack, refusal);
    strike(socket, ctx);
    ctx.metrics.commands.inc({ command: spec.event, outcome: 'rate_limited' });
    return;
  }
  if (!answered) {
    ctx.log.debug({ event: spec.event, socket: socket.id }, 'command without acknowledgement ignored');
    return;
  }
  const check = validatorOf(spec.schema);
  if (!check.Check(payload)) {
    const first = check.Errors(payload).First();
    const where = first ? `${first.path || '(payload)'}: ${first.message}` : 'payload';
    reply(socket, ctx, spec, payload, ack, {
      ok: false,
      error: errorBody('invalid_payload', `Invalid ${spec.event} payload at ${where}.`),
    });
    return;
  }
  // A project's commands take their turn beside the other projects' (a flood in one holds up only itself).
  ctx.turns.run(socket.data.projectId ?? '', () => {
    // A command that waited for its turn is dropped if its connection went meanwhile: nobody is there to answer.
    if (!socket.connected) return;
    // The handler runs a microtask later, as it always has: after the rest of what this read from the network
    // brought (a drop of the same connection among it).
    Promise.resolve()
      .then(() => spec.handle(payload, socket, ctx))
      .then(
        (result) => reply(socket, ctx, spec, payload, ack, { ok: true, ...result }),
        (error: unknown) => failed(socket, ctx, spec, payload, ack, error),
      );
  });
}

type Ackable = ((reply: Ack) => void) | undefined;

/** A command's handler threw: a `ServiceError` is the answer, anything else is logged and answered as internal. */
function failed(
  socket: SignalingSocket,
  ctx: SignalingContext,
  spec: Command,
  payload: unknown,
  ack: Ackable,
  error: unknown,
) {
  if (error instanceof ServiceError) {
    reply(socket, ctx, spec, payload, ack, { ok: false, error: error.toBody() });
  } else {
    ctx.log.error({ err: error, event: spec.event }, 'signaling command failed');
    reply(socket, ctx, spec, payload, ack, { ok: false, error: errorBody('internal_error') });
  }
}

/** A command's outcome, counted and answered. */
function reply(
  socket: SignalingSocket,
  ctx: SignalingContext,
  spec: Command,
  payload: unknown,
  ack: Ackable,
  result: Ack,
) {
  ctx.metrics.commands.inc({ command: spec.event, outcome: result.ok ? 'ok' : result.error.code });
  answer(socket, spec, payload, ack, result);
}

/** Its acknowledgement, or for a command sent without one, a refusal where the command says (a success is silent). */
function answer(socket: SignalingSocket, spec: Command, payload: unknown, ack: Ackable, result: Ack) {
  if (ack) ack(result);
  else if (!result.ok) spec.refusedWithoutAck?.(result.error, payload, socket);
}

/**
 * Spends one of the socket's message tokens. Over the limit, the message is refused with `rate_limited`;
 * a socket that keeps going after its strikes run out is told why and disconnected.
 */
export function throttled(
  socket: SignalingSocket,
  ctx: SignalingContext,
  reply: ((reply: Ack) => void) | undefined,
): boolean {
  const refusal = spendMessage(socket, ctx);
  if (!refusal) return false;
  reply?.(refusal);
  strike(socket, ctx);
  return true;
}

/** Spends one of the socket's message tokens: null while it has one, else the refusal to answer with. */
function spendMessage(socket: SignalingSocket, ctx: SignalingContext): Ack | null {
  const verdict = ctx.limits.signals && spendOwn(socket, 'messageAllowance', ctx.limits.signals);
  if (!verdict || verdict.ok) return null;
  return {
    ok: false,
    error: errorBody('rate_limited', `Too many messages on this connection; retry in ${verdict.retryAfterMs} ms.`),
  };
}

/** A refused message is a strike: a socket out of strikes is told why and disconnected. */
function strike(socket: SignalingSocket, ctx: SignalingContext): void {
  if (spendOwn(socket, 'strikeAllowance', ctx.limits.strikes).ok || !socket.connected) return;
  ctx.log.warn({ socket: socket.id, project: socket.data.projectId }, 'connection closed for flooding');
  closeSession(socket, errorBody('rate_limited', 'This connection sent too many messages and was closed.'));
}

/** Spends one token of the connection's own allowance under `limiter` (kept in its data: it travels with it). */
export function spendOwn(
  socket: SignalingSocket,
  which: 'messageAllowance' | 'strikeAllowance',
  limiter: RateLimiter,
): Verdict {
  return limiter.spend((socket.data[which] ??= limiter.full()));
}
