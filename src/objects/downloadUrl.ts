import { signDownloadUrl } from "../auth/downloadUrl.ts";
import { getBucketInfo } from "../buckets/getBucketInfo.ts";
import { listDomains } from "../buckets/listDomains.ts";
import { type Client, toOrigin } from "../client.ts";
import { invalidInput, KodoError } from "../errors.ts";
import { fail, ok, type Result } from "../result.ts";
import { checkKey, checkOptions } from "../validate.ts";

/** Options of {@link downloadUrl}. */
export interface DownloadUrlOptions {
  /** The domain to download from; the client's `domain`, else the bucket's first domain. */
  domain?: string | undefined;
  /** Sign the URL; by default it is signed when the bucket is private. */
  private?: boolean | undefined;
  /** Seconds the signed URL stays valid (3600 by default). */
  expiresIn?: number | undefined;
  /** A file name for the browser to save the download as. */
  attname?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** A download link. */
export interface DownloadUrlData {
  url: string;
  /** Seconds the link stays valid, or `undefined` for a public link. */
  expires: number | undefined;
}

/**
 * Builds the download URL of an object: on the bucket's domain, signed when the bucket is
 * private, with `attname` when a save-as name is given. The domain and the privacy that are not
 * given are looked up once and used for a minute, per client.
 *
 * @param client - The client whose bucket holds the object.
 * @param key - The object's key.
 * @param options - Domain, signing, lifetime and save-as name.
 * @returns The URL and its lifetime.
 * @example
 * const link = await downloadUrl(client, "report.pdf", { attname: "Q3.pdf", expiresIn: 600 });
 * if (link.ok) console.log(link.data.url);
 */
export async function downloadUrl(
  client: Client,
  key: string,
  options?: DownloadUrlOptions,
): Promise<Result<DownloadUrlData>> {
  const problem = checkKey(key) ?? checkOptions(options) ?? checkUrlOptions(options);
  if (problem !== undefined) return fail(problem);
  const signal = options?.signal;

  // Find what is not given: the domain and whether the bucket is private.
  const [domain, isPrivate] = await Promise.all([
    pickDomain(client, options?.domain, signal),
    options?.private === undefined ? bucketIsPrivate(client, signal) : ok(options.private),
  ]);
  if (!domain.ok) return domain;
  if (!isPrivate.ok) return isPrivate;
  const signed = isPrivate.data;

  // Build the URL, then sign it when the bucket needs it.
  const attname = options?.attname;
  const query = attname === undefined ? "" : `?attname=${encodeURIComponent(attname)}`;
  const url = `${toOrigin(domain.data, client.useHttps)}/${encodeKey(key)}${query}`;
  if (!signed) return ok({ url, expires: undefined });
  const expires = options?.expiresIn ?? 3600;
  const deadline = Math.floor(Date.now() / 1000) + expires;
  return ok({ url: await signDownloadUrl(client, url, deadline), expires });
}

/**
 * Checks the options that shape a download URL.
 *
 * @param options - The options of {@link downloadUrl}.
 * @returns The `invalid_input` error of the first bad option, or `undefined`.
 */
export function checkUrlOptions(options: DownloadUrlOptions | undefined): KodoError | undefined {
  const expiresIn = options?.expiresIn;
  if (expiresIn !== undefined && !(Number.isInteger(expiresIn) && expiresIn > 0)) {
    return invalidInput("options.expiresIn: expected a positive whole number of seconds");
  }
  const attname = options?.attname;
  if (attname !== undefined && (typeof attname !== "string" || !attname.isWellFormed())) {
    return invalidInput("options.attname: expected a string");
  }
  const domain = options?.domain;
  if (domain !== undefined && (typeof domain !== "string" || domain.length === 0)) {
    return invalidInput("options.domain: expected a domain name");
  }
  return undefined;
}

/** What was found about a client's bucket, and until when it is trusted. */
interface Found {
  domain?: { value: string; until: number } | undefined;
  private?: { value: boolean; until: number } | undefined;
}

/**
 * How long a bucket's first domain and its privacy, once looked up, are used without asking
 * again: a link per object of a listing costs no lookups, and a change made elsewhere shows
 * within a minute.
 */
const keptFor = 60_000;
const found = new WeakMap<Client, Found>();

function remember<K extends keyof Found>(
  client: Client,
  what: K,
  value: NonNullable<Found[K]>["value"],
) {
  const facts = found.get(client) ?? {};
  facts[what] = { value, until: Date.now() + keptFor } as Found[K];
  found.set(client, facts);
}

function recall<K extends keyof Found>(client: Client, what: K): Found[K] | undefined {
  const fact = found.get(client)?.[what];
  return fact !== undefined && Date.now() < fact.until ? fact : undefined;
}

async function bucketIsPrivate(
  client: Client,
  signal: AbortSignal | undefined,
): Promise<Result<boolean>> {
  const known = recall(client, "private");
  if (known !== undefined) return ok(known.value);
  const info = await getBucketInfo(client, { signal });
  if (!info.ok) return info;
  remember(client, "private", info.data.private);
  return ok(info.data.private);
}

async function pickDomain(
  client: Client,
  given: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Result<string>> {
  const chosen = given ?? client.domain ?? recall(client, "domain")?.value;
  if (chosen !== undefined) return ok(chosen);
  const domains = await listDomains(client, { signal });
  if (!domains.ok) return domains;
  const first = domains.data[0];
  if (first !== undefined) {
    remember(client, "domain", first);
    return ok(first);
  }
  const message = `bucket "${client.bucket}" has no download domain: bind one, or pass domain`;
  return fail(new KodoError({ code: "not_found", message }));
}

/** Percent-encodes each segment of a key, keeping its slashes. */
function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}
