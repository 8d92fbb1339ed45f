import type { KodoError } from "../errors.ts";
import { UsageError } from "./args.ts";

/** The exit codes of every command, as `qiniu-kit --help` lists them. */
export const exitCodes = {
  /** The command did what it was asked. */
  ok: 0,
  /** The service or the network failed, or the command did not complete. */
  failed: 1,
  /** The command line is wrong: an unknown option, a missing argument or credential. */
  usage: 2,
  /** The object, the bucket or the local file named does not exist. */
  notFound: 3,
  /** Interrupted (Ctrl-C); an upload resumes when the same command runs again. */
  interrupted: 130,
} as const;

/** The help text of {@link exitCodes}. */
export const exitCodeHelp = `Exit codes:
  0    success
  1    the service or the network failed
  2    usage error: a wrong option or argument, a missing credential
  3    not found: no such object, bucket or local file
  130  interrupted (Ctrl-C)`;

/**
 * Tells the exit code of a failed operation.
 *
 * @param error - The operation's error.
 * @returns 3 for a missing object or bucket, 2 for input the SDK refused, 130 for an abort, 1
 *   otherwise.
 * @example
 * if (!result.ok) return exitCodeOf(result.error);
 */
export function exitCodeOf(error: KodoError): number {
  switch (error.code) {
    case "not_found":
    case "no_such_bucket":
      return exitCodes.notFound;
    case "invalid_input":
      return exitCodes.usage;
    case "aborted":
      return exitCodes.interrupted;
    default:
      return exitCodes.failed;
  }
}

/**
 * The fields of an error that a script may read, for `--json`.
 *
 * @param error - The error.
 * @returns `{ code, message, status, reqId }`, without the absent ones.
 * @example
 * printJson({ error: errorJson(result.error) });
 */
export function errorJson(error: KodoError): Record<string, unknown> {
  const { code, message, status, reqId } = error;
  return {
    code,
    message,
    ...(status === undefined ? {} : { status }),
    ...(reqId ? { reqId } : {}),
  };
}

/**
 * Describes an error on one line: the message, the code and status, the request id.
 *
 * @param error - The error.
 * @returns Such as `no such file or directory (not_found, 612, reqId abc)`.
 * @example
 * console.error(describeError(result.error));
 */
export function describeError(error: KodoError): string {
  const details = [error.code, error.status, error.reqId ? `reqId ${error.reqId}` : undefined];
  return `${error.message} (${details.filter((d) => d !== undefined).join(", ")})`;
}

/**
 * Prints a value as one JSON document on standard output.
 *
 * @param value - Anything JSON can hold.
 * @example
 * printJson({ key, hash });
 */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/**
 * Reports a failed operation: a JSON document on standard output with `--json`, a line on
 * standard error otherwise.
 *
 * @param command - The command's name, for the message.
 * @param error - The operation's error.
 * @param json - Whether `--json` was given.
 * @param subject - What failed, such as the key, to name in the message.
 * @returns The exit code.
 * @example
 * if (!result.ok) return reportFailure("stat", result.error, json, key);
 */
export function reportFailure(
  command: string,
  error: KodoError,
  json: boolean,
  subject?: string,
): number {
  if (json) printJson({ error: errorJson(error) });
  else {
    const what = subject ? `${subject}: ` : "";
    console.error(`qiniu-kit ${command}: ${what}${describeError(error)}`);
  }
  return exitCodeOf(error);
}

/**
 * Runs a command's body: prints its help for `--help`, and turns a {@link UsageError} into a
 * message on standard error and exit code 2.
 *
 * @param command - The command's name.
 * @param help - Its help text.
 * @param body - Parses the arguments and does the work, resolving to the exit code; `"help"`
 *   when `--help` was given.
 * @returns The exit code.
 * @example
 * return runCommand("stat", help, async () => { … });
 */
export async function runCommand(
  command: string,
  help: string,
  body: () => Promise<number | "help">,
): Promise<number> {
  try {
    const outcome = await body();
    if (outcome !== "help") return outcome;
    console.log(help);
    return exitCodes.ok;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(
      `qiniu-kit ${command}: ${error.message}\nRun "qiniu-kit ${command} --help" for usage.`,
    );
    return exitCodes.usage;
  }
}

/**
 * Formats a size in bytes for people: `512 B`, `1.5 KiB`, `23.4 MiB`.
 *
 * @param bytes - The size.
 * @returns The text.
 * @example
 * formatBytes(1536); // "1.5 KiB"
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Turns a `putTime` (100-nanosecond units since 1970) into an ISO date.
 *
 * @param putTime - As the service sends it.
 * @returns Such as `2024-05-01T10:22:10.123Z`.
 * @example
 * formatPutTime(17145589301230000); // "2024-05-01T10:22:10.123Z"
 */
export function formatPutTime(putTime: number): string {
  return new Date(Math.floor(putTime / 10_000)).toISOString();
}
