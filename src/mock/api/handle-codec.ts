// Opaque, tamper-evident tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256 truncated).
// A garbled token fails `open` (→ a distinct "invalid" code); a well-signed one names a record id that
// the caller looks up (→ "not found" when it belongs to another organisation).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class HandleCodec {
  private readonly secret = randomBytes(32);

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }

  seal(type: string, id: string): string {
    const payload = Buffer.from(JSON.stringify({ t: type, id })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The id inside a token of `type`, or undefined when the token is garbled, forged or of another type. */
  open(type: string, token: string): string | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 512) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
      return parsed.t === type && typeof parsed.id === 'string' ? parsed.id : undefined;
    } catch {
      return undefined;
    }
  }
}
