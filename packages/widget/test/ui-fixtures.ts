/// <reference types="mocha" />
/**
 * Fixtures for the view tests: view-models with recording callbacks, and a host element with the widget's
 * styles in its shadow root, re-rendered after every callback the way the element does after engine events.
 */
import { adoptStyles, render, type TemplateResult } from 'lit';
import { widgetStyles } from '../src/element/styles.js';
import { callStyles } from '../src/ui/call-styles.js';
import { panelStyles } from '../src/ui/panel-styles.js';
import { withRecordingStrings } from '../src/ui/recording-strings.js';
import { resolveStrings } from '../src/ui/strings.js';
import type {
  CallView,
  DevicesView,
  LocalMediaView,
  PrejoinView,
  RecordingView,
  TileView,
} from '../src/ui/view-model.js';

export { until } from './toolkit.js';

export const en = resolveStrings('en');

/** Callback calls, by name: `calls.onJoin` is the list of argument lists. */
export type Calls = Record<string, unknown[][]>;

export interface Mounted<V> {
  host: HTMLElement;
  root: ShadowRoot;
  view: V;
  calls: Calls;
  /** Changes the view-model and renders again. */
  update(patch: Partial<V>): void;
  /** Records the calls of `target`'s `on*` functions (a part of the view) and renders again after each. */
  track<T extends object>(target: T): T;
  $<E extends Element = HTMLElement>(selector: string): E;
  $$<E extends Element = HTMLElement>(selector: string): E[];
}

const hosts: HTMLElement[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.remove()));

/**
 * Renders `draw(view)` into a fresh styled shadow root of `width` pixels. Every `on*` function of the view (and of
 * `view.devices`) is wrapped to record its calls and re-render, unless `react` handles it first.
 */
export function mount<V extends object>(
  draw: (view: V) => TemplateResult,
  view: V,
  width = 800,
  height?: number,
): Mounted<V> {
  const host = document.createElement('div');
  host.style.width = `${width}px`;
  // A box of its own size: the widget's default cap at the viewport's height would not let a test box be taller.
  if (height) Object.assign(host.style, { height: `${height}px`, maxHeight: 'none' });
  document.body.append(host);
  hosts.push(host);
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, [widgetStyles, callStyles, panelStyles]);
  const calls: Calls = {};
  const mounted: Mounted<V> = {
    host,
    root,
    view,
    calls,
    update(patch) {
      Object.assign(view, patch); // in place: the fixtures' callbacks close over this object
      render(draw(view), root);
    },
    $: (selector) => {
      const found = root.querySelector(selector);
      if (!found) throw new Error(`nothing matches ${selector}`);
      return found as never;
    },
    $$: (selector) => [...root.querySelectorAll(selector)] as never,
    track(target) {
      record(target);
      render(draw(view), root); // the template bound the functions it was given
      return target;
    },
  };
  function record<T extends object>(target: T): T {
    for (const [key, value] of Object.entries(target)) {
      if (key.startsWith('on') && typeof value === 'function') {
        (target as Record<string, unknown>)[key] = (...args: unknown[]) => {
          (calls[key] ??= []).push(args);
          value(...args);
          render(draw(view), root);
        };
      }
    }
    return target;
  }
  record(view);
  if ('devices' in view) record(view.devices as DevicesView);
  render(draw(view), root);
  return mounted;
}

export const localMedia = (patch: Partial<LocalMediaView> = {}): LocalMediaView => ({
  stream: null,
  hasMicrophone: true,
  hasCamera: true,
  microphoneOn: true,
  cameraOn: true,
  screenSharing: false,
  canShareScreen: true,
  speaking: false,
  asked: true,
  ...patch,
});

export const devices = (patch: Partial<DevicesView> = {}): DevicesView => ({
  cameras: [
    { id: 'cam-1', label: 'Front camera' },
    { id: 'cam-2', label: '' },
  ],
  microphones: [{ id: 'mic-1', label: 'Headset microphone' }],
  speakers: [
    { id: 'spk-1', label: 'Speakers' },
    { id: 'spk-2', label: 'Headphones' },
  ],
  cameraId: 'cam-1',
  microphoneId: 'mic-1',
  speakerId: 'spk-1',
  onSelectCamera() {},
  onSelectMicrophone() {},
  onSelectSpeaker() {},
  ...patch,
});

export const tile = (peerId: string, patch: Partial<TileView> = {}): TileView => ({
  peerId,
  displayName: `Peer ${peerId}`,
  stream: null,
  connecting: false,
  microphoneOn: true,
  cameraOn: true,
  screenSharing: false,
  speaking: false,
  quality: 'good',
  textOnly: false,
  ...patch,
});

/** A pre-join view whose toggles and name field behave as the element's do. */
export function prejoinView(patch: Partial<PrejoinView> = {}): PrejoinView {
  const view: PrejoinView = {
    strings: en,
    local: localMedia(),
    devices: devices(),
    displayName: 'Ada Lovelace',
    joining: false,
    issue: null,
    onDisplayNameInput: (name) => void (view.displayName = name),
    onToggleMicrophone: () => void (view.local = { ...view.local, microphoneOn: !view.local.microphoneOn }),
    onToggleCamera: () => void (view.local = { ...view.local, cameraOn: !view.local.cameraOn }),
    onJoin() {},
    onCheckCamera() {},
    onRetry() {},
    ...patch,
  };
  return view;
}

/** A call view whose toggles and panels behave as the element's do. */
export function callView(patch: Partial<CallView> = {}): CallView {
  const view: CallView = {
    strings: en,
    local: localMedia(),
    selfName: 'Ada Lovelace',
    tiles: [tile('p1', { displayName: 'Grace Hopper' })],
    devices: devices(),
    chat: [],
    unread: 0,
    panel: null,
    stats: [],
    textOnly: null,
    fullscreen: false,
    pictureInPicture: false,
    canPictureInPicture: true,
    canFullscreen: true,
    stageId: null,
    pinnedId: null,
    speakerView: false,
    moreOpen: false,
    onTogglePin: (id) => void (view.pinnedId = view.pinnedId === id ? null : id),
    onToggleSpeakerView: () => void (view.speakerView = !view.speakerView),
    onToggleMore: () => void (view.moreOpen = !view.moreOpen),
    onTogglePanel: (panel) => void (view.panel = view.panel === panel ? null : panel),
    onToggleMicrophone: () => void (view.local = { ...view.local, microphoneOn: !view.local.microphoneOn }),
    onToggleCamera: () => void (view.local = { ...view.local, cameraOn: !view.local.cameraOn }),
    onToggleScreenShare: () => void (view.local = { ...view.local, screenSharing: !view.local.screenSharing }),
    onSendChat() {},
    onToggleFullscreen: () => void (view.fullscreen = !view.fullscreen),
    onTogglePictureInPicture: () => void (view.pictureInPicture = !view.pictureInPicture),
    onLeave() {},
    ...patch,
  };
  return view;
}

/** A live video stream drawn on a canvas (a changing colour, so frames keep coming). */
export function canvasStream(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 180;
  const context = canvas.getContext('2d')!;
  let hue = 0;
  const timer = setInterval(() => {
    context.fillStyle = `hsl(${(hue += 10) % 360} 80% 50%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
  }, 33);
  const stream = canvas.captureStream(30);
  stream.getVideoTracks()[0]!.addEventListener('ended', () => clearInterval(timer));
  streams.push(stream);
  return stream;
}

const streams: MediaStream[] = [];
afterEach(() => streams.splice(0).forEach((s) => s.getTracks().forEach((t) => t.stop())));

/** The columns a grid lays out (its computed template lists one track size per column). */
export const columns = (grid: Element): number => getComputedStyle(grid).gridTemplateColumns.split(' ').length;

/** A recording view-model whose button and answers behave as the element's do. */
export function recordingView(patch: Partial<RecordingView> = {}): RecordingView {
  const view: RecordingView = {
    strings: withRecordingStrings(en),
    recording: false,
    asking: false,
    active: null,
    ask: null,
    included: null,
    download: null,
    onToggleRecording: () =>
      void (view.recording ? Object.assign(view, { recording: false, active: null }) : (view.asking = true)),
    onAnswer: () => void (view.ask = null),
    onSetIncluded: (included) => void (view.included = included),
    ...patch,
  };
  return view;
}
