/**
 * The values of the element's `effects` attribute. Dependency-free, so the element may import it statically
 * to validate the attribute without pulling the effect pipeline into widget.js.
 */
export const EFFECTS = ['none', 'blur', 'grayscale', 'sepia', 'invert', 'brightness', 'background-blur'] as const;

export type EffectName = (typeof EFFECTS)[number];

/** Every effect but `none`: the ones that run the pipeline. */
export type ProcessedEffect = Exclude<EffectName, 'none'>;

/** Whether `value` (an attribute value, say) names an effect. */
export const isEffectName = (value: unknown): value is EffectName => (EFFECTS as readonly unknown[]).includes(value);

/** The effect an `effects` attribute asks for: missing or empty means `none`; anything unknown is `null`. */
export function parseEffect(attribute: string | null | undefined): EffectName | null {
  const value = (attribute ?? '').trim().toLowerCase();
  if (value === '') return 'none';
  return isEffectName(value) ? value : null;
}
