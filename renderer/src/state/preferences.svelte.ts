import type { Preferences } from '../../../main/contract/app-api.ts';
import type { RunConfigInput } from '../../../main/engine/run/run-config.ts';
import { api } from './connection.ts';
import { attempt } from './notices.svelte.ts';

export type Theme = Preferences['theme'];

/** What the app remembers for the UI: theme, the last run configured, added model folders. */
class PreferencesState {
  current = $state.raw<Preferences | null>(null);
  #systemDark = $state(false);

  constructor() {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = query.matches;
    query.addEventListener('change', (e) => {
      this.#systemDark = e.matches;
    });
  }

  get theme(): Theme {
    return this.current?.theme ?? 'system';
  }

  /** Whether the window is dark now (charts drawn on a canvas pick their colours by it). */
  get dark(): boolean {
    return this.theme === 'dark' || (this.theme === 'system' && this.#systemDark);
  }

  async load(): Promise<void> {
    const loaded = await attempt('Loading preferences', () => api().getPreferences({}));
    if (loaded) this.current = loaded;
  }

  /** Saves a change on top of what the app has (its folders list may have grown meanwhile). */
  async save(change: { theme?: Theme; lastRun?: RunConfigInput }): Promise<void> {
    const base = (await attempt('Loading preferences', () => api().getPreferences({}))) ?? this.current;
    if (!base) return;
    const saved = await attempt('Saving preferences', () => api().savePreferences({ ...base, ...change }));
    if (saved) this.current = saved;
  }

  /** After `addModelFolder`, which stores the folder itself. */
  replace(preferences: Preferences): void {
    this.current = preferences;
  }
}

export const preferences = new PreferencesState();

/** The theme on the root element; `system` leaves it to prefers-color-scheme. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
