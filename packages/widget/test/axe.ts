/// <reference types="mocha" />
/**
 * axe-core (the npm package's own build, served by the test server) run over the widget's shadow DOM: the
 * WCAG 2.0–2.2 A and AA rules, and what they find of serious or critical impact.
 */
interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}
interface Axe {
  run(context: Element, options: object): Promise<{ violations: AxeResult[] }>;
}

let loaded: Promise<Axe> | null = null;

function axe(): Promise<Axe> {
  loaded ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve((window as unknown as { axe: Axe }).axe);
    script.onerror = () => reject(new Error('axe-core could not be loaded'));
    document.head.append(script);
  });
  return loaded;
}

/** The serious and critical WCAG A/AA violations inside `target` (and its shadow root), one line each. */
export async function seriousViolations(target: Element): Promise<string[]> {
  // Transitions and animations settle first, so colours are measured as a user sees them at rest.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const { violations } = await (
    await axe()
  ).run(target, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    resultTypes: ['violations'],
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    );
}
