import { Type, type Static } from '@sinclair/typebox';

/** The Socket.io `auth` payload sent with every connection. */
export const HandshakeAuth = Type.Object(
  {
    protocol: Type.Integer({ minimum: 1, maximum: 1000 }),
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    // Exactly one of apiKey and token is checked by the service.
    // Added by socket.io-client when it tries to recover a dropped session (connection state recovery). A
    // session the service still holds never reaches the handshake check; one it does not know (the service
    // restarted) arrives here with them and is a fresh connection.
    pid: Type.Optional(Type.String({ maxLength: 64 })),
    offset: Type.Optional(Type.String({ maxLength: 64 })),
    // With several nodes: the latest resume token the service gave this widget (`JoinResult.resume`,
    // `SessionInfo.resume`, `QueueEntered.resume`), to take its seat, and its place in a queue, back through
    // another node when the one it was on went away.
    resume: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type HandshakeAuth = Static<typeof HandshakeAuth>;
