/**
 * Redaction of secrets from anything Backroom prints, logs or stores as an error message.
 * Known secret values are registered when the secret store hands them out; well-known credential
 * shapes (WooCommerce ck_/cs_ keys, Shopify tokens, auth headers, key query parameters) are
 * masked even when they were never registered.
 */
const known = new Set<string>();
export const REDACTED = '[redacted]';

const PATTERNS: RegExp[] = [
  /\b(ck|cs)_[A-Za-z0-9]{8,}\b/g,
  /\bshp(at|ca|pa|ss)_[A-Za-z0-9]{8,}\b/g,
  // A Basic/Bearer credential is one long token on the same line with a digit or base64 sign in it;
  // "plan Basic" followed by the next line, or "Basic Advanced", is ordinary text and stays.
  /\b(Basic|Bearer)[ \t]+(?=[A-Za-z0-9+/=._-]*[0-9+=])[A-Za-z0-9+/=._-]{16,}/gi,
  /((?:consumer_key|consumer_secret|api_key|apikey|access_token|token|key|secret)=)[^&\s"']+/gi,
  /("?(?:Api-Token|X-Shopify-Access-Token|Authorization)"?\s*[:=]\s*"?)[^"\s,}]+/gi,
  // The password of a database address (postgres://user:password@host/db), however short.
  /(postgres(?:ql)?:\/\/[^\s:/@]*:)[^\s@]+(?=@)/gi,
];

/** Remembers a secret value so it is masked wherever it later appears. Short values are ignored (they would mask ordinary words). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) known.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (match, prefix: string | undefined) =>
      typeof prefix === 'string' && match.startsWith(prefix) && /[:=]\s*"?$/.test(prefix) ? `${prefix}${REDACTED}` : REDACTED);
  }
  return out;
}

/** Deep-redacts a value that is about to be printed as JSON. */
export function redactValue<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value) ?? 'null')) as T;
}
