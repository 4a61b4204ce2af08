import { css } from 'lit';

export const checkoutDialogStyles = css`
  dialog {
    width: min(30rem, calc(100vw - 2rem));
    max-height: calc(100dvh - 2rem);
    padding: 0;
    border: 0;
    border-radius: var(--live-shop-radius, 12px);
    color: var(--live-shop-text, #18181b);
    background: var(--live-shop-surface, #fff);
    box-shadow: 0 24px 64px rgb(0 0 0 / 0.3);
    overscroll-behavior: contain;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  dialog[open] {
    animation: appear 160ms ease-out;
  }
  /* A phone: the whole screen, so the keyboard never hides the field being typed in. */
  @media (max-width: 520px) {
    dialog {
      inset: 0;
      width: 100%;
      max-width: none;
      height: 100%;
      max-height: none;
      margin: 0;
      border-radius: 0;
      /* A field scrolled to (focus, autofill) stops above Pay and its message, not under them. */
      scroll-padding-bottom: 10rem;
    }
  }
  .frame {
    display: grid;
    gap: 0.9rem;
    padding: 1rem 1.25rem 1.25rem;
  }
  header h2 {
    margin: 0;
    font-size: 1.15rem;
  }
  p {
    margin: 0;
  }
  /* The held item and its countdown stay in view while the form scrolls under them. */
  .summary {
    position: sticky;
    top: 0;
    z-index: 1;
    box-shadow: 0 0 0 0.5rem var(--live-shop-surface, #fff);
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    gap: 0.75rem;
    align-items: center;
    padding: 0.6rem 0.75rem;
    border-radius: calc(var(--live-shop-radius, 12px) - 4px);
    background: var(--live-shop-hold-background, #fff7ed);
  }
  .summary img {
    width: 3.5rem;
    height: 3.5rem;
    object-fit: cover;
    border-radius: 6px;
    background: var(--live-shop-image-background, #f4f4f5);
  }
  .summary > div {
    grid-column: 2;
  }
  .item {
    font-weight: 650;
    overflow-wrap: anywhere;
  }
  .countdown {
    font-size: 0.8rem;
    font-variant-numeric: tabular-nums;
    color: var(--live-shop-muted, #52525b);
  }
  .countdown.gone {
    color: var(--live-shop-error, #b91c1c);
  }
  .price {
    font-weight: 700;
  }
  form {
    display: grid;
    gap: 0.9rem;
  }
  fieldset {
    display: grid;
    gap: 0.6rem;
    min-width: 0;
    margin: 0;
    padding: 0;
    border: 0;
  }
  fieldset[hidden] {
    display: none;
  }
  legend {
    padding: 0;
    margin-bottom: 0.5rem;
    font-size: 0.8rem;
    font-weight: 700;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--live-shop-muted, #52525b);
  }
  .field {
    display: grid;
    gap: 0.25rem;
    font-size: 0.85rem;
  }
  .row {
    display: grid;
    grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
    gap: 0.6rem;
  }
  input:not([type='radio']),
  select {
    box-sizing: border-box;
    width: 100%;
    min-height: 2.75rem;
    padding: 0 0.75rem;
    border: 1px solid var(--live-shop-border, #d4d4d8);
    border-radius: 8px;
    /* 16px keeps phones from zooming into the field. */
    font: inherit;
    font-size: 1rem;
    color: inherit;
    background: var(--live-shop-surface, #fff);
  }
  input[aria-invalid='true'] {
    border-color: var(--live-shop-error, #b91c1c);
  }
  .field-error,
  .error {
    color: var(--live-shop-error, #b91c1c);
    font-size: 0.85rem;
  }
  .error:empty {
    display: none;
  }
  .error {
    padding: 0.6rem 0.75rem;
    border-radius: 8px;
    background: color-mix(in srgb, var(--live-shop-error, #b91c1c) 8%, transparent);
    font-weight: 600;
  }
  .choice {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 0.5rem;
  }
  .radio,
  .location {
    display: flex;
    gap: 0.6rem;
    align-items: center;
    min-height: 2.75rem;
    padding: 0.4rem 0.75rem;
    border: 1px solid var(--live-shop-border, #d4d4d8);
    border-radius: 8px;
    font-size: 0.9rem;
    cursor: pointer;
  }
  .radio:has(input:checked),
  .location:has(input:checked) {
    border-color: var(--live-shop-accent, #e11d48);
    box-shadow: inset 0 0 0 1px var(--live-shop-accent, #e11d48);
  }
  input[type='radio'] {
    accent-color: var(--live-shop-accent, #e11d48);
    width: 1.1rem;
    height: 1.1rem;
    margin: 0;
  }
  .locations {
    display: grid;
    gap: 0.5rem;
  }
  .location span {
    display: grid;
  }
  .location small,
  .hint {
    font-size: 0.8rem;
    color: var(--live-shop-muted, #52525b);
  }
  .totals {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    padding-top: 0.6rem;
    border-top: 1px solid var(--live-shop-border, #e4e4e7);
    font-size: 1rem;
  }
  .totals strong {
    font-size: 1.15rem;
  }
  /* The message of a failed attempt sits right above Pay, so it is in view wherever Pay is. */
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0.5rem;
  }
  .actions .error {
    flex: 1 0 100%;
    box-sizing: border-box;
  }
  .actions .button[type='submit'] {
    flex: 1 1 auto;
    max-width: 16rem;
  }
  @media (max-width: 520px) {
    .actions {
      position: sticky;
      bottom: 0;
      margin: 0 -1.25rem -1.25rem;
      padding: 0.75rem 1.25rem calc(0.75rem + env(safe-area-inset-bottom));
      background: var(--live-shop-surface, #fff);
      box-shadow: 0 -1px 0 var(--live-shop-border, #e4e4e7);
    }
    .actions .button[type='submit'] {
      max-width: none;
    }
  }
  .confirmation {
    display: grid;
    gap: 0.75rem;
  }
  .order-number {
    font-size: 1.05rem;
    font-weight: 700;
  }
  .lines {
    display: grid;
    gap: 0.4rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .lines li {
    display: flex;
    justify-content: space-between;
    gap: 1rem;
  }
  @keyframes appear {
    from {
      opacity: 0;
      transform: scale(0.97);
    }
  }
`;
