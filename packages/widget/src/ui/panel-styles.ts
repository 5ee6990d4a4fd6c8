/** Styles of the side panels: beside the grid, or over it on narrow widgets; chat, participants, stats. */
import { css } from 'lit';

export const panelStyles = css`
  .side {
    display: flex;
    flex-direction: column;
    gap: 8px;
    box-sizing: border-box;
    width: var(--vc-panel-width, 300px);
    padding: 8px 12px;
    background: var(--_bg);
    border-left: 1px solid var(--_border);
    overflow: auto;
  }
  @container (max-width: 640px) {
    .side {
      position: absolute;
      inset: 0;
      width: auto;
      border: 0;
      z-index: 1;
    }
  }
  @container (max-width: 640px) and (min-height: 480px) {
    .stage {
      flex-direction: column;
    }
    .side {
      position: static;
      flex: 0 0 55%;
      border-top: 1px solid var(--_border);
      border-radius: 16px 16px 0 0;
    }
  }
  .side header {
    display: flex;
    align-items: center;
    justify-content: space-between;
  }
  .chat {
    flex: 1;
    display: flex;
    flex-direction: column;
    gap: 8px;
    min-height: 0;
  }
  .log {
    flex: 1;
    display: flex;
    flex-direction: column-reverse;
    overflow: auto;
  }
  ol,
  ul,
  dl {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .log li {
    margin-bottom: 8px;
  }
  .from {
    font-weight: 600;
  }
  time {
    color: var(--_muted);
    font-size: 0.85em;
    margin-left: 4px;
  }
  .log p {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .compose {
    display: flex;
    gap: 8px;
  }
  .compose input {
    flex: 1;
  }
  .people li {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 4px 0;
  }
  .people .name {
    flex: 1;
    background: none;
    color: inherit;
    font-size: inherit;
    padding: 0;
  }
  .state {
    display: grid;
  }
  .state[data-on='false'] {
    color: var(--_danger);
  }
  .stats dl {
    display: grid;
    grid-template-columns: auto auto;
    gap: 2px 12px;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  /* A host's mute and remove buttons beside each participant. */
  .people button {
    display: grid;
    place-items: center;
    min-width: 32px;
    min-height: 32px;
    padding: 4px;
  }
  .people button.danger {
    color: var(--_danger);
  }
  .people button:disabled {
    opacity: 0.4;
  }
  .people .avatar {
    position: static;
    translate: none;
    width: 32px;
    font-size: 0.8em;
  }
`;
