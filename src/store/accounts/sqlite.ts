// Accounts, API keys and credentials in SQLite.
import type { AccountSid } from '../../sids.js';
import { accountExists, type SqliteContext } from '../sqlite-context.js';
import type { AccountOperations, AccountRecord } from '../store.js';

const INSERT_ACCOUNT =
  'INSERT INTO accounts (sid, friendly_name, auth_token_hash, auth_token_ciphertext, date_created) VALUES (?, ?, ?, ?, ?)';

export function sqliteAccounts(ctx: SqliteContext): AccountOperations {
  const insert = (account: AccountRecord, suffix = '') =>
    ctx
      .sql(INSERT_ACCOUNT + suffix)
      .run(account.sid, account.friendlyName, account.authTokenHash, account.authTokenCiphertext ?? null, account.dateCreatedMs);
  return {
    async findCredential(sid) {
      if (sid.startsWith('AC')) {
        const row = ctx
          .sql('SELECT sid, auth_token_hash, auth_token_ciphertext IS NOT NULL AS has_ciphertext FROM accounts WHERE sid = ?')
          .get(sid) as { sid: string; auth_token_hash: string; has_ciphertext: number } | undefined;
        return row
          ? {
              sid: row.sid,
              accountSid: row.sid as AccountSid,
              secretHash: row.auth_token_hash,
              hasTokenCiphertext: row.has_ciphertext === 1,
            }
          : null;
      }
      const row = ctx.sql('SELECT sid, account_sid, secret_hash FROM api_keys WHERE sid = ?').get(sid) as
        { sid: string; account_sid: string; secret_hash: string } | undefined;
      return row ? { sid: row.sid, accountSid: row.account_sid as AccountSid, secretHash: row.secret_hash } : null;
    },

    async countAccounts() {
      return (ctx.sql('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
    },

    async insertAccount(account) {
      await ctx.autocommit(() => insert(account));
    },

    insertBootstrapAccount(account, onlyIntoEmpty) {
      return ctx.write(() => {
        if (onlyIntoEmpty && ctx.sql('SELECT 1 FROM accounts LIMIT 1').get() !== undefined) return false;
        return insert(account, ' ON CONFLICT (sid) DO NOTHING').changes > 0;
      });
    },

    insertApiKey(key) {
      return ctx.write((): 'inserted' | 'account-not-found' => {
        if (!accountExists(ctx, key.accountSid)) return 'account-not-found';
        ctx
          .sql('INSERT INTO api_keys (sid, account_sid, friendly_name, secret_hash, date_created) VALUES (?, ?, ?, ?, ?)')
          .run(key.sid, key.accountSid, key.friendlyName, key.secretHash, key.dateCreatedMs);
        return 'inserted';
      });
    },

    deleteApiKey(sid) {
      return ctx.autocommit(() => ctx.sql('DELETE FROM api_keys WHERE sid = ?').run(sid).changes > 0);
    },

    setAuthTokenHash(accountSid, authTokenHash, authTokenCiphertext = null) {
      return ctx.autocommit(
        () =>
          ctx
            .sql('UPDATE accounts SET auth_token_hash = ?, auth_token_ciphertext = ? WHERE sid = ?')
            .run(authTokenHash, authTokenCiphertext, accountSid).changes > 0,
      );
    },

    async findAuthTokenCiphertext(accountSid) {
      const row = ctx.sql('SELECT auth_token_ciphertext FROM accounts WHERE sid = ?').get(accountSid) as
        { auth_token_ciphertext: string | null } | undefined;
      return row?.auth_token_ciphertext ?? null;
    },

    storeAuthTokenCiphertext(accountSid, authTokenHash, authTokenCiphertext) {
      return ctx.autocommit(
        () =>
          ctx
            .sql('UPDATE accounts SET auth_token_ciphertext = ? WHERE sid = ? AND auth_token_hash = ?')
            .run(authTokenCiphertext, accountSid, authTokenHash).changes > 0,
      );
    },
  };
}
