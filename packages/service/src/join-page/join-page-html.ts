/**
 * The join page the service hosts for a room link: the widget full-window under a slim bar with the
 * project's logo and name and the room's name, in the project's accent colour. Everything interpolated is
 * escaped; the token goes only into the element's attribute.
 */
import type { ProjectBranding } from '../store/project-branding-store.js';

export interface JoinPageView {
  room: string;
  brandName: string;
  branding: ProjectBranding;
  token: string;
}

export function joinPageHtml(view: JoinPageView): string {
  const { room, brandName, branding, token } = view;
  const accent = branding.accentColor
    ? `--vc-accent: ${branding.accentColor}; --vc-speaking: ${branding.accentColor};`
    : '';
  const logo = branding.logoUrl ? `<img src="${escapeHtml(branding.logoUrl)}" alt="" />` : '';
  return page(
    `${room} · ${brandName}`,
    `${STYLE}video-chat-widget { ${accent} }`,
    `<header>${logo}<span class="brand">${escapeHtml(brandName)}</span><span class="room">${escapeHtml(room)}</span></header>
    <video-chat-widget token="${escapeHtml(token)}" theme="dark"></video-chat-widget>
    <script type="module" src="/widget.js"></script>`,
  );
}

/** The page a link that cannot join shows (expired, tampered with, or for another room). */
export function joinErrorHtml(message: string): string {
  return page('Cannot join', STYLE, `<main><p>${escapeHtml(message)}</p></main>`);
}

const STYLE = `html, body { height: 100%; margin: 0; }
      body { display: flex; flex-direction: column; font: 15px/1.4 system-ui, sans-serif; background: #111827; color: #f9fafb; }
      header { display: flex; align-items: center; gap: 0.6rem; padding: 0.5rem 0.9rem; min-height: 2.75rem; box-sizing: border-box; }
      header img { height: 1.75rem; max-width: 8rem; object-fit: contain; }
      header .brand { font-weight: 600; }
      header .room { color: #9ca3af; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      video-chat-widget { display: block; flex: 1; min-height: 0; }
      main { margin: auto; padding: 1rem; text-align: center; }
      `;

function page(title: string, style: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>${escapeHtml(title)}</title>
    <style>
      ${style}
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
