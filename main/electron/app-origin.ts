/**
 * The desktop window's own origin. The renderer is served from a privileged custom scheme rather
 * than file:// (Electron's security checklist): the page gets a real origin for its CSP and
 * storage, and file:// pages' extra privileges (reading any file://) never apply.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'xlir';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs of the app's origin only (scheme and host exact, no credentials or port). */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}
