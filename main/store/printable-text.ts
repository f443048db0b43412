/**
 * Characters that must never reach a terminal or a page from untrusted text (an imported report,
 * a label): C0 controls but tab and line breaks (ESC starts terminal escape sequences), DEL, C1
 * controls, and the bidirectional overrides that make text display in another order than it reads.
 */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_OR_LINE_BREAK = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** The first unsafe character of `text`, or undefined; line breaks and tabs are allowed only where `multiline`. */
export function unsafeCharacter(text: string, multiline: boolean): string | undefined {
  return (multiline ? UNSAFE : UNSAFE_OR_LINE_BREAK).exec(text)?.[0];
}

export function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
