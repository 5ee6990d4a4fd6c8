import { Participant } from '../e2e/support/participant.mjs';
import { startStack } from '../e2e/support/stack.mjs';
const INIT = () => {
  const T = (window.__trace = []);
  const now = () => performance.timeOrigin + performance.now();
  const log = (what) => T.push([now(), what]);
  window.__log = log;
  const P = RTCPeerConnection.prototype;
  for (const m of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate', 'addTrack', 'addTransceiver', 'getStats']) {
    const orig = P[m];
    P[m] = function (...a) { log(`${m}${a[0]?.type ? ' ' + a[0].type : ''} start`); const r = orig.apply(this, a); if (r && r.then) r.then(() => log(`${m} done`), () => log(`${m} failed`)); return r; };
  }
  const OrigPC = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...a) { log('new RTCPeerConnection'); const pc = new OrigPC(...a); log('new PC constructed'); pc.addEventListener('iceconnectionstatechange', () => log('ice ' + pc.iceConnectionState)); pc.addEventListener('connectionstatechange', () => log('conn ' + pc.connectionState)); pc.addEventListener('track', () => log('track')); return pc; };
  window.RTCPeerConnection.prototype = P;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (d) { if (typeof d === 'string' && d.length > 1) log('ws> ' + d.slice(0, 60)); return send.call(this, d); };
  const add = WebSocket.prototype.addEventListener;
  const OrigWS = window.WebSocket;
  window.WebSocket = function (...a) { const ws = new OrigWS(...a); ws.addEventListener('message', (e) => { if (typeof e.data === 'string' && e.data.length > 1) log('ws< ' + e.data.slice(0, 60)); }); return ws; };
  Object.assign(window.WebSocket, OrigWS); window.WebSocket.prototype = OrigWS.prototype;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) T.push([performance.timeOrigin + e.startTime, 'LONGTASK ' + e.duration.toFixed(0) + 'ms']); }).observe({ type: 'longtask' });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) T.push([performance.timeOrigin + e.startTime, 'fetch ' + e.name.split('/').pop() + ' ' + e.duration.toFixed(0) + 'ms']); }).observe({ type: 'resource' });
};
const stack = await startStack();
for (let trial = 0; trial < 2; trial++) {
  const room = `trace-${trial}`;
  const a = await Participant.open(stack, { room, name: 'A', initScript: INIT });
  const b = await Participant.open(stack, { room, name: 'B', initScript: INIT });
  await a.join(); await a.waitForEvent('vc-join');
  await b.button('check-camera-button').click();
  await b.page.waitForFunction(() => document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="local-video"]')?.videoWidth > 0);
  await new Promise((r) => setTimeout(r, 500));
  for (const p of [a, b]) await p.page.evaluate(() => { const poll = () => { const v = document.querySelector('video-chat-widget').shadowRoot.querySelector('video[part="remote-video"]'); if (v) v.requestVideoFrameCallback(() => window.__log('FIRST REMOTE FRAME')); else setTimeout(poll, 2); }; poll(); });
  const cdp = await b.context.newCDPSession(b.page); await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start');
  const cdpA = await a.context.newCDPSession(a.page); await cdpA.send('Profiler.enable'); await cdpA.send('Profiler.setSamplingInterval', { interval: 100 }); await cdpA.send('Profiler.start');
  const clicked = await b.page.evaluate(() => { const at = performance.timeOrigin + performance.now(); window.__log('CLICK'); document.querySelector('video-chat-widget').shadowRoot.querySelector('[part="join-button"]').click(); return at; });
  await new Promise((r) => setTimeout(r, 1500));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`/tmp/trace/b-${trial}.cpuprofile`, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  writeFileSync(`/tmp/trace/a-${trial}.cpuprofile`, JSON.stringify((await cdpA.send('Profiler.stop')).profile));
  const rows = [];
  for (const [p, n] of [[a, 'A'], [b, 'B']]) for (const [t, w] of await p.page.evaluate(() => window.__trace)) if (t >= clicked - 1) rows.push([t - clicked, n, w]);
  rows.sort((x, y) => x[0] - y[0]);
  console.log(`--- trial ${trial}`);
  for (const [t, n, w] of rows) if (t < 600 && !w.includes('getStats')) console.log(t.toFixed(1).padStart(7), n, w);
  await a.close(); await b.close();
}
await stack.stop();
