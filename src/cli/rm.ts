import type { KodoError } from "../errors.ts";
import { batch } from "../objects/batch.ts";
import { removeOp } from "../objects/batchOps.ts";
import { remove } from "../objects/remove.ts";
import type { Result } from "../result.ts";
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
  describeError,
  errorJson,
  exitCodeHelp,
  exitCodeOf,
  exitCodes,
  printJson,
  reportFailure,
  runCommand,
} from "./output.ts";

const help = `Usage: qiniu-kit rm <key> [key…] [options]

Deletes objects: one request for one key, batches for several. Exits with 3 when a key names no
object (the others are still deleted), with 1 when any deletion failed for another reason.

Options:
${commonHelp}

${credentialHelp}

${exitCodeHelp}

Examples:
  qiniu-kit rm photos/cat.jpg
  qiniu-kit rm tmp/a.txt tmp/b.txt --json`;

/**
 * Runs `qiniu-kit rm <key> [key…]`: deletes objects and says, per key, what happened.
 *
 * @param args - The arguments after `rm`.
 * @returns The exit code; 3 when the only failures are keys that name no object.
 * @example
 * process.exitCode = await runRm(["tmp/a.txt", "tmp/b.txt"]);
 */
export function runRm(args: string[]): Promise<number> {
  return runCommand("rm", help, async () => {
    const { values, positionals: keys } = parseCommand(args, {
      ...commonOptions,
      ...credentialOptions,
    });
    if (values.help) return "help";
    expectPositionals(keys, 1, Number.POSITIVE_INFINITY, "<key> [key…]");
    const json = values.json === true;
    const client = clientFrom(values);

    // One key, one request; several, a batch with a result per key.
    let outcomes: Result<unknown>[];
    if (keys.length === 1) {
      outcomes = [await remove(client, keys[0] ?? "")];
    } else {
      const answered = await batch(
        client,
        keys.map((key) => removeOp(key)),
      );
      if (!answered.ok) return reportFailure("rm", answered.error, json);
      outcomes = answered.data;
    }

    const removed: string[] = [];
    const failed: { key: string; error: KodoError }[] = [];
    outcomes.forEach((outcome, i) => {
      const key = keys[i] ?? "";
      if (outcome.ok) removed.push(key);
      else failed.push({ key, error: outcome.error });
    });
    if (json) {
      const failures = failed.map(({ key, error }) => ({ key, error: errorJson(error) }));
      printJson({ bucket: client.bucket, removed, failed: failures });
    } else {
      for (const key of removed) console.log(`Removed ${client.bucket}:${key}`);
      for (const { key, error } of failed) {
        console.error(`qiniu-kit rm: ${key}: ${describeError(error)}`);
      }
    }

    // Any failure other than a missing object outweighs the missing ones.
    if (failed.length === 0) return exitCodes.ok;
    const codes = failed.map(({ error }) => exitCodeOf(error));
    return codes.find((code) => code !== exitCodes.notFound) ?? exitCodes.notFound;
  });
}
