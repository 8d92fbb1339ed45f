import { KodoError } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import type { UploadTarget } from "./uploadTypes.ts";

/** The token of an upload, renewed once for all parts when the service says it expired. */
export interface TokenHolder {
  current: string;
  renew(expired: string): Promise<Result<string>>;
}

/**
 * Holds the token of an upload; a renewal asked for by several parts at once, after the service
 * said the token expired, happens once, and a part that saw an older token gets the current one.
 *
 * @param initial - The token the upload starts with.
 * @param target - Where a new token comes from (`renewToken`), when it can.
 * @returns The holder.
 * @example
 * const tokens = tokenHolder(token, target);
 * const renewed = await tokens.renew(tokens.current);
 */
export function tokenHolder(initial: string, target: UploadTarget): TokenHolder {
  let renewing: Promise<Result<string>> | undefined;
  const holder: TokenHolder = {
    current: initial,
    renew(expired) {
      if (holder.current !== expired) return Promise.resolve(ok(holder.current));
      if (target.renewToken === undefined) {
        return Promise.resolve(
          fail(new KodoError({ code: "unauthorized", message: "the upload token expired" })),
        );
      }
      renewing ??= target.renewToken().then((renewed) => {
        renewing = undefined;
        if (renewed.ok) holder.current = renewed.data;
        return renewed;
      });
      return renewing;
    },
  };
  return holder;
}
