import type { SqlStore } from '../db/sql-store.js';

/** One recorded moderation decision. */
export interface ModerationRecord {
  eventId: string;
  action: 'delete' | 'mute' | 'ban' | 'ban_inherited';
  shopperId?: string;
  messageId?: string;
  /** For a mute: epoch ms when it ends. */
  until?: number;
  /** The staff token id that acted, or `system`. */
  actor: string;
}

/** Moderation decisions and bans in PostgreSQL: who did what to whom, and when. */
export class ModerationStore {
  constructor(private readonly db: SqlStore) {}

  async record(action: ModerationRecord): Promise<void> {
    await this.db.query(
      `insert into moderation_actions (event_id, action, shopper_id, message_id, until, actor)
       values ($1, $2, $3, $4, case when $5::double precision is null then null else to_timestamp($5::double precision / 1000) end, $6)`,
      [
        action.eventId,
        action.action,
        action.shopperId ?? null,
        action.messageId ?? null,
        action.until ?? null,
        action.actor,
      ],
    );
  }

  /** Records a ban (with the IPs the shopper's sockets had); a second ban of the same shopper adds IPs. */
  async ban(eventId: string, shopperId: string, ips: string[], actor: string): Promise<void> {
    await this.db.query(
      `insert into bans (event_id, shopper_id, ips, actor) values ($1, $2, $3, $4)
       on conflict (event_id, shopper_id) do update
         set ips = (select array(select distinct unnest(bans.ips || excluded.ips)))`,
      [eventId, shopperId, ips, actor],
    );
  }

  /** The shoppers banned from the event. */
  async banned(eventId: string): Promise<{ shopperId: string; ips: string[] }[]> {
    const { rows } = await this.db.query<{ shopper_id: string; ips: string[] }>(
      'select shopper_id, ips from bans where event_id = $1 order by banned_at',
      [eventId],
    );
    return rows.map((row) => ({ shopperId: row.shopper_id, ips: row.ips ?? [] }));
  }

  /** The event's decisions, newest first. */
  async history(eventId: string, limit = 100): Promise<(ModerationRecord & { at: number })[]> {
    const { rows } = await this.db.query<{
      event_id: string;
      action: ModerationRecord['action'];
      shopper_id: string | null;
      message_id: string | null;
      until: Date | string | null;
      actor: string;
      at: Date | string;
    }>('select * from moderation_actions where event_id = $1 order by at desc, id desc limit $2', [eventId, limit]);
    return rows.map((row) => {
      const record: ModerationRecord & { at: number } = {
        eventId: row.event_id,
        action: row.action,
        actor: row.actor,
        at: new Date(row.at).getTime(),
      };
      if (row.shopper_id) record.shopperId = row.shopper_id;
      if (row.message_id) record.messageId = row.message_id;
      if (row.until) record.until = new Date(row.until).getTime();
      return record;
    });
  }
}
