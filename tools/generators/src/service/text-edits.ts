import type { Tree } from '@nx/devkit';

/**
 * Edits of hand-written files (YAML with comments and anchors, nginx, shell, TypeScript) as text:
 * a parse-and-print round trip would lose the comments and the layout reviewers rely on. Each
 * edit names the landmark it needs and fails loudly when a file no longer has it, so a changed
 * file breaks the generator's test instead of producing a half-wired service.
 */
export class FileEdit {
  private text: string;

  constructor(
    private readonly tree: Tree,
    readonly path: string,
  ) {
    const content = tree.read(path, 'utf-8');
    if (content === null) throw new Error(`service generator: ${path} does not exist`);
    this.text = content;
  }

  get content(): string {
    return this.text;
  }

  /** Inserts `addition` right after the last match of `landmark` (which must match at least once). */
  insertAfterLast(landmark: RegExp, addition: string): this {
    const match = this.lastMatch(landmark);
    const at = match.index + match[0].length;
    this.text = this.text.slice(0, at) + addition + this.text.slice(at);
    return this;
  }

  /** Inserts `addition` right before the first match of `landmark`. */
  insertBefore(landmark: RegExp, addition: string): this {
    const match = this.firstMatch(landmark);
    this.text = this.text.slice(0, match.index) + addition + this.text.slice(match.index);
    return this;
  }

  /** Replaces the first match of `landmark` with what `replace` makes of it. */
  replace(landmark: RegExp, replace: (match: RegExpExecArray) => string): this {
    const match = this.firstMatch(landmark);
    this.text =
      this.text.slice(0, match.index) + replace(match) + this.text.slice(match.index + match[0].length);
    return this;
  }

  append(addition: string): this {
    this.text = `${this.text.replace(/\n*$/, '\n')}${addition}`;
    return this;
  }

  save(): void {
    this.tree.write(this.path, this.text);
  }

  private firstMatch(landmark: RegExp): RegExpExecArray {
    const match = new RegExp(landmark.source, landmark.flags.replace('g', '')).exec(this.text);
    if (!match) throw this.missing(landmark);
    return match;
  }

  private lastMatch(landmark: RegExp): RegExpExecArray {
    const global = new RegExp(
      landmark.source,
      landmark.flags.includes('g') ? landmark.flags : `${landmark.flags}g`,
    );
    const matches = [...this.text.matchAll(global)];
    const last = matches.at(-1);
    if (!last || last.index === undefined) throw this.missing(landmark);
    return last as RegExpExecArray;
  }

  private missing(landmark: RegExp): Error {
    return new Error(
      `service generator: ${this.path} no longer has the place it edits (${landmark}); update the generator`,
    );
  }
}

/** Opens `path`, applies `edit`, writes it back. */
export function editFile(tree: Tree, path: string, edit: (file: FileEdit) => FileEdit): void {
  edit(new FileEdit(tree, path)).save();
}
