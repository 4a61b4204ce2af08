import type {
  Anomaly,
  ChatDeletedMessage,
  ChatMessage,
  LiveEvent,
  ModerationNotice,
  ModerationState,
  ModeratorJoinAck,
  PosDriftReport,
} from '@liveshop/protocol';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ConsolePage } from '../shared/console-page.js';
import type { StaffSession } from '../shared/staff-session.js';
import { moderatorStyles } from './moderator-console.styles.js';
import './pos-drift/pos-drift-panel.js';

/** Most anomalies the feed keeps on screen. */
const FEED_LENGTH = 200;
const MUTE_CHOICES = [5, 15, 60, 24 * 60];

/**
 * @summary The moderator console: the anomaly feed (newest first, with severity, SKU, time and
 * explanation, each acknowledged by a moderator) and the chat with delete, mute for N minutes and
 * ban, all enforced by the server; and the POS drift (the `pos:drift` request on every join, then
 * each `pos:drift` push after a reconciliation).
 */
export class LiveshopModeratorConsole extends ConsolePage<ModeratorJoinAck> {
  static override styles = [...ConsolePage.styles, moderatorStyles];
  static override properties = {
    ...ConsolePage.properties,
    event: { state: true },
    anomalies: { state: true },
    chat: { state: true },
    moderation: { state: true },
    notice: { state: true },
    drift: { state: true },
    driftReconciled: { state: true },
    driftError: { state: true },
  };

  protected readonly staffRole = 'moderator';
  declare event: LiveEvent | null;
  declare anomalies: Anomaly[];
  declare chat: ChatMessage[];
  declare moderation: ModerationState;
  declare notice: string;
  declare drift: PosDriftReport | null;
  declare driftReconciled: boolean;
  declare driftError: string;
  /** Counts `pos:drift` pushes, so a request answered after a push does not replace the newer report. */
  private driftPushes = 0;

  constructor() {
    super();
    this.event = null;
    this.anomalies = [];
    this.chat = [];
    this.moderation = { muted: [], banned: [] };
    this.notice = '';
    this.drift = null;
    this.driftReconciled = false;
    this.driftError = '';
  }

  protected applyJoin(ack: ModeratorJoinAck): void {
    this.event = ack.event;
    this.chat = ack.chat;
    this.moderation = ack.moderation;
    // Anomalies pushed while reconnecting are kept; the snapshot fills in the rest.
    const known = new Map(this.anomalies.map((anomaly) => [anomaly.id, anomaly]));
    for (const anomaly of ack.anomalies) known.set(anomaly.id, anomaly);
    this.anomalies = newestFirst([...known.values()]);
    void this.loadDrift();
  }

  /** Reads the event's POS drift (`pos:drift`); a failure shows in words in the panel. */
  async loadDrift(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const pushes = this.driftPushes;
    const ack = await session.request<{ drift: PosDriftReport }>('pos:drift', { eventId: session.eventId });
    if (!ack.ok) {
      this.driftError = ack.error.message;
      return;
    }
    this.driftError = '';
    if (this.driftPushes !== pushes) return;
    this.drift = ack.drift;
    this.driftReconciled = false;
  }

  protected listen(session: StaffSession<ModeratorJoinAck>): void {
    const socket = session.socket;
    socket.on('anomaly', (anomaly: Anomaly) => {
      if (!this.anomalies.some((known) => known.id === anomaly.id))
        this.anomalies = newestFirst([anomaly, ...this.anomalies]);
    });
    socket.on('anomaly:acked', (acked: { id: string; ackedAt: number; ackedBy: string }) => {
      this.anomalies = this.anomalies.map((anomaly) =>
        anomaly.id === acked.id ? { ...anomaly, ackedAt: acked.ackedAt, ackedBy: acked.ackedBy } : anomaly,
      );
    });
    socket.on('chat', (message: ChatMessage) => {
      if (!this.chat.some((known) => known.id === message.id)) this.chat = [...this.chat, message].slice(-200);
    });
    socket.on('chat:deleted', (deleted: ChatDeletedMessage) => {
      this.chat = this.chat.filter((message) => message.id !== deleted.messageId);
    });
    socket.on('moderation', (notice: ModerationNotice) => {
      if (notice.action === 'ban' && notice.shopperId && !this.moderation.banned.includes(notice.shopperId)) {
        this.moderation = { ...this.moderation, banned: [...this.moderation.banned, notice.shopperId] };
      }
      if (notice.action === 'mute' && notice.shopperId && notice.until) {
        const muted = this.moderation.muted.filter((mute) => mute.shopperId !== notice.shopperId);
        this.moderation = {
          ...this.moderation,
          muted: [...muted, { shopperId: notice.shopperId, until: notice.until }],
        };
      }
    });
    socket.on('pos:drift', (report: PosDriftReport) => {
      this.driftPushes += 1;
      this.drift = report;
      this.driftReconciled = true;
      this.driftError = '';
    });
    socket.on('status', (message: { status: LiveEvent['status'] }) => {
      if (this.event) this.event = { ...this.event, status: message.status };
    });
  }

  protected renderConsole() {
    const open = this.anomalies.filter((anomaly) => !anomaly.ackedAt).length;
    return html`<header>
        <h1>${this.event?.title ?? 'Loading…'} · moderation</h1>
        ${this.event ? html`<span class="badge ${this.event.status}">${this.event.status}</span>` : nothing}
        ${this.connectionNote()}
      </header>
      ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
      <main>
        <section aria-labelledby="feed-title">
          <h2 id="feed-title">Anomalies <span class="muted">${open} open</span></h2>
          ${this.anomalies.length === 0 ? html`<p class="muted">Nothing unusual so far.</p>` : nothing}
          <ol class="feed" aria-live="polite">
            ${repeat(
              this.anomalies,
              (anomaly) => anomaly.id,
              (anomaly) => this.renderAnomaly(anomaly),
            )}
          </ol>
        </section>
        <section aria-labelledby="chat-title">
          <h2 id="chat-title">Chat</h2>
          ${this.chat.length === 0 ? html`<p class="muted">No messages yet.</p>` : nothing}
          <ol class="chat">
            ${repeat(
              this.chat,
              (message) => message.id,
              (message) => this.renderMessage(message),
            )}
          </ol>
        </section>
        <section aria-labelledby="drift-title">
          <h2 id="drift-title">POS drift</h2>
          <liveshop-pos-drift-panel
            .report=${this.drift}
            ?reconciled=${this.driftReconciled}
            error=${this.driftError}
          ></liveshop-pos-drift-panel>
        </section>
      </main>`;
  }

  private renderAnomaly(anomaly: Anomaly) {
    return html`<li
      class="anomaly ${anomaly.severity} ${anomaly.ackedAt ? 'acked' : ''}"
      data-rule=${anomaly.rule}
      data-id=${anomaly.id}
    >
      <div class="line">
        <span class="badge ${anomaly.severity}">${anomaly.severity}</span>
        <strong class="rule">${anomaly.rule.replaceAll('_', ' ')}</strong>
        ${anomaly.sku ? html`<span class="sku">${anomaly.sku}</span>` : nothing}
        <time datetime=${new Date(anomaly.at).toISOString()}>${time(anomaly.at)}</time>
      </div>
      <p class="message">${anomaly.message}</p>
      ${
        anomaly.ackedAt
          ? html`<p class="muted">Acknowledged ${time(anomaly.ackedAt)} by ${anomaly.ackedBy}</p>`
          : html`<button class="button small secondary ack" type="button" @click=${() => this.ack(anomaly.id)}>
              Acknowledge
            </button>`
      }
    </li>`;
  }

  private renderMessage(message: ChatMessage) {
    const shopperId = message.shopperId;
    const banned = shopperId ? this.moderation.banned.includes(shopperId) : false;
    const mute = shopperId
      ? this.moderation.muted.find((muted) => muted.shopperId === shopperId && muted.until > Date.now())
      : undefined;
    return html`<li class="message" data-id=${message.id}>
      <div class="line">
        <strong>${message.author}</strong>
        ${message.role !== 'shopper' ? html`<span class="badge">${message.role}</span>` : nothing}
        ${banned ? html`<span class="badge critical">banned</span>` : nothing}
        ${mute ? html`<span class="badge warning">muted until ${time(mute.until)}</span>` : nothing}
        <time datetime=${new Date(message.at).toISOString()}>${time(message.at)}</time>
      </div>
      <p class="text">${message.text}</p>
      <div class="actions">
        <button class="button small secondary delete" type="button" @click=${() => this.deleteMessage(message)}>
          Delete
        </button>
        ${
          shopperId
            ? html`<form @submit=${(event: SubmitEvent) => this.mute(event, shopperId)}>
                  <label class="visually-hidden" for="mute-${message.id}">Mute ${message.author} for</label>
                  <select id="mute-${message.id}" name="minutes">
                    ${MUTE_CHOICES.map((minutes) => html`<option value=${minutes}>${minutes < 60 ? `${minutes} min` : `${minutes / 60} h`}</option>`)}
                  </select>
                  <button class="button small secondary mute" type="submit">Mute</button>
                </form>
                <button class="button small ban" type="button" ?disabled=${banned} @click=${() => this.ban(message)}>
                  Ban
                </button>`
            : nothing
        }
      </div>
    </li>`;
  }

  private async act(event: string, payload: object): Promise<boolean> {
    const ack = await this.session!.request(event, { eventId: this.session!.eventId, ...payload });
    this.notice = ack.ok ? '' : ack.error.message;
    return ack.ok;
  }

  private ack(id: string) {
    void this.act('anomaly:ack', { id });
  }

  private deleteMessage(message: ChatMessage) {
    void this.act('chat:delete', { messageId: message.id });
  }

  private mute(event: SubmitEvent, shopperId: string) {
    event.preventDefault();
    const minutes = Number(new FormData(event.target as HTMLFormElement).get('minutes'));
    void this.act('mute', { shopperId, minutes });
  }

  private ban(message: ChatMessage) {
    if (!message.shopperId || !confirm(`Ban ${message.author} from this show? They will not be able to chat or buy.`))
      return;
    void this.act('ban', { shopperId: message.shopperId });
  }
}

const newestFirst = (anomalies: Anomaly[]) => [...anomalies].sort((a, b) => b.at - a.at).slice(0, FEED_LENGTH);
const time = (at: number) =>
  new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

if (!customElements.get('liveshop-moderator-console')) {
  customElements.define('liveshop-moderator-console', LiveshopModeratorConsole);
}

declare global {
  interface HTMLElementTagNameMap {
    'liveshop-moderator-console': LiveshopModeratorConsole;
  }
}
