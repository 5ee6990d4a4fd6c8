/** The circle with initials that stands in for a camera that is off. */
import { html, type TemplateResult } from 'lit';

/** "Ada Lovelace" → "AL", "grace" → "G", "" → "?"; by code point, so an emoji or accented letter stays whole. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word: string | undefined) => (word ? [...word][0]!.toLocaleUpperCase() : '');
  return first(words[0]) + (words.length > 1 ? first(words[words.length - 1]) : '') || '?';
}

/** Decorative: the tile's name label already says who it is. */
export const avatar = (name: string): TemplateResult =>
  html`<div class="avatar" part="avatar" aria-hidden="true">${initials(name)}</div>`;
