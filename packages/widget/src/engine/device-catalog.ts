/**
 * The cameras, microphones and speakers the browser offers, kept current on `devicechange`, and the speaker
 * chosen for the call's sound. Labels are empty until the page has camera or microphone permission, so the
 * lists are refreshed once the devices are open.
 */
import { siteMemory } from './site-memory.js';
import { TypedEmitter } from './typed-emitter.js';

/** A device the user can pick. */
export interface DeviceInfo {
  id: string;
  label: string;
}

type DeviceCatalogEvents = { change: [] };

export class DeviceCatalog extends TypedEmitter<DeviceCatalogEvents> {
  cameras: DeviceInfo[] = [];
  microphones: DeviceInfo[] = [];
  /** Empty where the browser cannot route audio to a chosen output (`HTMLMediaElement.setSinkId`). */
  speakers: DeviceInfo[] = [];
  /** The audio output the element plays remote participants on (null: the system default). */
  speakerId: string | null = null;
  private watching = false;
  private readonly onDeviceChange = () => void this.refresh();

  /** The browser can send audio to a chosen output device. */
  static get canChooseSpeaker(): boolean {
    return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
  }

  /** Lists the devices now and whenever one is plugged in or out. */
  watch(): Promise<void> {
    if (!this.watching && navigator.mediaDevices) {
      this.watching = true;
      navigator.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
    }
    return this.refresh();
  }

  unwatch(): void {
    this.watching = false;
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
  }

  async refresh(): Promise<void> {
    const all = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    // Before permission the browser lists one anonymous device per kind (empty id): nothing to choose yet.
    const of = (kind: MediaDeviceKind) =>
      all.filter((d) => d.kind === kind && d.deviceId).map((d) => ({ id: d.deviceId, label: d.label }));
    this.cameras = of('videoinput');
    this.microphones = of('audioinput');
    this.speakers = DeviceCatalog.canChooseSpeaker ? of('audiooutput') : [];
    // A remembered speaker that is gone (unplugged, or ids reset with the site's data) is ignored.
    const remembered = siteMemory.get('speaker');
    this.speakerId = this.speakers.some((d) => d.id === remembered) ? remembered : null;
    this.emit('change');
  }

  /** Plays the call on `id` from now on, and remembers it for this site. */
  selectSpeaker(id: string): void {
    if (!this.speakers.some((d) => d.id === id)) return;
    this.speakerId = id;
    siteMemory.set('speaker', id);
    this.emit('change');
  }
}
