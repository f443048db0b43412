import { library, type ComponentConfig, type LibraryNormalizer } from './library.ts';
import { PrecompiledCharsmap } from './precompiled-charsmap.ts';

// Normalisers that do what the Rust `tokenizers` core's normaliser of the same name does, for
// those of @huggingface/tokenizers 0.2.0 that are JavaScript stand-ins giving other text on real
// input; each comment says where the stand-in differs. The others (NFC, NFKC, Replace,
// StripAccents, ...) agree.

/** Precompiled: the stand-in runs full NFKC, which reorders combining marks (precompiled-charsmap.ts). */
class PrecompiledReference extends library.Normalizer {
  readonly #charsmap: PrecompiledCharsmap;

  constructor(config: ComponentConfig) {
    super(config);
    const base64 = config.precompiled_charsmap;
    if (typeof base64 !== 'string' || base64.length === 0) throw new Error('a Precompiled normalizer has no precompiled_charsmap');
    this.#charsmap = PrecompiledCharsmap.fromBase64(base64);
  }

  override normalize(text: string): string {
    return this.#charsmap.normalize(text);
  }
}

/**
 * Lowercase, character by character as Rust's `char::to_lowercase`. `String.prototype.toLowerCase`
 * applies the one context rule of Unicode lowercasing: Greek capital sigma at a word end becomes
 * final sigma ς, where the reference gives σ (4 Greek XQuAD-R texts differed through it).
 */
function lowercaseEachCharacter(text: string): string {
  if (!text.includes('\u03a3')) return text.toLowerCase();
  let out = '';
  for (const char of text) out += char.toLowerCase();
  return out;
}

class LowercaseReference extends library.Normalizer {
  override normalize(text: string): string {
    return lowercaseEachCharacter(text);
  }
}

/** Strip: the reference trims Unicode White_Space (U+0085 included, U+FEFF not); `trim` does the reverse. */
class StripReference extends library.Normalizer {
  readonly #pattern: RegExp | null;

  constructor(config: ComponentConfig) {
    super(config);
    const { strip_left: left, strip_right: right } = config as { strip_left?: boolean; strip_right?: boolean };
    const sides = [left ? '^\\p{White_Space}+' : '', right ? '\\p{White_Space}+$' : ''].filter(Boolean);
    this.#pattern = sides.length ? new RegExp(sides.join('|'), 'gu') : null;
  }

  override normalize(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, '') : text;
  }
}

const OTHER = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u; // the reference's `is_other` (it keeps unassigned code points)
const WHITE_SPACE = /^\p{White_Space}$/u;
// The Rust core's `is_chinese_char` ranges (one differs from BERT's original list).
const CJK_RANGES = [
  [0x4e00, 0x9fff], [0x3400, 0x4dbf], [0x20000, 0x2a6df], [0x2a700, 0x2b73f],
  [0x2b740, 0x2b81f], [0x2b920, 0x2ceaf], [0xf900, 0xfaff], [0x2f800, 0x2fa1f],
] as const; // prettier-ignore

/** What BERT's cleaning does to one character: keep it, drop it or make it a space. */
type Cleaning = 'keep' | 'drop' | 'space';

function cleaning(char: string, codePoint: number): Cleaning {
  if (char === '\t' || char === '\n' || char === '\r') return 'space';
  if (codePoint === 0 || codePoint === 0xfffd || OTHER.test(char)) return 'drop';
  return WHITE_SPACE.test(char) ? 'space' : 'keep';
}

// BERT strips nonspacing marks only, after NFD (the StripAccents normaliser drops every mark).
const NONSPACING_MARK = /\p{Mn}/gu;

/** `cleaning` of each BMP character met so far. */
const CLEANING: Cleaning[] = new Array(0x10000);

function isChinese(codePoint: number): boolean {
  return CJK_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/**
 * BertNormalizer. The stand-in differs in two ways: it walks UTF-16 units, so CJK ideographs
 * outside the BMP get no spaces around them, and it lowercases with final sigma. Order as in the reference:
 * clean, space CJK, strip accents (NFD, drop Mn; by default when lowercasing), lowercase.
 */
class BertReference extends library.Normalizer {
  readonly #clean: boolean;
  readonly #chinese: boolean;
  readonly #stripAccents: boolean;
  readonly #lowercase: boolean;

  constructor(config: ComponentConfig) {
    super(config);
    const values = config as { clean_text?: boolean; handle_chinese_chars?: boolean; strip_accents?: boolean | null; lowercase?: boolean };
    this.#clean = values.clean_text ?? true;
    this.#chinese = values.handle_chinese_chars ?? true;
    this.#lowercase = values.lowercase ?? true;
    this.#stripAccents = values.strip_accents ?? this.#lowercase;
  }

  override normalize(text: string): string {
    if (this.#clean || this.#chinese) {
      let out = '';
      for (const char of text) {
        const codePoint = char.codePointAt(0)!;
        if (this.#clean) {
          let how = CLEANING[codePoint];
          if (how === undefined) {
            how = cleaning(char, codePoint);
            if (codePoint < CLEANING.length) CLEANING[codePoint] = how;
          }
          if (how === 'drop') continue;
          if (how === 'space') {
            out += ' ';
            continue;
          }
        }
        out += this.#chinese && isChinese(codePoint) ? ` ${char} ` : char;
      }
      text = out;
    }
    if (this.#stripAccents) text = text.normalize('NFD').replace(NONSPACING_MARK, '');
    return this.#lowercase ? lowercaseEachCharacter(text) : text;
  }
}

// Keyed by the library's class itself: a subclass the library might add is left alone.
const REFERENCES = new Map<unknown, (config: ComponentConfig) => LibraryNormalizer>([
  [library.PrecompiledNormalizer, (config) => new PrecompiledReference(config)],
  [library.BertNormalizer, (config) => new BertReference(config)],
  [library.LowercaseNormalizer, (config) => new LowercaseReference(config)],
  [library.StripNormalizer, (config) => new StripReference(config)],
]);

export function withReferenceNormalizers(normalizer: LibraryNormalizer | null): LibraryNormalizer | null {
  if (normalizer === null) return null;
  if (normalizer instanceof library.SequenceNormalizer) {
    normalizer.normalizers = normalizer.normalizers.map(withReferenceNormalizers);
    return normalizer;
  }
  return REFERENCES.get(normalizer.constructor)?.(normalizer.config) ?? normalizer;
}
