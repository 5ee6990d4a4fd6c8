/**
 * Makes the call's peer links: each with this participant's tracks and the route's ICE servers and policy;
 * one "warm" link made before joining, whose offer travels with the join request so that the call with the
 * first participant met starts a round trip sooner; and, once seated, one made ahead for the next newcomer
 * (tracks attached, sender settings applied), so that their offer is answered without building a link first.
 */
import type { IceServer, JoinResult, PeerInfo, SessionInfo } from '@vcw/shared';
import type { MediaManager } from './media-manager.js';
import type { OutgoingMedia } from './outgoing-media.js';
import { PeerLink } from './peer-link.js';

/** Where a link's ICE servers and policy come from: the session's before joining, the room's after. */
export type LinkRoute = Pick<SessionInfo, 'iceServers' | 'iceTransportPolicy'>;

export class LinkFactory {
  /** The link made before joining, with its offer under way; null once taken or dropped. */
  warm: PeerLink | null = null;
  /** The link made ahead for the next newcomer of the room, waiting for their offer; null once taken or dropped. */
  answering: PeerLink | null = null;

  constructor(
    private readonly media: MediaManager,
    private readonly outgoing: OutgoingMedia,
    /** Fresh ICE servers (new TURN credentials) for an ICE restart. */
    private readonly freshIceServers: () => Promise<IceServer[]>,
  ) {}

  /** A link under `route` that makes the first offer (`initiator`) or answers one; `tracksAhead`: see PeerLinkOptions. */
  create(route: LinkRoute, initiator: boolean, tracksAhead = false): PeerLink {
    const { outgoing } = this;
    const localTracks = { audio: outgoing.audioTrack, video: outgoing.videoTrack };
    const { iceServers, iceTransportPolicy } = route;
    const link = new PeerLink({
      iceServers,
      iceTransportPolicy,
      localTracks,
      localStream: this.media.stream ?? new MediaStream(),
      initiator,
      tracksAhead,
      freshIceServers: this.freshIceServers,
    });
    link.setSendLimit(outgoing.sendLimit);
    return link;
  }

  /** Makes the warm link under `route` (the session's), unless there is one. */
  warmUp(route: LinkRoute): void {
    this.warm ??= this.create(route, true);
  }

  /** Makes the link for the next newcomer under `route` (the room's), unless there is one. */
  answerAhead(route: LinkRoute): void {
    this.answering ??= this.create(route, false, true);
  }

  /**
   * The link for a newcomer of the room seated under `route`: the one made ahead if it fits the route's policy
   * (closed otherwise), else a new one.
   */
  forNewcomer(route: LinkRoute): PeerLink {
    const ahead = this.answering;
    this.answering = null;
    if (ahead?.iceTransportPolicy === route.iceTransportPolicy) return ahead;
    ahead?.close();
    return this.create(route, false);
  }

  /** Drops the link made ahead (the room was left, or its ICE servers changed). */
  dropAnswering(): void {
    this.answering?.close();
    this.answering = null;
  }

  /** The links made before they carry a call (the warm one, the one made ahead): they send what the call sends. */
  spares(): PeerLink[] {
    return [this.warm, this.answering].filter((link): link is PeerLink => link !== null);
  }

  /** Hands the warm link over to a join (null if there is none). */
  take(): PeerLink | null {
    const warm = this.warm;
    this.warm = null;
    return warm;
  }

  /**
   * Makes a link to every peer already in the room a join took us into, and hands each to `add`. The warm link
   * serves the peer that received its offer with the join (or, if it was not ready, the first), unless the room
   * is relay-only and the link was not: then every link is made under the room's policy. Returns the warm link
   * if it served no one (for the caller to close).
   */
  callPeers(
    result: JoinResult,
    warm: PeerLink | null,
    add: (peer: PeerInfo, link: PeerLink, offerDelivered: boolean) => void,
  ): PeerLink | null {
    const warmFits = warm !== null && warm.iceTransportPolicy === result.iceTransportPolicy;
    const warmFor = warmFits ? (result.offeredTo ?? result.peers[0]?.peerId) : undefined;
    for (const peer of result.peers) {
      const useWarm = warm !== null && peer.peerId === warmFor;
      add(peer, useWarm ? warm! : this.create(result, true), useWarm && result.offeredTo === warmFor);
      if (useWarm) warm = null;
    }
    return warm;
  }

  drop(): void {
    this.warm?.close();
    this.warm = null;
    this.dropAnswering();
  }
}
