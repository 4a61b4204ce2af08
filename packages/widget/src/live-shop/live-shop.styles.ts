import { css } from 'lit';

/*
 * Layout: wide, the stage (16:9 video) takes 64% of the width and the side panel the rest at the
 * same height, so the whole widget is 25:9. Narrow (under 640px), the video sits on top of the
 * panel and the widget is 9:16. Either way its height follows from its width alone, so a page can
 * reserve the space before the script runs (docs/embedding.md) and loading shifts nothing.
 */
export const liveShopStyles = css`
  :host {
    --_accent: var(--live-shop-accent, #e11d48);
    display: block;
    container-type: inline-size;
    color: var(--live-shop-text, #18181b);
    font-family: var(--live-shop-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    line-height: 1.4;
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    position: relative;
    display: grid;
    grid-template-columns: minmax(0, 64fr) minmax(0, 36fr);
    grid-template-rows: minmax(0, 1fr);
    aspect-ratio: 25 / 9;
    overflow: hidden;
    border-radius: var(--live-shop-radius, 12px);
    background: var(--live-shop-surface, #fff);
    box-shadow: 0 0 0 1px var(--live-shop-border, #e4e4e7);
  }
  .stage {
    position: relative;
    container-type: inline-size;
    min-height: 0;
    background: var(--live-shop-stage-background, #0b0b0f);
  }
  live-shop-player {
    position: absolute;
    inset: 0;
    aspect-ratio: auto;
  }
  /* Its box, padding included, ends short of the unmute button's corner, whatever the title. */
  .live-badge {
    position: absolute;
    top: 0.75rem;
    left: 0.75rem;
    z-index: 2;
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    max-width: calc(100% - 12rem);
    margin: 0;
    padding: 0.3rem 0.65rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 600;
    color: #fff;
    background: rgb(0 0 0 / 0.55);
    white-space: nowrap;
  }
  /* A flex item: the title itself must shrink and clip for the ellipsis to show. */
  .live-badge span {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .live-badge strong {
    flex: none;
    padding: 0.05rem 0.4rem;
    border-radius: 4px;
    font-size: 0.7rem;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    background: var(--_accent);
  }
  .offline {
    position: absolute;
    top: 3rem;
    left: 50%;
    z-index: 3;
    transform: translateX(-50%);
    margin: 0;
    padding: 0.4rem 0.9rem;
    border-radius: 999px;
    font-size: 0.85rem;
    font-weight: 600;
    color: #fff;
    background: #3f3f46;
    white-space: nowrap;
  }
  .side {
    position: relative;
    min-height: 0;
    border-left: 1px solid var(--live-shop-border, #e4e4e7);
  }
  .panel {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  [role='tablist'] {
    display: flex;
    gap: 0.25rem;
    padding: 0.5rem 0.75rem 0;
    border-bottom: 1px solid var(--live-shop-border, #e4e4e7);
  }
  [role='tab'] {
    padding: 0.55rem 0.75rem;
    border: 0;
    border-bottom: 3px solid transparent;
    font: inherit;
    font-size: 0.9rem;
    font-weight: 650;
    color: var(--live-shop-muted, #71717a);
    background: none;
    cursor: pointer;
  }
  [role='tab'][aria-selected='true'] {
    color: var(--live-shop-text, #18181b);
    border-bottom-color: var(--_accent);
  }
  [role='tab']:focus-visible {
    outline: 3px solid var(--live-shop-focus-ring, var(--_accent));
    outline-offset: -3px;
  }
  .count {
    margin-left: 0.3rem;
    padding: 0 0.4rem;
    border-radius: 999px;
    font-size: 0.75rem;
    background: var(--live-shop-disabled, #f4f4f5);
  }
  [role='tabpanel'] {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  [role='tabpanel'][hidden] {
    display: none;
  }
  .products {
    flex: 1;
    min-height: 0;
    margin: 0;
    padding: 0.75rem;
    list-style: none;
    overflow-y: auto;
    display: grid;
    align-content: start;
    gap: 0.6rem;
  }
  .message {
    margin: auto;
    padding: 1rem;
    text-align: center;
    color: var(--live-shop-muted, #71717a);
  }
  live-shop-chat {
    flex: 1;
  }
  /* Out of the grid: the dialog opens in the top layer and takes no space here. */
  live-shop-product-dialog {
    position: absolute;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  /* Measured against the stage: next to a compact unmute button the title may run longer. */
  @container (max-width: 639.98px) {
    .live-badge {
      max-width: calc(100% - 5rem);
    }
  }
  @container (max-width: 639.98px) {
    .base {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: auto minmax(0, 1fr);
      aspect-ratio: 9 / 16;
    }
    .stage {
      aspect-ratio: 16 / 9;
    }
    .side {
      border-left: 0;
    }
  }
`;
