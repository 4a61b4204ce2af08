import { css } from 'lit';

export const hostStyles = css`
  header .button {
    flex: 0 0 auto;
  }
  header .button.secondary {
    color: #fff;
    box-shadow: inset 0 0 0 1px #52525b;
  }
  .notice {
    margin: var(--gap) var(--gap) 0;
    color: var(--live-shop-error, #b91c1c);
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: left;
    padding: 0.5rem 0.4rem;
    border-bottom: 1px solid var(--live-shop-border, #e4e4e7);
    vertical-align: middle;
  }
  thead th {
    font-size: 0.8rem;
    color: var(--live-shop-muted, #71717a);
    font-weight: 600;
  }
  .number {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  tr.pinned th[scope='row'] {
    box-shadow: inset 4px 0 0 var(--live-shop-accent, #e11d48);
    padding-left: 0.75rem;
  }
  .sku {
    display: block;
  }
  .drop form {
    display: flex;
    gap: 0.4rem;
    align-items: center;
  }
  .countdown {
    font-weight: 650;
    color: var(--live-shop-low-stock, #c2410c);
    font-variant-numeric: tabular-nums;
  }
  .figures dl {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr));
    gap: 0.75rem;
    margin: 0 0 1rem;
  }
  .figures dl div {
    background: var(--live-shop-page, #f4f4f5);
    border-radius: 8px;
    padding: 0.6rem 0.75rem;
  }
  .figures dt {
    font-size: 0.8rem;
    color: var(--live-shop-muted, #71717a);
  }
  .figures dd {
    margin: 0.2rem 0 0;
    font-size: 1.6rem;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  h3 {
    font-size: 0.9rem;
    margin: 0 0 0.5rem;
  }
  .reports {
    grid-column: 1 / -1;
  }
`;
