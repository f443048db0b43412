/**
 * HTML built by a tagged template that escapes every interpolated value unless it is itself
 * `SafeHtml`: text from a run (model names, labels, warnings, an imported report's anything) can
 * only ever become text, never markup. The one way to make markup from a string is `html`.
 */
export class SafeHtml {
  readonly #html: string;
  constructor(markup: string) {
    this.#html = markup;
  }
  toString(): string {
    return this.#html;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** A constant stylesheet of the program (never data) as markup for a <style> element. */
export function styleSheet(css: string): SafeHtml {
  if (/<\/style/i.test(css)) throw new Error('a stylesheet must not contain "</style"');
  return new SafeHtml(css);
}

/** A number for an SVG coordinate: two decimals at most, no exponent. */
export function px(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}
