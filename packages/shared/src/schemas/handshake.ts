import { Type, type Static } from '@sinclair/typebox';

/** The Socket.io `auth` payload sent with every connection. */
export const HandshakeAuth = Type.Object(
  {
    protocol: Type.Integer({ minimum: 1, maximum: 1000 }),
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    // Exactly one of apiKey and token is checked by the service.
  },
  { additionalProperties: false },
);
export type HandshakeAuth = Static<typeof HandshakeAuth>;
