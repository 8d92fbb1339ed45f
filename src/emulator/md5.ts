import { createHash } from "node:crypto";

/**
 * The MD5 of bytes as lower-case hex, with Node's native hash: the emulator runs on Node only, and
 * checks the MD5 of every part it receives.
 */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}
