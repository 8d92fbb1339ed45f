import { readFileSync } from "node:fs";

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The file, relative to the package's root. */
  file: string;
  /** The line of the opening fence, from 1. */
  line: number;
  /** The fence's language: `ts`, `sh` … */
  language: string;
  /** The name given by a `<!-- sample: name -->` line right before the fence. */
  name: string | undefined;
  code: string;
}

/**
 * Finds the fenced code blocks of Markdown files.
 *
 * @param root - The folder the paths are relative to.
 * @param files - The files, such as `docs/uploads.md`.
 * @returns Every block, in order.
 */
export function codeBlocks(root: string, files: readonly string[]): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const file of files) {
    const lines = readFileSync(`${root}/${file}`, "utf8").split("\n");
    let open: { line: number; language: string; name: string | undefined } | undefined;
    let body: string[] = [];
    lines.forEach((text, i) => {
      if (open === undefined) {
        const fence = /^```(\S*)\s*$/.exec(text);
        if (fence === null) return;
        const previous = lines[i - 1] ?? "";
        const name = /^<!-- sample: ([\w-]+) -->$/.exec(previous)?.[1];
        open = { line: i + 1, language: fence[1] ?? "", name };
        body = [];
      } else if (text === "```") {
        blocks.push({ file, ...open, code: `${body.join("\n")}\n` });
        open = undefined;
      } else {
        body.push(text);
      }
    });
    if (open !== undefined) throw new Error(`${file}:${open.line}: the fence is never closed`);
  }
  return blocks;
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as dashes.
 *
 * @param heading - The heading's text, without the `#`s.
 */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}
