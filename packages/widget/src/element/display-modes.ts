/**
 * How the call is presented on this device: full screen (the whole widget), picture-in-picture (one remote
 * video), and the speaker the remote participants play on. The browser is asked, and followed, since the user
 * can leave either mode with its own controls (Esc, the floating window's close button).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Participant } from '../engine/peer-mesh.js';

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };

export class DisplayModes implements ReactiveController {
  fullscreen = false;
  pictureInPicture = false;
  private readonly onFullscreenChange = () => {
    this.fullscreen = document.fullscreenElement === this.host;
    this.host.requestUpdate();
  };

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
  }

  hostDisconnected(): void {
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
  }

  async toggleFullscreen(): Promise<void> {
    if (document.fullscreenElement === this.host) await document.exitFullscreen();
    else await this.host.requestFullscreen();
  }

  /** Floats the active speaker's video, else the first remote one (or closes the floating one). */
  async togglePictureInPicture(participants: Participant[]): Promise<void> {
    if (document.pictureInPictureElement) {
      await document.exitPictureInPicture();
      return;
    }
    const video = this.videoToFloat(participants);
    if (!video) return;
    video.addEventListener(
      'leavepictureinpicture',
      () => {
        this.pictureInPicture = false;
        this.host.requestUpdate();
      },
      { once: true },
    );
    await video.requestPictureInPicture();
    this.pictureInPicture = true;
    this.host.requestUpdate();
  }

  /** Plays every remote video on `speakerId` (null: the system default), where the browser can choose. */
  routeSound(speakerId: string | null): void {
    const sink = speakerId ?? '';
    for (const video of this.host.renderRoot.querySelectorAll<HTMLVideoElement>('video[part="remote-video"]')) {
      if ('setSinkId' in video && video.sinkId !== sink) video.setSinkId(sink).catch(() => undefined);
    }
  }

  private videoToFloat(participants: Participant[]): HTMLVideoElement | null {
    const seen = participants.filter((p) => p.stream);
    const chosen = seen.find((p) => p.speaking) ?? seen[0];
    if (!chosen) return null;
    return this.host.renderRoot.querySelector<HTMLVideoElement>(
      `video[part="remote-video"][data-peer-id="${CSS.escape(chosen.peerId)}"]`,
    );
  }
}
