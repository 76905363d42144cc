/**
 * Okapi BM25 over the sections of a Markdown document: the classic ranking
 * function of search engines (term frequency saturated by k1, length
 * normalised by b, weighted by inverse document frequency).
 */

export interface Section {
  readonly title: string;
  readonly text: string;
}

export interface Hit extends Section {
  readonly score: number;
}

const K1 = 1.2;
const B = 0.75;
/** Title words count this many times over body words. */
const TITLE_BOOST = 3;
const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from how i if in is it its me my of on or so that the this to was what when where which who why will with you your'.split(
    ' ',
  ),
);

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:[._-][a-z0-9]+)*/g) ?? []).filter((t) => !STOP_WORDS.has(t)).map(stem);
}

/** A light suffix stripper: enough to match "deploying", "deployed" and "deploys" to "deploy". */
function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
  }
  return word;
}

/** Splits Markdown on `## ` headings; text before the first heading is dropped. */
export function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  for (const block of markdown.split(/^## /m).slice(1)) {
    const [title, ...body] = block.split('\n');
    sections.push({ title: title.trim(), text: body.join('\n').trim() });
  }
  return sections;
}

export class Bm25Index {
  private readonly docs: Array<{ section: Section; tf: Map<string, number>; length: number }>;
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(sections: readonly Section[]) {
    this.docs = sections.map((section) => {
      const titleTerms = tokenize(section.title);
      const terms = [...Array.from({ length: TITLE_BOOST }, () => titleTerms).flat(), ...tokenize(section.text)];
      const tf = new Map<string, number>();
      for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
      for (const term of tf.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
      return { section, tf, length: terms.length };
    });
    this.avgLength = this.docs.reduce((sum, d) => sum + d.length, 0) / Math.max(1, this.docs.length);
  }

  search(query: string, topK: number): Hit[] {
    const terms = [...new Set(tokenize(query))];
    const n = this.docs.length;
    return this.docs
      .map(({ section, tf, length }) => {
        let score = 0;
        for (const term of terms) {
          const freq = tf.get(term);
          if (!freq) continue;
          const df = this.df.get(term) ?? 0;
          const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          score += (idf * freq * (K1 + 1)) / (freq + K1 * (1 - B + (B * length) / this.avgLength));
        }
        return { ...section, score };
      })
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title))
      .slice(0, topK);
  }
}
