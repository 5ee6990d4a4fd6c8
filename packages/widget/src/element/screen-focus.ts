/**
 * Keyboard focus across screen changes (pre-join → call → left, waiting, agent console, a fatal notice…). The
 * control that had focus usually goes with the old screen, and the browser would drop focus on the page's body:
 * a keyboard or screen-reader user would have to find their way back through the host page. So when the screen
 * changes while the visitor was using the widget, focus moves to where the new screen says it starts (the first
 * control inside its `data-screen-start` element: the call's control bar, not a tile's pin button), else to its
 * heading, else its first control. A widget the visitor never used (e.g. `autojoin`) never takes focus from the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The root element of each screen the element renders, by part (one of them at a time). */
const SCREENS = '[part~="prejoin"], [part~="call"], [part~="left"], [part~="waiting"], [part~="agent-console"]';
const HEADING = 'h1, h2, h3';
const CONTROL =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href]';
/** Marks where a screen's keyboard use starts, when that is not its first control in document order. */
const START = '[data-screen-start]';

type Host = ReactiveControllerHost & HTMLElement;

export class ScreenFocus implements ReactiveController {
  /** Which screen is shown (its part and outcome), to tell a new screen from a re-render. */
  private screen: string | null = null;
  /** Focus was last inside the widget (and did not leave for elsewhere on the page since). */
  private engaged = false;

  constructor(private readonly host: Host) {
    host.addController(this);
    host.addEventListener('focusin', () => (this.engaged = true));
    host.addEventListener('focusout', (event) => {
      // Inside the shadow root the related target is retargeted to the host; null when focus just fell away
      // (its control was removed or disabled), which is what this class repairs.
      const to = event.relatedTarget as Node | null;
      if (to && to !== host && !host.contains(to)) this.engaged = false;
    });
  }

  hostUpdated(): void {
    const root = this.host.shadowRoot;
    if (!root) return;
    const screen = root.querySelector<HTMLElement>(SCREENS) ?? root.querySelector<HTMLElement>('[part~="notice"]');
    const key = screen ? `${screen.getAttribute('part')}:${screen.dataset.outcome ?? ''}` : '';
    if (key === this.screen) return;
    const first = this.screen === null;
    this.screen = key;
    if (first || !screen || !this.engaged) return;
    const inside = root.activeElement;
    if (inside && screen.contains(inside)) return; // something on the new screen took focus already
    const page = document.activeElement;
    if (page && page !== document.body && page !== this.host) return; // the visitor is elsewhere on the page
    const start = screen.querySelector<HTMLElement>(START);
    const target =
      (start?.matches(CONTROL) ? start : start?.querySelector<HTMLElement>(CONTROL)) ??
      screen.querySelector<HTMLElement>(HEADING) ??
      screen.querySelector<HTMLElement>(CONTROL) ??
      screen;
    // A heading or a notice takes focus without joining the Tab order.
    if (!target.matches(CONTROL)) target.tabIndex = -1;
    target.focus();
  }
}
