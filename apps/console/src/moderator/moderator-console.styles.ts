import { css } from 'lit';

export const moderatorStyles = css`
  .notice {
    margin: var(--gap) var(--gap) 0;
    color: var(--live-shop-error, #b91c1c);
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.6rem;
  }
  li {
    border: 1px solid var(--live-shop-border, #e4e4e7);
    border-radius: 10px;
    padding: 0.6rem 0.75rem;
  }
  .anomaly.critical {
    border-left: 5px solid var(--live-shop-accent, #e11d48);
  }
  .anomaly.warning {
    border-left: 5px solid var(--live-shop-low-stock, #c2410c);
  }
  .anomaly.info {
    border-left: 5px solid #2563eb;
  }
  .anomaly.acked {
    opacity: 0.6;
  }
  .line {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .line time {
    margin-left: auto;
    color: var(--live-shop-muted, #71717a);
    font-size: 0.8rem;
    font-variant-numeric: tabular-nums;
  }
  .sku {
    font-family: ui-monospace, monospace;
    font-size: 0.85rem;
  }
  .message,
  .text {
    margin: 0.35rem 0;
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    align-items: center;
  }
  .actions form {
    display: flex;
    gap: 0.4rem;
  }
  .chat {
    max-height: 70vh;
    overflow-y: auto;
  }
`;
