/**
 * Characters that must never reach a terminal or a page from untrusted text (an imported report,
 * a label): C0 controls but tab and line breaks (ESC starts terminal escape sequences), DEL, C1
 * controls; and every format character (Unicode category Cf) plus the line and paragraph
 * separators — zero-width spaces and joiners, the left-to-right and right-to-left marks (U+200E,
 * U+200F, U+061C), the bidirectional overrides and isolates that make text display in another
 * order than it reads, the byte-order mark, tag characters. None is visible, so two labels that
 * differ by one look the same, and a report could pass for another.
 */
const CONTROL = String.raw`\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f`;
const INVISIBLE = String.raw`\p{Cf}\u2028\u2029`;
const UNSAFE = new RegExp(`[${CONTROL}${INVISIBLE}]`, 'u');
const UNSAFE_OR_LINE_BREAK = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE}]`, 'u');

/** The first unsafe character of `text`, or undefined; line breaks and tabs are allowed only where `multiline`. */
export function unsafeCharacter(text: string, multiline: boolean): string | undefined {
  return (multiline ? UNSAFE : UNSAFE_OR_LINE_BREAK).exec(text)?.[0];
}

/** "the control character U+001B" or "the invisible or reordering character U+200F": how messages name it. */
export function describeUnsafeCharacter(char: string): string {
  return `the ${/\p{Cc}/u.test(char) ? 'control' : 'invisible or reordering'} character ${codePointName(char)}`;
}

function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
