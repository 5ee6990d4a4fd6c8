/// <reference types="mocha" />
// Every screen the widget draws, in both themes, through axe-core: no serious or critical WCAG A/AA violation.
// The views are the element's own templates and styles, rendered from view-models (the matching screens
// need no queue of real people to be drawn as they are).
import { expect } from '@esm-bundle/chai';
import type { TemplateResult } from 'lit';
import { renderAgentConsole } from '../src/ui/agent-console.js';
import { renderCall } from '../src/ui/call-view.js';
import { renderMatchControls } from '../src/ui/match-controls.js';
import { visitorNotice } from '../src/ui/notice.js';
import { renderPrejoin } from '../src/ui/prejoin-view.js';
import { renderQueueOutcome } from '../src/ui/queue-outcome.js';
import { adoptRecordingStyles } from '../src/ui/recording-styles.js';
import { renderRecordButton, renderRecordingStatus } from '../src/ui/recording-view.js';
import { renderStatsPanel } from '../src/ui/stats-panel.js';
import { renderWaiting } from '../src/ui/waiting-view.js';
import { seriousViolations } from './axe.js';
import { agentConsole, matchControls, mountQueueView, qs, waitingStatus, waitingView } from './queue-fixtures.js';
import { callView, en, mount, prejoinView, recordingView as recording, tile } from './ui-fixtures.js';

/** This visitor's microphone and camera, both off. */
const devicesOff = {
  stream: null,
  asked: true,
  hasMicrophone: true,
  hasCamera: true,
  microphoneOn: false,
  cameraOn: false,
  screenSharing: false,
  canShareScreen: true,
  speaking: false,
};
/** A call with this visitor's microphone and camera off and three chat messages unread. */
const devicesOffUnreadChat = () => callView({ unread: 3, local: devicesOff });
const stats = [{ peerId: 'p1', displayName: 'Grace Hopper', rows: [] }];

/** Each state: a name, and how to draw it (its template and view-model). */
const STATES: Array<
  [
    string,
    () => { draw: (view: never) => TemplateResult; view: object; queue?: boolean; recording?: boolean; width?: number },
  ]
> = [
  ['pre-join', () => ({ draw: renderPrejoin, view: prejoinView() })],
  [
    'pre-join with a device problem',
    () => ({
      draw: renderPrejoin,
      view: prejoinView({
        issue: { code: 'media_permission_denied', text: en.noticeBlocked, help: en.allowChromium, action: en.tryAgain },
      }),
    }),
  ],
  // Each kind of notice a visitor reads: an alert with "Try again", and a passing state (an info status).
  [
    'pre-join: this call is full',
    () => ({ draw: renderPrejoin, view: prejoinView({ issue: visitorNotice('room_full', false, en) }) }),
  ],
  [
    "pre-join: can't reach video chat, trying again",
    () => ({ draw: renderPrejoin, view: prejoinView({ issue: visitorNotice('connection_failed', false, en) }) }),
  ],
  [
    'pre-join: video calls not supported in this browser',
    () => ({ draw: renderPrejoin, view: prejoinView({ issue: visitorNotice('webrtc_unsupported', false, en) }) }),
  ],
  [
    'pre-join with camera and microphone off',
    () => ({
      draw: renderPrejoin,
      view: prejoinView({ local: devicesOff }),
    }),
  ],
  [
    'call',
    () => ({
      draw: renderCall,
      view: callView({
        tiles: [
          tile('p1', { displayName: 'Grace Hopper', speaking: true }),
          tile('p2', { microphoneOn: false, cameraOn: false, quality: 'poor' }),
        ],
      }),
    }),
  ],
  [
    'call, microphone and camera off, unread chat',
    () => ({
      draw: renderCall,
      view: devicesOffUnreadChat(),
    }),
  ],
  [
    'call in a wide widget: every control in words, microphone and camera off, unread chat',
    () => ({
      draw: renderCall,
      width: 1280,
      view: devicesOffUnreadChat(),
    }),
  ],
  [
    'call as a text chat',
    () => ({
      draw: renderCall,
      view: callView({ textOnly: { reason: en.textOnlyNoConnection }, tiles: [tile('p1', { textOnly: true })] }),
    }),
  ],
  [
    'chat panel',
    () => ({
      draw: renderCall,
      view: callView({
        panel: 'chat',
        chat: [
          { id: 'm1', from: 'p1', displayName: 'Grace Hopper', text: 'Hello!', ts: 0, self: false, time: '10:02' },
          { id: 'm2', from: 'me', displayName: 'Ada Lovelace', text: 'Hi', ts: 1, self: true, time: '10:03' },
        ] as never,
      }),
    }),
  ],
  [
    'participants panel',
    () => ({
      draw: renderCall,
      view: callView({ panel: 'participants', tiles: [tile('p1'), tile('p2', { microphoneOn: false })] }),
    }),
  ],
  [
    'stats panel',
    () => ({
      draw: renderCall,
      view: callView({ panel: 'stats', stats: stats as never, statsPanel: renderStatsPanel([], en) } as never),
    }),
  ],
  [
    'recording: indicator, leave me out',
    () => ({
      draw: renderCall,
      recording: true,
      view: callView({
        recording: {
          button: renderRecordButton(recording({ active: { self: false, by: 'Grace' }, included: true })),
          status: renderRecordingStatus(recording({ active: { self: false, by: 'Grace' }, included: true })),
        },
      } as never),
    }),
  ],
  [
    'recording: consent asked',
    () => ({
      draw: renderCall,
      recording: true,
      view: callView({
        recording: {
          button: renderRecordButton(recording({})),
          status: renderRecordingStatus(recording({ ask: { requestId: 'r1', by: 'Grace' } })),
        },
      } as never),
    }),
  ],
  [
    'recording: by me, with a download',
    () => ({
      draw: renderCall,
      recording: true,
      view: callView({
        recording: {
          button: renderRecordButton(recording({ recording: true, active: { self: true } })),
          status: renderRecordingStatus(
            recording({
              recording: true,
              active: { self: true },
              download: { url: 'blob:x', fileName: 'call.webm', durationMs: 65_000 },
            }),
          ),
        },
      } as never),
    }),
  ],
  [
    'random: waiting',
    () => ({
      draw: renderWaiting,
      queue: true,
      view: waitingView({ mode: 'random', status: waitingStatus({ agentsOnline: 0, estimatedWaitMs: null }) }),
    }),
  ],
  [
    'random: call with Next and the report form',
    () => ({
      draw: renderCall,
      queue: true,
      view: callView({ strings: qs, matchControls: renderMatchControls(matchControls({ reportOpen: true })) } as never),
    }),
  ],
  [
    'support: waiting in line',
    () => ({ draw: renderWaiting, queue: true, view: waitingView({ message: 'My camera does not work' }) }),
  ],
  ['support: joining the queue', () => ({ draw: renderWaiting, queue: true, view: waitingView({ status: null }) })],
  [
    'support: no agent online, the ticket form',
    () => ({ draw: renderWaiting, queue: true, view: waitingView({ status: waitingStatus({ agentsOnline: 0 }) }) }),
  ],
  [
    'support: message left',
    () => ({
      draw: renderQueueOutcome,
      queue: true,
      view: { strings: qs, outcome: { kind: 'ticket-sent' }, onCallAgain() {} },
    }),
  ],
  [
    'support: declined',
    () => ({
      draw: renderQueueOutcome,
      queue: true,
      view: { strings: qs, outcome: { kind: 'declined', reason: 'Please call back tomorrow' }, onCallAgain() {} },
    }),
  ],
  ['agent console', () => ({ draw: renderAgentConsole, queue: true, view: agentConsole() })],
  [
    'agent console: away, nobody waiting',
    () => ({ draw: renderAgentConsole, queue: true, view: agentConsole({ available: false, customers: [] }) }),
  ],
  [
    'agent console: the decline form',
    () => ({
      draw: renderAgentConsole,
      queue: true,
      view: agentConsole({ declining: 'customer-aaaa1111', declineReason: 'Busy' }),
    }),
  ],
];

describe('accessibility of every screen (axe-core)', () => {
  for (const theme of ['light', 'dark'] as const) {
    for (const [name, state] of STATES) {
      it(`${name}, ${theme} theme: no serious or critical violation`, async () => {
        const { draw, view, queue, recording: withRecording, width } = state();
        const ui = (queue ? mountQueueView : mount)(draw, view as never, width);
        if (withRecording) adoptRecordingStyles(ui.root);
        ui.host.setAttribute('theme', theme);
        expect(await seriousViolations(ui.host)).to.deep.equal([]);
      });
    }
  }
});
