// Accounts, API keys and credentials in PostgreSQL.
import type { AccountSid } from '../../sids.js';
import { errorCode, hasNul, onlyRow, type PostgresContext } from '../postgres-context.js';
import type { AccountOperations } from '../store.js';

export function postgresAccounts(ctx: PostgresContext): AccountOperations {
  return {
    async findCredential(sid) {
      if (hasNul(sid)) return null;
      if (sid.startsWith('AC')) {
        const [row] = await ctx.rows<{ sid: string; auth_token_hash: string; has_ciphertext: boolean }>(
          'SELECT sid, auth_token_hash, auth_token_ciphertext IS NOT NULL AS has_ciphertext FROM accounts WHERE sid = $1',
          [sid],
        );
        return row
          ? { sid: row.sid, accountSid: row.sid as AccountSid, secretHash: row.auth_token_hash, hasTokenCiphertext: row.has_ciphertext }
          : null;
      }
      const [row] = await ctx.rows<{ sid: string; account_sid: string; secret_hash: string }>(
        'SELECT sid, account_sid, secret_hash FROM api_keys WHERE sid = $1',
        [sid],
      );
      return row ? { sid: row.sid, accountSid: row.account_sid as AccountSid, secretHash: row.secret_hash } : null;
    },

    async countAccounts() {
      return onlyRow(await ctx.rows<{ n: number }>('SELECT count(*) AS n FROM accounts')).n;
    },

    async insertAccount(account) {
      await ctx.query(
        'INSERT INTO accounts (sid, friendly_name, auth_token_hash, auth_token_ciphertext, date_created) VALUES ($1, $2, $3, $4, $5)',
        [account.sid, account.friendlyName, account.authTokenHash, account.authTokenCiphertext ?? null, account.dateCreatedMs],
      );
    },

    insertBootstrapAccount(account, onlyIntoEmpty) {
      return ctx.transaction(async (client) => {
        // Serialises concurrent first starts: only one of them sees the table empty.
        await client.query('LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE');
        if (onlyIntoEmpty && (await client.query('SELECT 1 FROM accounts LIMIT 1')).rowCount !== 0) return false;
        const inserted = await client.query(
          `INSERT INTO accounts (sid, friendly_name, auth_token_hash, auth_token_ciphertext, date_created) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sid) DO NOTHING`,
          [account.sid, account.friendlyName, account.authTokenHash, account.authTokenCiphertext ?? null, account.dateCreatedMs],
        );
        return inserted.rowCount === 1;
      });
    },

    async insertApiKey(key) {
      if (hasNul(key.accountSid)) return 'account-not-found';
      try {
        const result = await ctx.attempt(() =>
          ctx.query(
            `INSERT INTO api_keys (sid, account_sid, friendly_name, secret_hash, date_created)
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM accounts WHERE sid = $2)`,
            [key.sid, key.accountSid, key.friendlyName, key.secretHash, key.dateCreatedMs],
          ),
        );
        return result.rowCount === 1 ? 'inserted' : 'account-not-found';
      } catch (error) {
        // The account went away between the check and the write (foreign key violation).
        if (errorCode(error) === '23503') return 'account-not-found';
        throw error;
      }
    },

    async deleteApiKey(sid) {
      if (hasNul(sid)) return false;
      return ((await ctx.query('DELETE FROM api_keys WHERE sid = $1', [sid])).rowCount ?? 0) > 0;
    },

    async setAuthTokenHash(accountSid, authTokenHash, authTokenCiphertext = null) {
      if (hasNul(accountSid)) return false;
      const result = await ctx.query('UPDATE accounts SET auth_token_hash = $1, auth_token_ciphertext = $2 WHERE sid = $3', [
        authTokenHash,
        authTokenCiphertext,
        accountSid,
      ]);
      return (result.rowCount ?? 0) > 0;
    },

    async findAuthTokenCiphertext(accountSid) {
      if (hasNul(accountSid)) return null;
      const [row] = await ctx.rows<{ auth_token_ciphertext: string | null }>('SELECT auth_token_ciphertext FROM accounts WHERE sid = $1', [
        accountSid,
      ]);
      return row?.auth_token_ciphertext ?? null;
    },

    async storeAuthTokenCiphertext(accountSid, authTokenHash, authTokenCiphertext) {
      if (hasNul(accountSid)) return false;
      const result = await ctx.query('UPDATE accounts SET auth_token_ciphertext = $1 WHERE sid = $2 AND auth_token_hash = $3', [
        authTokenCiphertext,
        accountSid,
        authTokenHash,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
