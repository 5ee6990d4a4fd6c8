/** How a project's hosted join page looks, and the `url` of that page that rooms and tokens answer. */
import { Type, type Static } from '@sinclair/typebox';

export const ACCENT_COLOR_PATTERN = '^#[0-9a-fA-F]{6}$';

export const ProjectBranding = Type.Object({
  /** The name the join page shows; null: the project's name. */
  displayName: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  /** `#rrggbb`, for buttons and highlights; null: the widget's own. */
  accentColor: Type.Union([Type.String({ pattern: ACCENT_COLOR_PATTERN }), Type.Null()]),
  /** An image shown beside the name (https://); null: none. */
  logoUrl: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
});
export type ProjectBranding = Static<typeof ProjectBranding>;

/** `PATCH /v1/project/branding`: the fields given change, null clears one. */
export const UpdateBrandingBody = Type.Partial(ProjectBranding, { additionalProperties: false, minProperties: 1 });
export type UpdateBrandingBody = Static<typeof UpdateBrandingBody>;
