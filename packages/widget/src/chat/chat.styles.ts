import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  .base {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 0;
  }
  ol {
    flex: 1;
    min-height: 0;
    margin: 0;
    padding: 0.75rem;
    list-style: none;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 0.45rem;
  }
  li {
    font-size: 0.875rem;
    line-height: 1.35;
    overflow-wrap: anywhere;
  }
  .author {
    font-weight: 700;
    margin-right: 0.35rem;
  }
  .staff .author {
    color: var(--live-shop-accent, #e11d48);
  }
  .empty {
    margin: auto;
    color: var(--live-shop-muted, #71717a);
    font-size: 0.875rem;
  }
  form {
    display: flex;
    gap: 0.5rem;
    padding: 0.6rem 0.75rem;
    border-top: 1px solid var(--live-shop-border, #e4e4e7);
  }
  input {
    flex: 1;
    min-width: 0;
    min-height: 2.5rem;
    padding: 0 0.85rem;
    border: 1px solid var(--live-shop-border, #d4d4d8);
    border-radius: 999px;
    font: inherit;
    font-size: 0.9rem;
    color: inherit;
    background: var(--live-shop-surface, #fff);
  }
  input:focus-visible {
    outline: 3px solid var(--live-shop-focus-ring, var(--live-shop-accent, #e11d48));
    outline-offset: 1px;
  }
  .error {
    margin: 0;
    padding: 0 0.75rem 0.5rem;
    font-size: 0.8rem;
    color: var(--live-shop-error, #b91c1c);
  }
`;
