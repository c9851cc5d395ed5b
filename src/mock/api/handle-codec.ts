// Opaque, tamper-evident tokens: base64url(JSON payload) + "." + tag. A garbled token fails `open`
// (→ a distinct "invalid" code); a well-tagged one names a record id that the caller looks up
// (→ "not found" when it belongs to another organisation).
// The tag is SHA-256(secret ‖ payload) truncated to 132 bits, with one-shot crypto.hash: the hot path
// creates a handle per request and an Hmac object costs several times as much (docs/performance.md).
// Truncation is what makes the secret-prefix construction sound: a length-extension forgery needs the
// full 256-bit state, and the token shows only 132 bits of it (the argument behind SHA-512/256).
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export class HandleCodec {
  // base64url, so (secret ‖ payload) is plain ASCII and hashes as the same bytes in any encoding.
  private readonly secret = randomBytes(32).toString('base64url');

  private tag(payload: string): string {
    return hash('sha256', this.secret + payload, 'base64url').slice(0, 22);
  }

  seal(type: string, id: string): string {
    // The JSON text of {t, id}, written without building the object (a seal per handle request).
    const payload = Buffer.from(`{"t":${JSON.stringify(type)},"id":${JSON.stringify(id)}}`).toString('base64url');
    return `${payload}.${this.tag(payload)}`;
  }

  /** The id inside a token of `type`, or undefined when the token is garbled, forged or of another type. */
  open(type: string, token: string): string | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 512) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.tag(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
      return parsed.t === type && typeof parsed.id === 'string' ? parsed.id : undefined;
    } catch {
      return undefined;
    }
  }
}
