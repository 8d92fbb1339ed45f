import { expectPositionals, parseCommand } from "./args.ts";
import { runDemo } from "./demo.ts";
import { exitCodes, runCommand } from "./output.ts";

const help = `Usage: qiniu-kit demo

Walks through the classic operations (upload token, uploads of a stream and a file, stat,
download links, publish, remove, drop), printing what each one gave, against an emulator
started for the occasion: no account or network needed.

With QINIU_ACCESS_KEY, QINIU_SECRET_KEY and QINIU_BUCKET set, it runs against the real service
instead, in that bucket (QINIU_DOMAIN names a domain to publish; the bucket is dropped only
with QINIU_DEMO_DROP=1).

Options:
  -h, --help          show this help

Exit codes:
  0    every step did what it should
  1    a step failed
  2    usage error`;

/**
 * Runs `qiniu-kit demo`: the walkthrough of {@link runDemo}.
 *
 * @param args - The arguments after `demo`.
 * @returns 0 when every step did what it should, 1 otherwise.
 * @example
 * process.exitCode = await runDemoCommand([]);
 */
export function runDemoCommand(args: string[]): Promise<number> {
  return runCommand("demo", help, async () => {
    const { values, positionals } = parseCommand(args, {
      help: { type: "boolean", short: "h" },
    });
    if (values.help) return "help";
    expectPositionals(positionals, 0, 0, "no arguments");
    return (await runDemo()) ? exitCodes.ok : exitCodes.failed;
  });
}
