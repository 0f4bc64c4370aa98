import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/index.js';
import { type Clock, isoNow } from '../../core/clock.js';
import type { Database } from '../../store/index.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';
import { passwordProblem } from './password-policy.js';

export const ADMIN_USERNAME = 'admin';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** How failed logins for a name that is not an account are audited: the name may be a password. */
export const UNKNOWN_USER = 'unknown user';

export interface SessionInfo {
  userId: number;
  username: string;
  csrfToken: string;
  expiresAtMs: number;
}

export type LoginResult =
  | { ok: true; token: string; session: SessionInfo }
  /** `account` is the user name only when it names a real account. */
  | { ok: false; account: string | undefined };

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Users and their login sessions. Session tokens are stored hashed, so a database dump can't log in. */
export class Accounts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates the admin user on first run with the given password, or a generated one that the caller
   * prints once. Returns the clear password only when it was generated now.
   */
  async ensureAdmin(
    passwordFromEnv: string | undefined,
  ): Promise<{ created: boolean; generatedPassword?: string }> {
    const existing = await this.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', ADMIN_USERNAME)
      .executeTakeFirst();
    if (existing) return { created: false };
    const problem = passwordFromEnv === undefined ? undefined : passwordProblem(passwordFromEnv);
    if (problem) throw new Error(`IBLOOP_ADMIN_PASSWORD: ${problem}`);
    const password = passwordFromEnv ?? generatePassword();
    // Replicas starting together each get here: only the one whose row goes in made the real
    // password, and only it may print it.
    const inserted = await this.db
      .insertInto('users')
      .values({
        username: ADMIN_USERNAME,
        password_hash: await hashPassword(password),
        created_at: isoNow(this.clock),
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return { created: false };
    await this.audit.append({
      actor: 'system',
      action: 'user.create',
      target: `user:${ADMIN_USERNAME}`,
      after: { username: ADMIN_USERNAME, passwordSource: passwordFromEnv ? 'environment' : 'generated' },
    });
    return passwordFromEnv ? { created: true } : { created: true, generatedPassword: password };
  }

  async setPassword(username: string, password: string, actor: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new Error(`password: ${problem}`);
    const hash = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirst();
      if (!user) throw new Error(`user "${username}" does not exist`);
      await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      await this.audit.append({ actor, action: 'user.password.reset', target: `user:${username}` }, trx);
    });
  }

  /** Checks the password; on success opens a session. Both outcomes are audited. */
  async login(username: string, password: string, origin: string): Promise<LoginResult> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) {
      // A name that is no account is never written down: people type their password there.
      const name = user?.username ?? UNKNOWN_USER;
      await this.audit.append({
        actor: name,
        action: 'auth.login.failed',
        target: `user:${name}`,
        after: { from: origin },
      });
      return { ok: false, account: user?.username };
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock.nowMs();
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + SESSION_TTL_MS).toISOString(),
      })
      .execute();
    await this.audit.append({
      actor: user.username,
      action: 'auth.login',
      target: `user:${user.username}`,
      after: { from: origin },
    });
    return {
      ok: true,
      token,
      session: { userId: user.id, username: user.username, csrfToken, expiresAtMs: now + SESSION_TTL_MS },
    };
  }

  async session(token: string | undefined): Promise<SessionInfo | undefined> {
    if (!token) return undefined;
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.user_id', 'sessions.csrf_token', 'sessions.expires_at', 'users.username'])
      .where('sessions.token_hash', '=', tokenHash(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= isoNow(this.clock)) return undefined;
    return {
      userId: row.user_id,
      username: row.username,
      csrfToken: row.csrf_token,
      expiresAtMs: Date.parse(row.expires_at),
    };
  }

  async logout(token: string, username: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
    await this.audit.append({ actor: username, action: 'auth.logout', target: `user:${username}` });
  }
}

// A valid hash of a random password nobody knows, used only to equalise timing.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$Hq0fXsTjdtu0q0IdqkR8HUGJQ4ZqJpO5m5v+3VnGm5I=';
