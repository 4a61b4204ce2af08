import type { StaffRole } from '@liveshop/protocol';
import type { SqlStore } from '../db/sql-store.js';

/** A staff token as recorded when it was issued. */
export interface StaffTokenRecord {
  id: string;
  role: StaffRole;
  eventId: string;
  issuedAt: number;
  expiresAt: number;
  revokedAt?: number;
}

interface TokenRow {
  id: string;
  role: StaffRole;
  event_id: string;
  issued_at: Date | string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
}

const ms = (value: Date | string): number => new Date(value).getTime();

/**
 * The staff tokens the admin API issued, by id, in PostgreSQL: what makes a signed (otherwise
 * stateless) token revocable. Signature and expiry are checked without the database; a token is
 * then refused when its id is recorded as revoked. A token the admin API never recorded (signed
 * with the secret by other means) is not revoked.
 */
export class StaffTokenRegistry {
  constructor(private readonly db: SqlStore) {}

  async record(token: { id: string; role: StaffRole; eventId: string; expiresAt: number }): Promise<void> {
    await this.db.query(
      `insert into staff_tokens (id, role, event_id, expires_at) values ($1, $2, $3, to_timestamp($4::double precision / 1000))`,
      [token.id, token.role, token.eventId, token.expiresAt],
    );
  }

  /** Marks the token revoked (once; a second revoke keeps the first time); null when no token has that id. */
  async revoke(id: string): Promise<StaffTokenRecord | null> {
    await this.db.query('update staff_tokens set revoked_at = now() where id = $1 and revoked_at is null', [id]);
    const { rows } = await this.db.query<TokenRow>('select * from staff_tokens where id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async isRevoked(id: string): Promise<boolean> {
    const { rows } = await this.db.query<{ revoked: boolean }>(
      'select revoked_at is not null as revoked from staff_tokens where id = $1',
      [id],
    );
    return rows[0]?.revoked === true;
  }

  /** The event's tokens, newest first. */
  async list(eventId: string): Promise<StaffTokenRecord[]> {
    const { rows } = await this.db.query<TokenRow>(
      'select * from staff_tokens where event_id = $1 order by issued_at desc limit 500',
      [eventId],
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: TokenRow): StaffTokenRecord {
  const record: StaffTokenRecord = {
    id: row.id,
    role: row.role,
    eventId: row.event_id,
    issuedAt: ms(row.issued_at),
    expiresAt: ms(row.expires_at),
  };
  if (row.revoked_at) record.revokedAt = ms(row.revoked_at);
  return record;
}
