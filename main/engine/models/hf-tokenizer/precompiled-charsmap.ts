/**
 * SentencePiece's `precompiled_charsmap` normaliser, applied exactly as the Rust `tokenizers` core
 * (the Hugging Face reference, `spm_precompiled`) applies it.
 *
 * Why this exists: @huggingface/tokenizers 0.2.0 ignores the charsmap and runs
 * `String.prototype.normalize('NFKC')` instead. Full NFKC reorders combining marks canonically;
 * the charsmap does not. Arabic shadda (U+0651, combining class 33) followed by fatha, damma or
 * kasra (U+064E/U+064F/U+0650, classes 30/31/32) is swapped by NFKC, so an XLM-R-style tokenizer
 * gave other ids than the reference on 54 of 2,412 Arabic XQuAD-R texts.
 *
 * The blob is `u32 trie size | trie (u32 units, a Darts double array over UTF-8 bytes) |
 * replacements (NUL-terminated UTF-8)`. The reference walks the text grapheme by grapheme: a
 * grapheme under 6 UTF-8 bytes is replaced whole by the value of the SHORTEST rule matching a
 * prefix of it; otherwise, or when nothing matches, each code point is looked up on its own.
 */

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const MAX_WHOLE_GRAPHEME_BYTES = 6;
const GRAPHEME_CACHE_SIZE = 1 << 16;
/**
 * Characters that can share a grapheme with a neighbour (UAX #29: CR LF, Extend, ZWJ, SpacingMark,
 * Prepend, Hangul jamo and syllables, regional indicators), as a superset. A text with none of them
 * has one grapheme per code point, so the (slow) segmenter is skipped.
 */
const MAY_JOIN =
  /[\r\p{Grapheme_Extend}\p{Emoji_Modifier}\p{Mc}\p{Cf}\p{Regional_Indicator}\u0E33\u0EB3\u1100-\u11FF\u3130-\u318F\uA960-\uA97F\uAC00-\uD7FF\u0D4E\u{111C2}\u{111C3}\u{1193F}\u{11941}\u{11A3A}\u{11A84}-\u{11A89}\u{11D46}\u{11F02}\u{113D1}]/u;

export class PrecompiledCharsmap {
  readonly #units: Uint32Array;
  readonly #replacements: Uint8Array;
  readonly #decoded = new Map<number, string>();
  /** Normalised form of each grapheme met so far. */
  readonly #graphemes = new Map<string, string>();
  /** Replacement of each BMP character looked up so far (null: none). */
  readonly #bmp: (string | null)[] = new Array(0x10000);

  constructor(blob: Uint8Array) {
    if (blob.length < 4) throw new Error('precompiled_charsmap is shorter than its 4-byte header');
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || trieBytes === 0 || 4 + trieBytes > blob.length) {
      throw new Error(`precompiled_charsmap declares a trie of ${trieBytes} bytes in a blob of ${blob.length}`);
    }
    this.#units = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.#units.length; i++) this.#units[i] = view.getUint32(4 + 4 * i, true);
    this.#replacements = blob.subarray(4 + trieBytes);
  }

  static fromBase64(text: string): PrecompiledCharsmap {
    return new PrecompiledCharsmap(Buffer.from(text, 'base64'));
  }

  normalize(text: string): string {
    if (MAY_JOIN.test(text)) {
      let out = '';
      for (const { segment } of GRAPHEMES.segment(text)) out += this.#grapheme(segment);
      return out;
    }
    // One grapheme per code point: look each up, copying unchanged runs in one slice.
    let out = '';
    let copiedUpTo = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      const astral = unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length;
      let replacement: string | null;
      if (astral) {
        const char = text.slice(i, i + 2);
        const normalized = this.#grapheme(char);
        replacement = normalized === char ? null : normalized;
      } else {
        replacement = this.#bmp[unit] === undefined ? (this.#bmp[unit] = this.#lookup(utf8(text[i])) ?? null) : this.#bmp[unit];
      }
      if (replacement !== null) {
        out += text.slice(copiedUpTo, i) + replacement;
        copiedUpTo = i + (astral ? 2 : 1);
      }
      if (astral) i++;
    }
    return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
  }

  #grapheme(grapheme: string): string {
    let result = this.#graphemes.get(grapheme);
    if (result !== undefined) return result;
    const bytes = utf8(grapheme);
    result = bytes.length < MAX_WHOLE_GRAPHEME_BYTES ? this.#lookup(bytes) : undefined;
    if (result === undefined) {
      result = '';
      for (const char of grapheme) result += this.#lookup(utf8(char)) ?? char;
    }
    // Real text has a few thousand distinct graphemes; the bound only guards against crafted input.
    if (this.#graphemes.size >= GRAPHEME_CACHE_SIZE) this.#graphemes.clear();
    this.#graphemes.set(grapheme, result);
    return result;
  }

  /** The replacement under the shortest rule that is a prefix of `key`, if any. */
  #lookup(key: ArrayLike<number>): string | undefined {
    const units = this.#units;
    let node = offset(units[0]);
    for (let i = 0; i < key.length; i++) {
      const byte = key[i];
      if (byte === 0) break;
      node ^= byte;
      const unit = units[node];
      if (unit === undefined || label(unit) !== byte) return undefined;
      node ^= offset(unit);
      if (hasLeaf(unit)) return this.#replacementAt(units[node] & 0x7fffffff);
    }
    return undefined;
  }

  #replacementAt(start: number): string {
    let text = this.#decoded.get(start);
    if (text === undefined) {
      let end = start;
      while (end < this.#replacements.length && this.#replacements[end] !== 0) end++;
      text = Buffer.from(this.#replacements.subarray(start, end)).toString('utf8');
      this.#decoded.set(start, text);
    }
    return text;
  }
}

// Darts double-array unit layout (sentencepiece's third_party/darts_clone).
const hasLeaf = (unit: number): boolean => ((unit >>> 8) & 1) === 1;
const label = (unit: number): number => unit & 0x800000ff;
const offset = (unit: number): number => (unit >>> 10) << ((unit & 0x200) >>> 6);

const encoder = new TextEncoder();
function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
