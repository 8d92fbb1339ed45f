import { urlsafeBase64DecodeText, urlsafeBase64Encode } from "../../auth/base64.ts";
import { sha1 } from "../../auth/crypto.ts";
import { crc32 } from "../../checksums/crc32.ts";
import { SINGLE_BLOCK_PREFIX, withPrefix } from "../../etag/createBlockDigests.ts";
import { etagDigest } from "../../etag/etagDigest.ts";
import { etagFromParts } from "../../etag/etagFromParts.ts";
import { checkUploadToken, upTokenHeader } from "../auth.ts";
import type { Exchange } from "../exchange.ts";
import { failure, json, type Reply } from "../http/reply.ts";
import { commitUpload, splitFields } from "../upload/commit.ts";
import { type BlockContext, sessionLifetime, UploadSessions } from "../upload/sessions.ts";

const blockSizeV1 = 4 * 1024 * 1024;
const badContext = (block?: number) =>
  failure(701, block === undefined ? "invalid context" : `block ${block}: invalid context`);

/**
 * `POST /mkblk/<blockSize>`: starts a block with its first chunk.
 *
 * @param exchange - The request, with `Authorization: UpToken`.
 * @returns `{ctx, checksum, crc32, offset, host, expired_at}`.
 */
export async function mkblk(exchange: Exchange): Promise<Reply> {
  const checked = await checkUploadToken(exchange, upTokenHeader(exchange));
  if (!checked.ok) return checked.reply;
  const blockSize = Number(exchange.segments[1]);
  if (
    exchange.segments.length !== 2 ||
    !Number.isInteger(blockSize) ||
    blockSize < 1 ||
    blockSize > blockSizeV1
  ) {
    return failure(400, "invalid block size");
  }
  await exchange.ctx.uploads.sweep();

  return addChunk(exchange, {
    blockId: UploadSessions.newId(12),
    bucket: checked.token.bucket,
    blockSize,
    offset: 0,
    chunks: [],
    expiredAt: Math.floor(Date.now() / 1000) + sessionLifetime,
  });
}

/**
 * `POST /bput/<ctx>/<offset>`: adds the next chunk to a block.
 *
 * @param exchange - The request, with `Authorization: UpToken`.
 * @returns The new block state, or 701 for a ctx that is unknown, expired or at another offset.
 */
export async function bput(exchange: Exchange): Promise<Reply> {
  const checked = await checkUploadToken(exchange, upTokenHeader(exchange));
  if (!checked.ok) return checked.reply;
  const [, ctx = "", offset = ""] = exchange.segments;
  const previous = exchange.ctx.uploads.context(ctx);
  if (exchange.segments.length !== 3 || previous === undefined) return badContext();
  if (previous.bucket !== checked.token.bucket || String(previous.offset) !== offset) {
    return badContext();
  }
  return addChunk(exchange, previous);
}

/** Reads a chunk into a blob and answers with the block's new ctx. */
async function addChunk(exchange: Exchange, previous: Omit<BlockContext, "ctx">): Promise<Reply> {
  const room = previous.blockSize - previous.offset;
  const bytes = await exchange.body.bytes(room);
  if (bytes === undefined) return failure(400, "chunk exceeds the block size");
  const { store } = exchange.ctx.catalog;

  const blob = await store.writeBlob(bytes, { scratch: true });
  const chunks = [...previous.chunks, blob];
  const offset = previous.offset + bytes.length;
  const hash = await sha1(bytes);

  // A block (4 MiB at most) is one etag block: a block sent whole has the chunk's own SHA-1.
  let digest: Uint8Array | undefined;
  if (offset === previous.blockSize) {
    digest =
      chunks.length === 1
        ? withPrefix(SINGLE_BLOCK_PREFIX, hash)
        : (await etagDigest(await readAll(exchange, chunks))).digest;
  }
  const context = exchange.ctx.uploads.addContext({ ...previous, chunks, offset, digest });

  return json(200, {
    ctx: context.ctx,
    checksum: urlsafeBase64Encode(hash),
    crc32: crc32(bytes),
    offset,
    host: `http://${exchange.host}`,
    expired_at: context.expiredAt,
  });
}

async function readAll(exchange: Exchange, blobs: readonly string[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const blob of blobs) {
    for await (const chunk of exchange.ctx.catalog.store.readBlob(
      blob,
      0,
      Number.MAX_SAFE_INTEGER,
    )) {
      parts.push(chunk);
    }
  }
  return Buffer.concat(parts);
}

/**
 * `POST /mkfile/<fsize>[/key/<E>][/mimeType/<E>][/fname/<E>][/x:<name>/<E>][/x-qn-meta-<name>/<E>]`
 * with the last ctx of each block, comma separated, as the body.
 *
 * @param exchange - The request, with `Authorization: UpToken`.
 * @returns The upload's answer; 701 for an unknown ctx, 400 when the blocks do not add up.
 */
export async function mkfile(exchange: Exchange): Promise<Reply> {
  const checked = await checkUploadToken(exchange, upTokenHeader(exchange));
  if (!checked.ok) return checked.reply;

  // The size and the named segments.
  const [, sizeText = "", ...pairs] = exchange.segments;
  const fsize = Number(sizeText);
  if (!/^\d+$/.test(sizeText) || !Number.isSafeInteger(fsize)) return failure(400, "invalid fsize");
  if (pairs.length % 2 !== 0) return failure(400, "invalid mkfile path");
  const options: { key?: string; mimeType?: string; fname?: string } = {};
  const fields: Array<[string, string]> = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const name = decodeURIComponentSafe(pairs[i]!);
    const value = urlsafeBase64DecodeText(pairs[i + 1]!);
    if (name === undefined || value === undefined) return failure(400, "invalid mkfile path");
    if (name === "key" || name === "mimeType" || name === "fname") options[name] = value;
    else fields.push([name, value]);
  }
  const { customVars, meta } = splitFields(fields);

  // The blocks named by the body.
  const body = await exchange.body.bytes(1024 * 1024);
  if (body === undefined) return failure(413, "request entity too large");
  const text = new TextDecoder().decode(body).trim();
  const ctxs = text === "" ? [] : text.split(",").map((ctx) => ctx.trim());
  const blocks: BlockContext[] = [];
  for (const [i, ctx] of ctxs.entries()) {
    const block = exchange.ctx.uploads.context(ctx);
    if (block === undefined || block.bucket !== checked.token.bucket) return badContext(i);
    if (block.digest === undefined) return failure(400, `block ${i}: incomplete`);
    if (i < ctxs.length - 1 && block.blockSize !== blockSizeV1) {
      return failure(400, `block ${i}: only the last block may be smaller than 4 MiB`);
    }
    blocks.push(block);
  }
  if (blocks.reduce((sum, block) => sum + block.blockSize, 0) !== fsize) {
    return failure(400, "fsize does not match the blocks");
  }

  // One blob of the whole content, then the object.
  const { store } = exchange.ctx.catalog;
  const blob = await store.concatBlobs(blocks.flatMap((block) => block.chunks));
  const hash = await etagFromParts(
    blocks.map((block) => block.digest!),
    blocks.map((block) => block.blockSize),
  );
  const reply = await commitUpload(exchange, {
    token: checked.token,
    key: options.key,
    content: { blob, fsize, hash },
    mimeType: options.mimeType,
    fname: options.fname,
    customVars,
    meta,
    api: "v1",
  });
  if (reply.status === 200 || reply.status === 579 || reply.status === 303) {
    for (const block of new Set(blocks.map((b) => b.blockId)))
      await exchange.ctx.uploads.releaseBlock(block);
  }
  return reply;
}

function decodeURIComponentSafe(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
