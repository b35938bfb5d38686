// Temporary media URLs: the transcript, the file (original or redacted) and an expiry, signed with
// HMAC-SHA256 under a key derived (HKDF) from the server's secret key. The signature is the only
// credential of GET /media/{TranscriptSid}, so it binds every part of the URL that picks the file.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export type SignedVariant = 'original' | 'redacted';

export interface MediaUrlQuery {
  variant: SignedVariant;
  expires: number;
  signature: string;
}

export type Verdict = 'valid' | 'expired' | 'forged';

const HKDF_INFO = 'intelligence-server media URL signing v1';
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const EXPIRES = /^\d{1,12}$/;

export class MediaUrlSigner {
  private constructor(
    private readonly key: Buffer,
    /** How long a URL is valid, from when it was issued. */
    readonly ttlSeconds: number,
  ) {}

  /** A key derived from the server's secret key: URLs stay valid across restarts and on every node that shares it. */
  static fromSecretKey(secretKey: Buffer, ttlSeconds: number): MediaUrlSigner {
    if (secretKey.length < 16) throw new RangeError('the secret key must have at least 16 bytes');
    return new MediaUrlSigner(Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), HKDF_INFO, 32)), ttlSeconds);
  }

  /** A key of this process only: its URLs fail after a restart and on other nodes. */
  static ephemeral(ttlSeconds: number): MediaUrlSigner {
    return new MediaUrlSigner(randomBytes(32), ttlSeconds);
  }

  private mac(transcriptSid: string, variant: string, expires: number): Buffer {
    return createHmac('sha256', this.key).update(`${transcriptSid}\n${variant}\n${expires}`).digest();
  }

  sign(transcriptSid: string, variant: SignedVariant, nowMs: number): MediaUrlQuery {
    const expires = Math.floor(nowMs / 1000) + this.ttlSeconds;
    return { variant, expires, signature: this.mac(transcriptSid, variant, expires).toString('base64url') };
  }

  /** Checks the query of a media URL; a malformed one is forged. Expiry is told apart only once the signature holds. */
  verify(
    transcriptSid: string,
    query: { variant?: string | string[]; expires?: string | string[]; signature?: string | string[] },
    nowMs: number,
  ): { verdict: Verdict; variant: SignedVariant } {
    const { variant, expires, signature } = query;
    const forged = { verdict: 'forged' as const, variant: 'original' as const };
    if (variant !== 'original' && variant !== 'redacted') return forged;
    if (typeof expires !== 'string' || !EXPIRES.test(expires)) return forged;
    if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return forged;
    const expected = this.mac(transcriptSid, variant, Number(expires));
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return forged;
    return { verdict: Number(expires) * 1000 <= nowMs ? 'expired' : 'valid', variant };
  }
}
