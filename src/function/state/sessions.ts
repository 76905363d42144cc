/**
 * Server-side conversations in the state table. A session belongs to the
 * caller that created it (its item sits in the caller's partition); another
 * caller finds nothing, exactly as for a session that does not exist.
 *
 * A request holds the session while it runs: a conditional write takes a
 * lock that lasts until the request's deadline, so a second request on the
 * same session gets 409 at once instead of racing; the answer is stored and
 * the lock released in one conditional write. An expired conversation is
 * emptied before it is held, never after: a failure in between leaves it
 * expired, so its turns cannot come back. Stored turns are bounded in
 * number and in bytes, so the item stays under DynamoDB's 400 KB.
 */
import { ConflictError, RequestError, SessionBusyError } from '../errors';
import { callerPartition, sessionSort, TTL_ATTRIBUTE } from './keys';
import { ConditionFailed, num, readNum, readStr, str, type Item, type Key, type StateStore } from './store';

export interface SessionTurn {
  readonly role: 'user' | 'assistant';
  readonly content: string;
  /** When the turn was stored, ISO 8601. */
  readonly at: string;
}

export interface SessionView {
  readonly session_id: string;
  readonly turns: readonly SessionTurn[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly expires_at: string;
}

/** What a running request holds: the turns it started from, and its lock. */
export interface HeldSession {
  readonly id: string;
  readonly turns: readonly SessionTurn[];
  readonly createdAt: string;
  readonly owner: string;
}

export interface SessionLimits {
  readonly maxTurns: number;
  readonly ttlHours: number;
}

/** Bytes of turn text an item may hold: DynamoDB's item limit is 400 KB, the rest is keys and bookkeeping. */
export const MAX_STORED_TURN_BYTES = 350_000;
/** Bytes each stored turn adds beyond its text (role, time, JSON). */
const TURN_OVERHEAD_BYTES = 64;
const TRUNCATED = '\n[truncated: the rest did not fit in the session]';

const keyOf = (callerId: string, sessionId: string): Key => ({ pk: callerPartition(callerId), sk: sessionSort(sessionId) });
const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export class Sessions {
  constructor(
    private readonly store: StateStore,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes the session for a request until `lockUntilMs`; a new (or expired)
   * session starts empty. Throws ConflictError when another request holds it.
   */
  async hold(callerId: string, sessionId: string, owner: string, lockUntilMs: number, signal?: AbortSignal): Promise<HeldSession> {
    // At most one clean-up of an expired conversation, then the hold itself.
    for (let cleaned = false; ; cleaned = true) {
      const now = this.now();
      let old: Item | undefined;
      try {
        old = await this.store.update(
          keyOf(callerId, sessionId),
          {
            // Holding is a use: the expiry moves on at once, so TTL cannot remove the item while it is held. An expired
            // conversation is never held (its expiry would move on with it): it is emptied first, below.
            expression: 'SET lock_owner = :owner, lock_expires_at = :until, #ttl = :ttl',
            condition:
              '(attribute_not_exists(lock_owner) OR lock_expires_at < :now) AND (attribute_not_exists(turns) OR attribute_not_exists(#ttl) OR #ttl > :nowSec)',
            names: { '#ttl': TTL_ATTRIBUTE },
            values: {
              ':owner': str(owner),
              ':until': num(lockUntilMs),
              ':now': num(now),
              ':nowSec': num(epochSeconds(now)),
              ':ttl': num(epochSeconds(now) + this.limits.ttlHours * 3600),
            },
            returnOld: true,
          },
          signal,
        );
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        if (cleaned || !(await this.forgetExpired(callerId, sessionId, signal))) {
          throw new SessionBusyError(`Session ${sessionId} is in use by another request; retry when that one has finished.`);
        }
        continue;
      }
      const live = old !== undefined && readStr(old, 'turns') !== undefined;
      return {
        id: sessionId,
        turns: live ? parseTurns(readStr(old, 'turns')) : [],
        createdAt: (live && readStr(old, 'created_at')) || new Date(now).toISOString(),
        owner,
      };
    }
  }

  /**
   * Empties an expired conversation DynamoDB has not removed yet, unless a
   * request holds it: one conditional write that only ever loses turns, so a
   * failure here cannot bring them back. False when there was nothing to
   * empty (the session is held, or no longer expired).
   */
  private async forgetExpired(callerId: string, sessionId: string, signal?: AbortSignal): Promise<boolean> {
    const now = this.now();
    try {
      await this.store.update(
        keyOf(callerId, sessionId),
        {
          expression: 'REMOVE turns, created_at, updated_at',
          condition: 'attribute_exists(turns) AND #ttl <= :nowSec AND (attribute_not_exists(lock_owner) OR lock_expires_at < :now)',
          names: { '#ttl': TTL_ATTRIBUTE },
          values: { ':now': num(now), ':nowSec': num(epochSeconds(now)) },
        },
        signal,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /** Stores the exchange and releases the session; false when the session was deleted (or taken over) meanwhile. */
  async complete(callerId: string, held: HeldSession, input: string, answer: string, signal?: AbortSignal): Promise<boolean> {
    const now = this.now();
    const at = new Date(now).toISOString();
    const turns = boundTurns([...held.turns, { role: 'user', content: input, at }, { role: 'assistant', content: answer, at }], this.limits.maxTurns);
    try {
      await this.store.update(
        keyOf(callerId, held.id),
        {
          expression:
            'SET turns = :turns, created_at = :created, updated_at = :at, #ttl = :ttl, version = if_not_exists(version, :zero) + :one REMOVE lock_owner, lock_expires_at',
          condition: 'lock_owner = :owner',
          names: { '#ttl': TTL_ATTRIBUTE },
          values: {
            ':turns': str(JSON.stringify(turns)),
            ':created': str(held.createdAt),
            ':at': str(at),
            ':ttl': num(epochSeconds(now) + this.limits.ttlHours * 3600),
            ':zero': num(0),
            ':one': num(1),
            ':owner': str(held.owner),
          },
        },
        signal,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /** Releases the session without storing anything (the request failed). Best effort: the lock expires anyway. */
  async release(callerId: string, held: HeldSession): Promise<void> {
    try {
      await this.store.update(keyOf(callerId, held.id), {
        expression: 'REMOVE lock_owner, lock_expires_at',
        condition: 'lock_owner = :owner',
        values: { ':owner': str(held.owner) },
      });
    } catch {
      // Released by its expiry instead.
    }
  }

  /** The session's turns, or a 404 for one that does not exist, has expired or belongs to another caller. */
  async read(callerId: string, sessionId: string, signal?: AbortSignal): Promise<SessionView> {
    const item = await this.store.get(keyOf(callerId, sessionId), signal);
    if (!item || isExpired(item, this.now()) || readStr(item, 'turns') === undefined) throw notFound(sessionId);
    return {
      session_id: sessionId,
      turns: parseTurns(readStr(item, 'turns')),
      created_at: readStr(item, 'created_at') ?? '',
      updated_at: readStr(item, 'updated_at') ?? '',
      expires_at: new Date((readNum(item, TTL_ATTRIBUTE) ?? 0) * 1000).toISOString(),
    };
  }

  /** Deletes the session; a 404 when there was none for this caller, a 409 while a request holds it. */
  async remove(callerId: string, sessionId: string, signal?: AbortSignal): Promise<void> {
    let old: Item | undefined;
    try {
      old = await this.store.delete(
        keyOf(callerId, sessionId),
        { condition: 'attribute_not_exists(lock_owner) OR lock_expires_at < :now', values: { ':now': num(this.now()) } },
        signal,
      );
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ConflictError(`Session ${sessionId} is in use by a request; delete it when that one has finished.`);
      }
      throw error;
    }
    if (!old || isExpired(old, this.now()) || readStr(old, 'turns') === undefined) throw notFound(sessionId);
  }
}

function notFound(sessionId: string): RequestError {
  return new RequestError('not_found', `No session ${sessionId}.`);
}

function isExpired(item: Item, nowMs: number): boolean {
  const expires = readNum(item, TTL_ATTRIBUTE);
  // DynamoDB deletes expired items only eventually: an expired item is treated as gone at once.
  return expires !== undefined && expires * 1000 <= nowMs;
}

function parseTurns(text: string | undefined): SessionTurn[] {
  try {
    const parsed = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as SessionTurn[]) : [];
  } catch {
    return [];
  }
}

/**
 * At most `maxTurns` turns and MAX_STORED_TURN_BYTES of them as stored
 * (JSON-encoded, so escapes count), dropping the oldest first, and always
 * starting with a user turn (the Messages API requires it). A last exchange
 * too large on its own is cut, each turn to an equal share.
 */
export function boundTurns(turns: readonly SessionTurn[], maxTurns: number): SessionTurn[] {
  const size = (list: readonly SessionTurn[]) => list.reduce((sum, t) => sum + encodedBytes(t.content) + TURN_OVERHEAD_BYTES, 0);
  let kept = turns.slice(-maxTurns);
  while (kept.length > 2 && (size(kept) > MAX_STORED_TURN_BYTES || kept[0].role !== 'user')) kept = kept.slice(1);
  while (kept.length > 0 && kept[0].role !== 'user') kept = kept.slice(1);
  if (size(kept) <= MAX_STORED_TURN_BYTES) return kept;
  const share = Math.floor(MAX_STORED_TURN_BYTES / kept.length) - TURN_OVERHEAD_BYTES - encodedBytes(TRUNCATED);
  return kept.map((turn) => (encodedBytes(turn.content) <= share ? turn : { ...turn, content: `${cutToEncodedBytes(turn.content, share)}${TRUNCATED}` }));
}

/** Bytes of `text` as stored: UTF-8 of its JSON encoding. */
function encodedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

/** The longest prefix of `text` whose stored size is at most `bytes`, never splitting a surrogate pair. */
function cutToEncodedBytes(text: string, bytes: number): string {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (encodedBytes(text.slice(0, middle)) <= bytes) low = middle;
    else high = middle - 1;
  }
  const cut = text.slice(0, low);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
