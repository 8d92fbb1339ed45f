import { list } from "../objects/list.ts";
import type { ListItem } from "../objects/listPage.ts";
import {
  clientFrom,
  commonHelp,
  commonOptions,
  credentialHelp,
  credentialOptions,
  expectPositionals,
  parseCommand,
  wholeNumber,
} from "./args.ts";
import {
  exitCodeHelp,
  exitCodes,
  formatPutTime,
  printJson,
  reportFailure,
  runCommand,
} from "./output.ts";

const help = `Usage: qiniu-kit ls [prefix] [options]

Lists the bucket's keys, in key order: all of them, or those that start with [prefix]. An empty
listing is a success.

Options:
  -d, --delimiter C   group the keys after the prefix up to C (usually /): each group is
                      listed once, ending with C
  -n, --limit N       list at most N keys
  -l, --long          also show each object's size and write time
${commonHelp}

${credentialHelp}

${exitCodeHelp}

Examples:
  qiniu-kit ls
  qiniu-kit ls photos/ -d / -l
  qiniu-kit ls photos/2024/ --json`;

/**
 * Runs `qiniu-kit ls [prefix]`: lists keys, page after page, as they arrive.
 *
 * @param args - The arguments after `ls`.
 * @returns The exit code; 3 when the bucket does not exist.
 * @example
 * process.exitCode = await runLs(["photos/", "--delimiter", "/"]);
 */
export function runLs(args: string[]): Promise<number> {
  return runCommand("ls", help, async () => {
    const { values, positionals } = parseCommand(args, {
      ...commonOptions,
      ...credentialOptions,
      delimiter: { type: "string", short: "d" },
      limit: { type: "string", short: "n" },
      long: { type: "boolean", short: "l" },
    });
    if (values.help) return "help";
    expectPositionals(positionals, 0, 1, "at most one [prefix]");
    const prefix = positionals[0] ?? "";
    const limit = wholeNumber("limit", values.limit, 1);
    const json = values.json === true;
    const long = values.long === true;
    const client = clientFrom(values);

    // Print as the pages arrive; with --json, gather one document.
    const items: ListItem[] = [];
    const prefixes: string[] = [];
    let count = 0;
    const options = { prefix, delimiter: values.delimiter, limit: pageSize(limit) };
    for await (const entry of list(client, options)) {
      if (!entry.ok) return reportFailure("ls", entry.error, json);
      if (entry.data.type === "prefix") {
        if (json) prefixes.push(entry.data.prefix);
        else console.log(long ? longLine("-", "-", entry.data.prefix) : entry.data.prefix);
        continue;
      }
      const item = entry.data.item;
      if (json) items.push(item);
      else
        console.log(long ? longLine(item.fsize, formatPutTime(item.putTime), item.key) : item.key);
      count++;
      if (limit !== undefined && count >= limit) break;
    }
    if (json) printJson({ bucket: client.bucket, prefix, items, prefixes });
    return exitCodes.ok;
  });
}

/** A line of `ls -l`: size, write time, key (or `-`, `-`, prefix). */
function longLine(size: number | string, written: string, name: string): string {
  return `${String(size).padStart(12)}  ${written.padEnd(24)}  ${name}`;
}

/** Pages no larger than needed for a small limit; the service's largest otherwise. */
function pageSize(limit: number | undefined): number {
  return limit === undefined ? 1000 : Math.min(limit, 1000);
}
