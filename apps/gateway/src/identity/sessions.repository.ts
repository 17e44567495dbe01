import { Injectable } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';

export interface SessionRow {
  id: string;
  tenantId: string;
  userId: string;
  deviceName: string | null;
  userAgent: string | null;
  ip: string | null;
  currentTokenHash: string;
  rotatedTokenHashes: string[];
  rotations: number;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/** The public shape of a session: never its token hashes. */
export const toSessionView = (s: SessionRow, currentSessionId?: string) => ({
  id: s.id,
  deviceName: s.deviceName,
  userAgent: s.userAgent,
  ip: s.ip,
  rotations: s.rotations,
  createdAt: new Date(s.createdAt).toISOString(),
  lastUsedAt: new Date(s.lastUsedAt).toISOString(),
  expiresAt: new Date(s.expiresAt).toISOString(),
  current: s.id === currentSessionId,
});

const COLS = `id, tenant_id AS "tenantId", user_id AS "userId", device_name AS "deviceName", user_agent AS "userAgent", ip,
  current_token_hash AS "currentTokenHash", rotated_token_hashes AS "rotatedTokenHashes", rotations,
  created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", revoked_reason AS "revokedReason"`;

/**
 * Device sessions: one per sign-in, one refresh-token family each. Only SHA-256 hashes of refresh
 * tokens are stored: the current one and every one already rotated out (to detect reuse).
 */
@Injectable()
export class SessionsRepository {
  constructor(private readonly db: ServiceDatabase) {}

  private get em() {
    return this.db.manager();
  }

  async insert(s: { id: string; tenantId: string; userId: string; deviceName?: string; userAgent?: string; ip?: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.em.query(
      `INSERT INTO identity.device_sessions (id, tenant_id, user_id, device_name, user_agent, ip, current_token_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [s.id, s.tenantId, s.userId, s.deviceName ?? null, s.userAgent?.slice(0, 500) ?? null, s.ip ?? null, s.tokenHash, s.expiresAt],
    );
  }

  async byIdForUpdate(id: string): Promise<SessionRow | undefined> {
    return ((await this.em.query(`SELECT ${COLS} FROM identity.device_sessions WHERE id = $1 FOR UPDATE`, [id])) as SessionRow[])[0];
  }

  async rotate(id: string, oldHash: string, newHash: string): Promise<void> {
    await this.em.query(
      `UPDATE identity.device_sessions
          SET current_token_hash = $3, rotated_token_hashes = array_append(rotated_token_hashes, $2),
              rotations = rotations + 1, last_used_at = now()
        WHERE id = $1`,
      [id, oldHash, newHash],
    );
  }

  async revoke(id: string, reason: string, userId?: string): Promise<boolean> {
    const [rows] = (await this.em.query(
      `UPDATE identity.device_sessions SET revoked_at = now(), revoked_reason = $2
        WHERE id = $1 AND revoked_at IS NULL ${userId ? 'AND user_id = $3' : ''} RETURNING id`,
      userId ? [id, reason, userId] : [id, reason],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /** A user's sessions that can still be used (not revoked, not expired), newest first. */
  async openOfUser(userId: string): Promise<SessionRow[]> {
    return (await this.em.query(
      `SELECT ${COLS} FROM identity.device_sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
        ORDER BY last_used_at DESC, id`,
      [userId],
    )) as SessionRow[];
  }

  /** Revokes every open session of a user; returns their ids. */
  async revokeAllOfUser(userId: string, reason: string): Promise<string[]> {
    const [rows] = (await this.em.query(
      `UPDATE identity.device_sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, reason],
    )) as [Array<{ id: string }>, number];
    return rows.map((r) => r.id);
  }
}
