import { Type, type Static } from '@sinclair/typebox';

/** How healthy a participant's worst media link is, as its widget rates it (what the tile indicator shows). */
export const CallNetworkQuality = Type.Union([Type.Literal('good'), Type.Literal('fair'), Type.Literal('poor')]);
export type CallNetworkQuality = Static<typeof CallNetworkQuality>;

/**
 * `call:quality` — this participant's widget reports, when it changes (at most every few seconds), the
 * quality of its worst settled media link and whether any of its links goes through a TURN relay. The
 * service keeps the worst quality and whether any relay was used per call, for the call summary.
 */
export const CallQualityRequest = Type.Object(
  { quality: CallNetworkQuality, relay: Type.Boolean() },
  { additionalProperties: false },
);
export type CallQualityRequest = Static<typeof CallQualityRequest>;
