-- An account's auth token, encrypted under the server key (AES-256-GCM), so webhooks can be signed with it.
ALTER TABLE accounts ADD COLUMN auth_token_ciphertext TEXT;
