/**
 * Live video effects on the local camera. The element reaches this module only through `import()`, so none
 * of it weighs on widget.js. `background-blur` additionally loads its model from `assetsBaseUrl`.
 */
export { EffectError } from './effect-error.js';
export { EFFECTS, isEffectName, parseEffect, type EffectName, type ProcessedEffect } from './effect-name.js';
export { VideoEffects, type VideoEffectsOptions } from './video-effects.js';
