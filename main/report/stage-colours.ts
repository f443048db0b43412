/** The latency stages in the order bars stack them, with one colour each (Okabe–Ito; grey for the rest), shared by the HTML report and the app. */
export const STAGE_COLOURS = [
  { key: 'tokenize', colour: '#e69f00' },
  { key: 'encode', colour: '#0072b2' },
  { key: 'search', colour: '#009e73' },
  { key: 'other', colour: '#a6a6a6' },
] as const;
