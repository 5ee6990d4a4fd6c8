/** Checks a project's branding as a partner (REST) or an operator (CLI) sets it. */
import { ACCENT_COLOR_PATTERN, type ProjectBranding } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { isLoopbackHost } from '../webhooks/endpoint-url.js';

/** The logo URL, normalised: https://, or http:// to this machine (a developer's). */
export function checkLogoUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ServiceError('invalid_payload', 'logoUrl is not a URL.');
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url.toString();
  throw new ServiceError('invalid_payload', 'logoUrl must be an https:// URL (http:// only to localhost).');
}

/** A branding change with every given value checked; null clears a field. */
export function checkBranding(patch: Partial<ProjectBranding>): Partial<ProjectBranding> {
  const checked: Partial<ProjectBranding> = { ...patch };
  if (patch.accentColor != null && !new RegExp(ACCENT_COLOR_PATTERN).test(patch.accentColor))
    throw new ServiceError('invalid_payload', 'accentColor must be #rrggbb.');
  if (patch.displayName != null) {
    const name = patch.displayName.trim();
    if (name.length === 0 || name.length > 64)
      throw new ServiceError('invalid_payload', 'displayName must be 1 to 64 characters.');
    checked.displayName = name;
  }
  if (patch.logoUrl != null) checked.logoUrl = checkLogoUrl(patch.logoUrl);
  return checked;
}
