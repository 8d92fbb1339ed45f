import { basename } from "node:path";
import { put } from "../upload/put.ts";
import { putFile } from "../upload/putFile.ts";
import type { UploadProgress } from "../upload/uploadTypes.ts";
import {
  clientFrom,
  commonHelp,
  commonOptions,
  credentialHelp,
  credentialOptions,
  expectPositionals,
  parseCommand,
  UsageError,
} from "./args.ts";
import { checkLocalFile } from "./localFile.ts";
import {
  exitCodeHelp,
  exitCodes,
  formatBytes,
  printJson,
  reportFailure,
  runCommand,
} from "./output.ts";
import { createProgress } from "./progress.ts";

const help = `Usage: qiniu-kit put <file> [key] [options]

Uploads a file to the bucket under <key>, the file's name by default; an object already there
is replaced. Large files go in parts and resume where they stopped when the same command runs
again. <file> may be - to read standard input (a <key> is then required).

Progress goes to standard error: a bar on a terminal, a line at every 10% otherwise, nothing
with --json.

Options:
  --mime-type TYPE    the MIME type to store (from the file's extension by default)
${commonHelp}

${credentialHelp}

${exitCodeHelp}

Examples:
  qiniu-kit put ./cat.jpg
  qiniu-kit put ./cat.jpg photos/2024/cat.jpg --json
  tar c logs | qiniu-kit put - backups/logs.tar`;

/**
 * Runs `qiniu-kit put <file> [key]`: uploads a file, or standard input, showing progress.
 *
 * @param args - The arguments after `put`.
 * @returns The exit code.
 * @example
 * process.exitCode = await runPut(["./cat.jpg", "photos/cat.jpg", "--json"]);
 */
export function runPut(args: string[]): Promise<number> {
  return runCommand("put", help, async () => {
    const { values, positionals } = parseCommand(args, {
      ...commonOptions,
      ...credentialOptions,
      "mime-type": { type: "string" },
    });
    if (values.help) return "help";
    expectPositionals(positionals, 1, 2, "<file> [key]");
    const [file = "", given] = positionals;
    const fromStdin = file === "-";
    if (fromStdin && given === undefined) {
      throw new UsageError("a key is required when the file is - (standard input)");
    }
    const key = given ?? basename(file);
    const json = values.json === true;
    const client = clientFrom(values);

    // The file must exist before anything is sent.
    if (!fromStdin) {
      const checked = await checkLocalFile(file);
      if (!checked.ok) return reportFailure("put", checked.error, json);
    }

    // Ctrl-C stops the upload; a file's parts sent so far are kept for the next run.
    const progress = json ? undefined : createProgress(key, process.stderr);
    const controller = new AbortController();
    const interrupt = () => controller.abort();
    process.once("SIGINT", interrupt);
    const options = {
      mimeType: values["mime-type"],
      signal: controller.signal,
      onProgress: ({ loaded, total }: UploadProgress) => progress?.update(loaded, total),
    };
    const result = fromStdin
      ? await put(client, key, process.stdin, options)
      : await putFile(client, key, file, options);
    process.removeListener("SIGINT", interrupt);
    progress?.finish();

    if (!result.ok) {
      if (result.error.code === "aborted" && !json) {
        const again = fromStdin ? "" : "; run the same command again to resume";
        console.error(`qiniu-kit put: interrupted${again}`);
        return exitCodes.interrupted;
      }
      return reportFailure("put", result.error, json, key);
    }
    const { hash, fsize } = result.data;
    if (json) {
      printJson({ bucket: client.bucket, key: result.data.key, hash, fsize });
    } else {
      const source = fromStdin ? "standard input" : file;
      const size = formatBytes(fsize);
      console.log(`Uploaded ${source} to ${client.bucket}:${result.data.key} (${size}, ${hash})`);
    }
    return exitCodes.ok;
  });
}
