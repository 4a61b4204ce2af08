import type { StaffRole } from '@liveshop/protocol';
import { LiveShopElement } from '@liveshop/widget/base';
import { sharedStyles } from '@liveshop/widget/styles';
import { html, nothing, type TemplateResult } from 'lit';
import { consoleStyles } from './console.styles.js';
import { StaffSession } from './staff-session.js';
import { readToken, storeToken, tokenClaims } from './token.js';

/**
 * What both consoles share, on the widget's base element: signing in with a staff token (from
 * the link the demo prints, or pasted), the connection (see {@link StaffSession}) and its status
 * in the header, and signing out when the token is refused, expires or is revoked.
 */
export abstract class ConsolePage<Join extends object> extends LiveShopElement {
  static override styles = [sharedStyles, consoleStyles];
  static override properties = {
    ...LiveShopElement.properties,
    signInError: { state: true },
  };

  declare signInError: string;
  protected session: StaffSession<Join> | null = null;
  protected abstract readonly staffRole: StaffRole;

  constructor() {
    super();
    this.signInError = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const token = readToken(this.staffRole);
    if (token) this.signIn(token);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.session?.close();
  }

  /** Applies a join snapshot (on every connect and reconnect). */
  protected abstract applyJoin(ack: Join): void;
  /** Registers the pushes the page listens to on a new connection. */
  protected abstract listen(session: StaffSession<Join>): void;
  protected abstract renderConsole(): TemplateResult;

  protected signIn(token: string): void {
    const claims = tokenClaims(token);
    if (!claims || claims.role !== this.staffRole) {
      this.signInError = `That is not a ${this.staffRole} token.`;
      return;
    }
    storeToken(this.staffRole, token);
    this.session?.close();
    const session = new StaffSession<Join>(this.staffRole, claims.eventId, token, (ack) => this.applyJoin(ack));
    session.addEventListener('change', () => {
      if (session.status === 'signed-out') {
        storeToken(this.staffRole, null);
        this.signInError = session.reason;
      }
      this.requestUpdate();
    });
    this.listen(session);
    this.session = session;
    this.signInError = '';
    this.requestUpdate();
  }

  override render() {
    if (!this.session || this.session.status === 'signed-out') return this.renderSignIn();
    return this.renderConsole();
  }

  /** The header's connection note: nothing when online. */
  protected connectionNote() {
    const status = this.session?.status;
    if (status === 'online') return nothing;
    return html`<span class="connection" role="status"
      >${status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</span
    >`;
  }

  private renderSignIn() {
    return html`<section class="signin">
      <h2>Sign in to the ${this.staffRole} console</h2>
      <p class="muted">
        Paste a ${this.staffRole} token from <code>POST /api/admin/tokens</code>, or open the link the server printed.
      </p>
      ${this.signInError ? html`<p class="error" role="alert">${this.signInError}</p>` : nothing}
      <form @submit=${this.onSubmit}>
        <label for="token">Token</label>
        <textarea id="token" name="token" autocomplete="off" spellcheck="false"></textarea>
        <button class="button" type="submit">Sign in</button>
      </form>
    </section>`;
  }

  private onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const token = new FormData(event.target as HTMLFormElement).get('token');
    if (typeof token === 'string' && token.trim()) this.signIn(token.trim());
  };
}
