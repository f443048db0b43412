import type { XlirApi } from '../../../main/contract/app-api.ts';
import type { ApiConnection } from '../api/api-connection.ts';
import { pickApi } from '../api/pick-api.ts';

const picked = pickApi(window);

/** The app this window talks to, or null when it has none (then `connectionError` says why). */
export const connection: ApiConnection | null = 'error' in picked ? null : picked;
export const connectionError: string | null = 'error' in picked ? picked.error : null;

/** The API; pages are only shown when there is a connection. */
export function api(): XlirApi {
  if (!connection) throw new Error(connectionError ?? 'no connection to the app');
  return connection.api;
}
