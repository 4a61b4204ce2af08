import createDebug from 'debug';
import type { SqlExecutor, SqlStore } from '../db/sql-store.js';
import { toE164 } from './phone-number.js';

const debug = createDebug('liveshop:identity');

/** The kinds of identifier, strongest first: the order in which a purchase is matched to a profile. */
export const IDENTIFIER_KINDS = ['loyalty', 'email', 'phone'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

const STRENGTH: Record<IdentifierKind, number> = { loyalty: 0, email: 1, phone: 2 };
/** Attempts of one resolution when a concurrent one wrote the same identifier first. */
const ATTEMPTS = 3;

/** What a purchase says of its buyer, as received (the resolver normalises it). */
export interface CustomerInput {
  email?: string | null | undefined;
  phone?: string | null | undefined;
  loyaltyId?: string | null | undefined;
  name?: string | null | undefined;
}

export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

/** The profile a purchase belongs to, and what resolving it changed. */
export interface Resolution {
  customerId: number;
  created: boolean;
  /** Profiles merged into `customerId` by this purchase. */
  merged: number[];
  /** Profiles this purchase also named but that stay apart (see the rule on {@link CustomerResolver}). */
  keptApart: number[];
}

/**
 * The one customer resolver: every order and every counter sale finds its profile here.
 *
 * Identifiers are normalised (e-mail trimmed and lower-cased; phone to E.164 with
 * {@link toE164}; loyalty id trimmed) and looked up. The purchase belongs to the profile of its
 * strongest identifier (loyalty id, then e-mail, then phone); without any match a new profile is
 * made. Another profile named by a weaker identifier of the same purchase is merged into it, its
 * identifiers moved over, unless both profiles hold different identifiers of a kind stronger than
 * the one linking them (two e-mail addresses sharing a phone are two people, say a household): then
 * both stay and the purchase's linking identifier stays where it was. Each merge or refusal is a
 * row of `customer_merges`. Identifiers the purchase brings that no profile holds are added to the
 * kept profile.
 */
export class CustomerResolver {
  constructor(
    private readonly db: SqlStore,
    private readonly options: { defaultCallingCode: string },
  ) {}

  /** The usable identifiers of `input`, strongest first. */
  identifiers(input: CustomerInput): Identifier[] {
    const found: Identifier[] = [];
    const loyalty = typeof input.loyaltyId === 'string' ? input.loyaltyId.trim() : '';
    if (loyalty !== '' && loyalty.length <= 64) found.push({ kind: 'loyalty', value: loyalty });
    const email = normaliseEmail(input.email);
    if (email) found.push({ kind: 'email', value: email });
    const phone = toE164(input.phone, this.options.defaultCallingCode);
    if (phone) found.push({ kind: 'phone', value: phone });
    return found;
  }

  /** The profile of `input`, made or merged as needed; undefined when it carries no usable identifier. */
  async resolve(input: CustomerInput, options: { shopperId?: string } = {}): Promise<Resolution | undefined> {
    const identifiers = this.identifiers(input);
    if (identifiers.length === 0) return undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.db.transaction(async (tx) => {
          const resolution = await this.#resolve(tx, identifiers, input);
          if (options.shopperId) await linkShopper(tx, options.shopperId, resolution.customerId);
          return resolution;
        });
      } catch (error) {
        // Another purchase wrote one of these identifiers meanwhile: read again.
        if ((error as { code?: string }).code !== '23505' || attempt >= ATTEMPTS) throw error;
        debug('identifier written concurrently; attempt %d', attempt + 1);
      }
    }
  }

  /** The profile a (possibly merged) profile id stands for now. */
  async current(customerId: number): Promise<number> {
    let id = customerId;
    for (let hop = 0; hop < 32; hop += 1) {
      const { rows } = await this.db.query<{ merged_into: string | number | null }>(
        'select merged_into from customers where id = $1',
        [id],
      );
      const next = rows[0]?.merged_into;
      if (next === null || next === undefined) return id;
      id = Number(next);
    }
    return id;
  }

  async #resolve(tx: SqlExecutor, identifiers: Identifier[], input: CustomerInput): Promise<Resolution> {
    const { rows } = await tx.query<{ kind: IdentifierKind; value: string; customer_id: string | number }>(
      `select kind, value, customer_id from customer_identifiers
        where (kind, value) in (select * from unnest($1::text[], $2::text[]))`,
      [identifiers.map((id) => id.kind), identifiers.map((id) => id.value)],
    );
    const owner = new Map(rows.map((row) => [`${row.kind}\n${row.value}`, Number(row.customer_id)]));
    const matched = identifiers
      .filter((id) => owner.has(`${id.kind}\n${id.value}`))
      .sort((a, b) => STRENGTH[a.kind] - STRENGTH[b.kind]);

    // Each matched profile, strongest link first; one holding a different identifier of a kind
    // stronger than its link to this purchase is someone else.
    const held = await this.#held(tx, [...new Set(matched.map((id) => owner.get(`${id.kind}\n${id.value}`)!))]);
    const candidates: { profile: number; link: Identifier }[] = [];
    const apart: { profile: number; link: Identifier; kind: IdentifierKind }[] = [];
    const seen = new Set<number>();
    for (const link of matched) {
      const profile = owner.get(`${link.kind}\n${link.value}`)!;
      if (seen.has(profile)) continue;
      seen.add(profile);
      const clash = IDENTIFIER_KINDS.find(
        (kind) =>
          STRENGTH[kind] < STRENGTH[link.kind] &&
          identifiers.some((id) => id.kind === kind) &&
          (held.get(profile) ?? []).some((id) => id.kind === kind) &&
          !identifiers.some((id) => id.kind === kind && owner.get(`${id.kind}\n${id.value}`) === profile),
      );
      if (clash) apart.push({ profile, link, kind: clash });
      else candidates.push({ profile, link });
    }

    let kept: number;
    let created = false;
    if (candidates.length === 0) {
      const email = identifiers.find((id) => id.kind === 'email')?.value ?? null;
      // An old profile may still show this e-mail (it was merged away): the new one leaves the
      // display column empty rather than clash with its unique index.
      const { rows: made } = await tx.query<{ id: string | number }>(
        `insert into customers (email, name, phone, loyalty_id)
         values ((select $1::text where not exists (select 1 from customers where email = $1::text)), $2, $3, $4)
         returning id`,
        [email, input.name ?? null, input.phone ?? null, input.loyaltyId ?? null],
      );
      kept = Number(made[0]!.id);
      created = true;
    } else {
      kept = candidates[0]!.profile;
    }

    const merged: number[] = [];
    const keptApart: number[] = [];
    const record = (other: number, outcome: 'merged' | 'kept_apart', link: Identifier, reason: string) =>
      tx.query(
        `insert into customer_merges (kept_id, other_id, outcome, linked_by, reason) values ($1, $2, $3, $4, $5)`,
        [kept, other, outcome, `${link.kind}:${link.value}`, reason],
      );
    for (const { profile, link, kind } of apart) {
      keptApart.push(profile);
      await record(
        profile,
        'kept_apart',
        link,
        `the purchase and the profile hold different ${kind}s; a ${link.kind} alone does not join them`,
      );
    }
    for (const { profile: other, link } of candidates.slice(1)) {
      const clash = await this.#clash(tx, kept, other, link.kind);
      if (clash) {
        keptApart.push(other);
        await record(
          other,
          'kept_apart',
          link,
          `both profiles hold a different ${clash}; a ${link.kind} alone does not join them`,
        );
        continue;
      }
      merged.push(other);
      await tx.query('update customer_identifiers set customer_id = $1 where customer_id = $2', [kept, other]);
      await tx.query('update customers set merged_into = $1, updated_at = now() where id = $2 or merged_into = $2', [
        kept,
        other,
      ]);
      await record(
        other,
        'merged',
        link,
        `one purchase named ${candidates[0]!.link.kind} of the kept profile and ${link.kind} of the other`,
      );
    }

    const fresh = identifiers.filter((id) => !owner.has(`${id.kind}\n${id.value}`));
    if (fresh.length > 0) {
      await tx.query(
        `insert into customer_identifiers (kind, value, customer_id)
         select k, v, $3 from unnest($1::text[], $2::text[]) as i(k, v)`,
        [fresh.map((id) => id.kind), fresh.map((id) => id.value), kept],
      );
    }
    if (!created) {
      await tx.query(
        `update customers set name = coalesce($2, name), phone = coalesce($3, phone),
           loyalty_id = coalesce($4, loyalty_id),
           email = coalesce(email, (select $5::text where not exists (select 1 from customers where email = $5::text))),
           updated_at = now() where id = $1`,
        [
          kept,
          input.name ?? null,
          input.phone ?? null,
          input.loyaltyId ?? null,
          identifiers.find((id) => id.kind === 'email')?.value ?? null,
        ],
      );
    }
    debug('resolved %o to %d (created %s, merged %o, apart %o)', identifiers, kept, created, merged, keptApart);
    return { customerId: kept, created, merged, keptApart };
  }

  /** The identifiers each profile holds. */
  async #held(tx: SqlExecutor, profiles: number[]): Promise<Map<number, Identifier[]>> {
    const held = new Map<number, Identifier[]>();
    if (profiles.length === 0) return held;
    const { rows } = await tx.query<{ kind: IdentifierKind; value: string; customer_id: string | number }>(
      'select kind, value, customer_id from customer_identifiers where customer_id = any($1::bigint[])',
      [profiles],
    );
    for (const row of rows) {
      const id = Number(row.customer_id);
      held.set(id, [...(held.get(id) ?? []), { kind: row.kind, value: row.value }]);
    }
    return held;
  }

  /** The kind stronger than `link` of which both profiles hold a value and share none, if any. */
  async #clash(
    tx: SqlExecutor,
    kept: number,
    other: number,
    link: IdentifierKind,
  ): Promise<IdentifierKind | undefined> {
    const { rows } = await tx.query<{ kind: IdentifierKind; customer_id: string | number }>(
      'select kind, customer_id from customer_identifiers where customer_id in ($1, $2)',
      [kept, other],
    );
    for (const kind of IDENTIFIER_KINDS) {
      if (STRENGTH[kind] >= STRENGTH[link]) break;
      const keptHas = rows.some((row) => row.kind === kind && Number(row.customer_id) === kept);
      const otherHas = rows.some((row) => row.kind === kind && Number(row.customer_id) === other);
      // Identifiers are unique, so two profiles holding the kind hold different values.
      if (keptHas && otherHas) return kind;
    }
    return undefined;
  }
}

/** An e-mail address as matched: trimmed and lower-cased; undefined when it is not one. */
export function normaliseEmail(email: unknown): string | undefined {
  if (typeof email !== 'string') return undefined;
  const trimmed = email.trim().toLowerCase();
  return trimmed.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? trimmed : undefined;
}

/**
 * Records that a shopper id (a browser) is this customer: their sessions count as the customer
 * watching (influenced revenue). The latest purchase's profile wins.
 */
async function linkShopper(db: SqlExecutor, shopperId: string, customerId: number): Promise<void> {
  await db.query(
    `insert into shopper_customers (shopper_id, customer_id) values ($1, $2)
     on conflict (shopper_id) do update set customer_id = excluded.customer_id, linked_at = now()`,
    [shopperId, String(customerId)],
  );
}
