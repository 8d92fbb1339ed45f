import { etag } from "../etag/etag.ts";
import { etagFile } from "../etag/etagFile.ts";
import type { Result } from "../result.ts";
import { commonHelp, commonOptions, expectPositionals, parseCommand } from "./args.ts";
import { checkLocalFile } from "./localFile.ts";
import { exitCodeHelp, exitCodes, printJson, reportFailure, runCommand } from "./output.ts";

const help = `Usage: qiniu-kit etag <file> [options]

Computes Qiniu's etag of a local file, the "hash" the service gives the object once uploaded
whole or in 4 MiB parts: compare it with \`qiniu-kit stat\` to tell whether a file is already
there. <file> may be - to read standard input. No credentials are needed.

Options:
${commonHelp}

${exitCodeHelp}

Examples:
  qiniu-kit etag ./cat.jpg
  qiniu-kit etag ./cat.jpg --json`;

/**
 * Runs `qiniu-kit etag <file>`: prints the etag of a file (read 4 MiB at a time) or of standard
 * input.
 *
 * @param args - The arguments after `etag`.
 * @returns The exit code; 3 when there is no such file.
 * @example
 * process.exitCode = await runEtag(["./cat.jpg"]);
 */
export function runEtag(args: string[]): Promise<number> {
  return runCommand("etag", help, async () => {
    const { values, positionals } = parseCommand(args, commonOptions);
    if (values.help) return "help";
    expectPositionals(positionals, 1, 1, "<file>");
    const file = positionals[0] ?? "";
    const json = values.json === true;

    // A file is read 4 MiB at a time, its blocks hashed in parallel; standard input is a stream
    // whose bytes are counted while they are hashed, since it has no size to ask for.
    let size = 0;
    let hashed: Result<string>;
    if (file !== "-") {
      const checked = await checkLocalFile(file);
      if (!checked.ok) return reportFailure("etag", checked.error, json);
      size = checked.data.size;
      hashed = await etagFile(file);
    } else {
      const counted = async function* () {
        for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          yield chunk;
        }
      };
      hashed = await etag(counted());
    }
    if (!hashed.ok) return reportFailure("etag", hashed.error, json);
    const hash = hashed.data;

    if (json) printJson({ file, etag: hash, size });
    else console.log(`${hash}  ${file}`);
    return exitCodes.ok;
  });
}
