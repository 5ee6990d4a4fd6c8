/**
 * An agent's attention, when a customer starts waiting: a short chime (made with WebAudio, nothing fetched),
 * the tab title prefixed "(1) waiting" while anyone waits (put back when nobody does, or on leaving), and
 * with the `notify` attribute a browser notification while the tab is hidden. Permission is asked only from
 * the agent's own click (Join, Available), as browsers require.
 */
import { gestureAudioContext } from '../media/gesture-audio.js';

export class AgentAlerts {
  /** The page's title before we prefixed it; null while it is not prefixed. */
  private baseTitle: string | null = null;

  /** Call from a click: asks for notification permission once, if `notify` is on and the browser has not been told. */
  askPermission(notify: boolean): void {
    if (notify && typeof Notification !== 'undefined' && Notification.permission === 'default')
      void Notification.requestPermission().catch(() => undefined);
  }

  /** How many wait now: the title says so, or is put back. */
  waiting(count: number, prefix: (n: number) => string): void {
    if (count === 0) return this.clear();
    this.baseTitle ??= document.title;
    document.title = `${prefix(count)} · ${this.baseTitle}`;
  }

  /** A customer arrived: the chime, and the notification if asked for and the tab is hidden. */
  arrived(notify: boolean, title: string, body: string | null): void {
    chime();
    if (
      !notify ||
      document.visibilityState !== 'hidden' ||
      typeof Notification === 'undefined' ||
      Notification.permission !== 'granted'
    )
      return;
    const notification = new Notification(title, { body: body ?? '', tag: 'vcw-customer-waiting' });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  }

  /** Nobody waits, or the console closed: the page's own title again. */
  clear(): void {
    if (this.baseTitle === null) return;
    document.title = this.baseTitle;
    this.baseTitle = null;
  }
}

/** Two short rising tones, quiet. Silent until the Join click started the page's audio. */
function chime(): void {
  const context = gestureAudioContext();
  if (!context || context.state !== 'running') return;
  const start = context.currentTime;
  [660, 880].forEach((frequency, i) => {
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + i * 0.15);
    gain.gain.exponentialRampToValueAtTime(0.15, start + i * 0.15 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.15 + 0.14);
    tone.connect(gain).connect(context.destination);
    tone.start(start + i * 0.15);
    tone.stop(start + i * 0.15 + 0.15);
  });
}
