/**
 * The headers the built renderer is served with, by `xlir serve` (HTTP) and by the desktop app's
 * `app://` protocol alike, so both run the same UI under the same policy. The UI loads only its
 * own files: no remote scripts, styles, frames or form targets. `'unsafe-inline'` is allowed for
 * styles only (style attributes in the components' markup); scripts stay `'self'`.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Sent with every renderer file: the CSP, no MIME sniffing, no referrer to anywhere. */
export const RENDERER_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': APP_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
