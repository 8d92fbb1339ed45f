import { stat } from "../objects/stat.ts";
import {
  clientFrom,
  commonHelp,
  commonOptions,
  credentialHelp,
  credentialOptions,
  expectPositionals,
  parseCommand,
} from "./args.ts";
import {
  exitCodeHelp,
  exitCodes,
  formatBytes,
  formatPutTime,
  printJson,
  reportFailure,
  runCommand,
} from "./output.ts";

const help = `Usage: qiniu-kit stat <key> [options]

Shows an object's size, hash, MIME type, write time, storage class, status and metadata.
Exits with 3 when there is no such object, so that a script can test for it.

Options:
${commonHelp}

${credentialHelp}

${exitCodeHelp}

Examples:
  qiniu-kit stat photos/cat.jpg
  qiniu-kit stat photos/cat.jpg --json`;

const storageClasses = ["standard", "infrequent access", "archive", "deep archive", "archive-IR"];

/**
 * Runs `qiniu-kit stat <key>`: prints an object's attributes.
 *
 * @param args - The arguments after `stat`.
 * @returns The exit code; 3 when there is no such object.
 * @example
 * process.exitCode = await runStat(["photos/cat.jpg", "--json"]);
 */
export function runStat(args: string[]): Promise<number> {
  return runCommand("stat", help, async () => {
    const { values, positionals } = parseCommand(args, { ...commonOptions, ...credentialOptions });
    if (values.help) return "help";
    expectPositionals(positionals, 1, 1, "<key>");
    const key = positionals[0] ?? "";
    const json = values.json === true;
    const client = clientFrom(values);

    const result = await stat(client, key);
    if (!result.ok) return reportFailure("stat", result.error, json, key);
    const data = result.data;
    if (json) {
      printJson({ bucket: client.bucket, key, ...data });
      return exitCodes.ok;
    }
    const metadata = Object.entries(data.metadata).map(([name, value]) => `${name}=${value}`);
    const rows: [string, string | undefined][] = [
      ["key", key],
      ["size", `${data.fsize} bytes${data.fsize >= 1024 ? ` (${formatBytes(data.fsize)})` : ""}`],
      ["hash", data.hash],
      ["md5", data.md5],
      ["MIME type", data.mimeType],
      ["written", formatPutTime(data.putTime)],
      ["storage", `${storageClasses[data.type] ?? "class"} (${data.type})`],
      ["status", data.status === 1 ? "disabled (1)" : "enabled (0)"],
      ["expires", data.expiration ? new Date(data.expiration * 1000).toISOString() : undefined],
      ["metadata", metadata.length > 0 ? metadata.join(", ") : undefined],
    ];
    for (const [name, value] of rows) {
      if (value !== undefined) console.log(`${name.padEnd(10)} ${value}`);
    }
    return exitCodes.ok;
  });
}
