import type { XlirApi } from '../../../main/contract/app-api.ts';

/** Where the stream of app events stands. */
export type StreamState = 'connecting' | 'open' | 'retrying';

export interface StreamStatus {
  state: StreamState;
  /** Why the stream is down, while it is retrying. */
  error?: string;
  /** Open again after a break: events sent meanwhile were missed, so state should be fetched afresh. */
  reconnected: boolean;
}

/** The app as the renderer sees it, whatever carries it (Electron IPC or `xlir serve` over HTTP). */
export interface ApiConnection {
  api: XlirApi;
  transport: 'electron' | 'http';
  onStreamStatus(listener: (status: StreamStatus) => void): () => void;
}
