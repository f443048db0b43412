import { createHash } from 'node:crypto';

const MAX_LENGTH = 120;
/** Names Windows gives to devices, in any case and with any extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * `name` as one plain file or folder name, safe on every system whatever it holds: a model's
 * name comes from its manifest or its folder, and `..`, `/`, a drive letter or a device name must
 * not send a file anywhere else than where it was meant to go. A name that is safe already is
 * kept; any other gets its unsafe characters replaced and a short hash of the original, so that
 * two different names never share a folder.
 */
export function safeFileName(name: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) && name.length <= MAX_LENGTH && !name.endsWith('.') && !WINDOWS_DEVICE.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const plain = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_').replace(/\.+$/, '').slice(0, MAX_LENGTH - hash.length - 2);
  return `${WINDOWS_DEVICE.test(plain) ? '_' : ''}${plain || 'unnamed'}-${hash}`;
}
