/**
 * Wraps each command handler so that no handler ever sees an unvalidated payload or a flood, every command
 * gets exactly one acknowledgement (or, for one sent without, its refusal where the command says), and a
 * failure becomes an error ack instead of a crash.
 */
import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { errorBody, type Ack, type ClientCommand, type ErrorBody, type SocketData } from '@vcw/shared';
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

/** Runs one command `socket` sent (`args`: its payload, then its acknowledgement if it asked for one). */
export function runCommand(socket: SignalingSocket, ctx: SignalingContext, spec: Command, args: unknown[]): void {
  const { event } = spec;
  const ack = args.at(-1);
  const acknowledged = typeof ack === 'function';
  const payload = acknowledged ? (args.length > 1 ? args[0] : undefined) : args[0];
  const answer = acknowledged
    ? (ack as (reply: Ack) => void)
    : spec.refusedWithoutAck &&
      ((result: Ack) => void (result.ok || spec.refusedWithoutAck!(result.error, payload, socket)));
  if (throttled(socket, ctx, answer)) {
    ctx.metrics.commands.inc({ command: event, outcome: 'rate_limited' });
    return;
  }
  if (!answer) {
    ctx.log.debug({ event, socket: socket.id }, 'command without acknowledgement ignored');
    return;
  }
  const reply = (result: Ack) => {
    ctx.metrics.commands.inc({ command: event, outcome: result.ok ? 'ok' : result.error.code });
    answer(result);
  };
  const check = validatorOf(spec.schema);
  if (!check.Check(payload)) {
    const first = check.Errors(payload).First();
    const where = first ? `${first.path || '(payload)'}: ${first.message}` : 'payload';
    reply({ ok: false, error: errorBody('invalid_payload', `Invalid ${event} payload at ${where}.`) });
    return;
  }
  // A project's commands take their turn beside the other projects' (a flood in one holds up only itself).
  ctx.turns.run(`project:${socket.data.projectId ?? ''}`, () => {
    // A command that waited for its turn is dropped if its connection went meanwhile: nobody is there to answer.
    if (!socket.connected) return;
    Promise.resolve()
      .then(() => spec.handle(payload, socket, ctx))
      .then(
        (result) => reply({ ok: true, ...result }),
        (error: unknown) => {
          if (error instanceof ServiceError) {
            reply({ ok: false, error: error.toBody() });
          } else {
            ctx.log.error({ err: error, event }, 'signaling command failed');
            reply({ ok: false, error: errorBody('internal_error') });
          }
        },
      );
  });
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
  const verdict = ctx.limits.signals && spendOwn(socket, 'messages', ctx.limits.signals);
  if (!verdict || verdict.ok) return false;
  reply?.({
    ok: false,
    error: errorBody('rate_limited', `Too many messages on this connection; retry in ${verdict.retryAfterMs} ms.`),
  });
  if (!spendOwn(socket, 'strikes', ctx.limits.strikes).ok && socket.connected) {
    ctx.log.warn({ socket: socket.id, project: socket.data.projectId }, 'connection closed for flooding');
    closeSession(socket, errorBody('rate_limited', 'This connection sent too many messages and was closed.'));
  }
  return true;
}

/** Spends one token of the connection's own allowance under `limiter` (kept in its data: it travels with it). */
export function spendOwn(
  socket: SignalingSocket,
  which: keyof NonNullable<SocketData['allowance']>,
  limiter: RateLimiter,
): Verdict {
  const allowance = (socket.data.allowance ??= {});
  return limiter.spend((allowance[which] ??= limiter.full()));
}
